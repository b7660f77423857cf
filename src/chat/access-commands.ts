import { decideAccessIn, roleOf } from '../access/decide-access.ts';
import { PEOPLE_ROLES } from '../import/read-people-file.ts';
import { canAct } from '../domain/work/index.ts';
import { denied } from './admin-commands.ts';
import { adminTargets, type ChatTurn, type Outcome } from './chat-turn.ts';
import { findUnit } from './find-unit.ts';
import { writeAudit } from './write-audit.ts';
import { oncePerMessage } from './once-per-message.ts';
import type { Tx } from './chat-deps.ts';

const where = (turn: ChatTurn) => ({ channel: turn.m.channel, actorId: turn.m.talkerId, actorName: turn.m.talkerName || null, roomId: turn.m.roomId ?? null, roomTopic: turn.m.roomTopic ?? null });

/**
 * 登记 <单位> <角色>: a chat identity asks to become a unit's contact, a leader or an admin. Nothing
 * changes until an admin approves; the asker gets one answer and the admins a notice with the number.
 */
export async function register(turn: ChatTurn, unitName: string | null, roleText: string): Promise<Outcome> {
  const { prisma } = turn.deps;
  const role = roleOf(roleText);
  if (!role) {
    await turn.reply(`没有看懂角色“${roleText}”。请发送如“登记 单位全称 联络员”，角色可为：${PEOPLE_ROLES.join('、')}。`);
    return { status: 'interpreted', note: 'register: unknown role' };
  }
  const unit = unitName ? await findUnit(prisma, unitName) : null;
  if ((role === '联络员' || role === 'B角') && !unit) {
    await turn.reply(unitName ? `没有找到单位“${unitName}”，请用单位全称重新发送“登记 单位全称 ${role}”。` : `请写明单位：登记 单位全称 ${role}。`);
    return { status: 'interpreted', note: 'register: unit not found' };
  }
  const pending = await prisma.accessRequest.findFirst({ where: { kind: 'register', status: 'pending', actorId: turn.m.talkerId } });
  if (pending) {
    await turn.reply(`您的登记申请（编号${pending.id}）已提交，正在等待督办室审核，请勿重复发送。`);
    return { status: 'interpreted', note: `register: already pending ${pending.id}` };
  }
  const label = `${unit ? `${unit.name}的` : ''}${role}`;
  const admins = await adminTargets(prisma, turn.deps.admins, turn.deps.groupsByTopic);
  return oncePerMessage(turn, async (tx) => {
    const req = await tx.accessRequest.create({ data: { kind: 'register', ...where(turn), unitId: unit?.id ?? null, unitName: unit?.name ?? unitName, role, text: turn.m.text, requestedAt: turn.now } });
    await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: 'access.register.request', entity: 'AccessRequest', entityId: req.id, after: { name: turn.m.talkerName, role, unit: unit?.name ?? null, room: turn.m.roomTopic ?? null } });
    await turn.reply(`已收到您的登记申请（编号${req.id}）：${label}。督办室审核通过后会通知您，在此之前您的消息不会记入台账。`, tx);
    for (const [i, target] of admins.entries()) {
      await turn.notify(`admin${i}`, target, `【登记申请${req.id}】${turn.m.talkerName || turn.m.talkerId}（账号 ${turn.m.talkerId}${turn.m.roomTopic ? `，来自“${turn.m.roomTopic}”` : ''}）申请登记为${label}。\n回复“批准 登记 ${req.id}”通过，或“驳回 登记 ${req.id} 理由”驳回；也可在管理后台“待办”中处理。`, [], tx);
    }
    return { status: 'interpreted', note: `register request ${label}` };
  });
}

/** 批准 登记 3 / 驳回 登记 3 理由 / 批准 绑定 4 [单位]: an admin decides, through the same code as the console. */
export async function decideAccess(turn: ChatTurn, id: number, approve: boolean, text: string, kind: 'register' | 'bind_group'): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'change_settings').ok) return denied(turn, approve ? '批准登记或绑定' : '驳回登记或绑定');
  const { prisma } = turn.deps;
  const req = await prisma.accessRequest.findUnique({ where: { id }, select: { kind: true } });
  if (req && req.kind !== kind) {
    await turn.reply(`编号${id}是${req.kind === 'register' ? '登记' : '绑定'}申请，请发送“${approve ? '批准' : '驳回'} ${req.kind === 'register' ? '登记' : '绑定'} ${id}”。`);
    return { status: 'interpreted', note: 'access: wrong kind' };
  }
  const unit = approve && kind === 'bind_group' && text ? await findUnit(prisma, text) : null;
  if (approve && kind === 'bind_group' && text && !unit) {
    await turn.reply(`没有找到单位“${text}”，请用单位全称。`);
    return { status: 'interpreted', note: 'access: unit not found' };
  }
  // The decision, the admin's answer and the message's mark in one transaction: a retry decides nothing twice.
  return oncePerMessage(turn, async (tx) => {
    const r = await decideAccessIn(tx, { id, approve, reason: text, actor: turn.m.talkerId, at: turn.now, unitId: unit?.id ?? null });
    await turn.reply(r.answer, tx);
    return { status: 'interpreted', note: `access ${id}: ${r.ok ? (approve ? 'approved' : 'rejected') : 'refused'}` };
  });
}

/**
 * Someone no admin has registered posted what reads as a report. The first time they get one polite
 * answer and land in the console's inbox (a 登记 request without a role); after that, their messages
 * are kept and shown there, without another answer. Returns whether to answer now.
 */
export async function noteUnknownReporter(tx: Tx, turn: ChatTurn): Promise<boolean> {
  const earlier = await tx.accessRequest.findFirst({ where: { kind: 'register', actorId: turn.m.talkerId, status: { in: ['pending', 'rejected'] } }, select: { id: true } });
  if (earlier) return false;
  const unit = turn.sender.group?.units[0] ?? null;
  await tx.accessRequest.create({ data: { kind: 'register', ...where(turn), unitId: unit?.id ?? null, unitName: unit?.name ?? null, role: null, text: turn.m.text.slice(0, 2000), detail: { reason: 'unknown_reporter', inboundId: turn.inboundId }, requestedAt: turn.now } });
  return true;
}
