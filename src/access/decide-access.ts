import type { PrismaClient } from '../generated/prisma/client.ts';
import type { ChatTarget } from '../ports/chat.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import { writeAudit } from '../chat/write-audit.ts';
import type { Tx } from '../chat/chat-deps.ts';
import { ROLE_ALIASES, type PeopleRole } from '../import/read-people-file.ts';

/** 联络员 / 经办人 / b角 … → the role the 通讯录 knows, or null. */
export function roleOf(text: string | null | undefined): PeopleRole | null {
  return text ? (ROLE_ALIASES[text.trim()] ?? null) : null;
}

const KIND: Record<PeopleRole, 'contact' | 'leader' | 'admin'> = { 联络员: 'contact', B角: 'contact', 牵头领导: 'leader', 分管领导: 'leader', 管理员: 'admin' };

export interface AccessDecision {
  ok: boolean;
  /** The answer for the admin who decided (chat reply or console notice). */
  answer: string;
}

/** Where the one who asked hears the decision: the group the request came from, else privately. */
function requesterTarget(r: { roomId: string | null; roomTopic: string | null; actorId: string }): ChatTarget {
  return r.roomId || r.roomTopic ? { kind: 'group', ref: r.roomId ?? r.roomTopic! } : { kind: 'person', ref: r.actorId };
}

/**
 * An admin's word on an AccessRequest — the only way a chat identity becomes a contact, leader or
 * admin, or a group becomes a unit's. Approving 登记 gives the asker's account (never a name) the
 * role; approving 绑定 binds that room id to the unit. The request, the change and the notice to the
 * asker are written together, with the admin in the audit log. Chat and console call this same code.
 */
export async function decideAccessRequest(prisma: PrismaClient, d: AccessDecisionInput): Promise<AccessDecision> {
  return prisma.$transaction((tx) => decideAccessIn(tx, d));
}

type AccessDecisionInput = { id: number; approve: boolean; reason?: string; actor: string; at: Date; unitId?: number | null };

/** The same decision inside a caller's transaction (chat marks its message in it: decided once per message). */
export async function decideAccessIn(tx: Tx, d: AccessDecisionInput): Promise<AccessDecision> {
  const r = await tx.accessRequest.findUnique({ where: { id: d.id } });
  const kindLabel = r?.kind === 'bind_group' ? '绑定' : '登记';
  if (!r) return { ok: false, answer: `没有编号为${d.id}的登记或绑定申请。` };
  if (r.status !== 'pending') return { ok: false, answer: `${kindLabel}申请${r.id}已经${r.status === 'approved' ? '批准' : '驳回'}，无需再处理。` };
  const who = r.actorName ?? r.actorId;
  const target = requesterTarget(r);
  const mention = target.kind === 'group' ? [r.actorId] : [];
  const notice = (text: string) => enqueueOutbox(tx, [{ idempotencyKey: `access:${r.id}:${d.approve ? 'approved' : 'rejected'}`, target, text, mentions: r.kind === 'register' ? mention : [], notBefore: d.at }]);
  if (!d.approve) {
    if (!d.reason?.trim()) return { ok: false, answer: `请写明驳回理由：驳回 ${kindLabel} ${r.id} 理由。` };
    await tx.accessRequest.update({ where: { id: r.id }, data: { status: 'rejected', decidedBy: d.actor, decidedAt: d.at, reason: d.reason.trim() } });
    await writeAudit(tx, { at: d.at, actor: d.actor, action: `access.${r.kind}.reject`, entity: 'AccessRequest', entityId: r.id, before: { status: 'pending' }, after: { status: 'rejected', reason: d.reason.trim(), actorId: r.actorId, roomId: r.roomId } });
    await notice(r.kind === 'register' ? `${who}，您的登记申请未通过，理由：${d.reason.trim()}。如有疑问请联系督办室。` : `本群绑定到单位的申请未通过，理由：${d.reason.trim()}。`);
    return { ok: true, answer: `已驳回${who}的${kindLabel}申请（编号${r.id}）。` };
  }
  const unitId = d.unitId ?? r.unitId;
  const unit = unitId !== null && unitId !== undefined ? await tx.unit.findUnique({ where: { id: unitId }, select: { id: true, name: true } }) : null;
  if (r.kind === 'bind_group') {
    if (!unit) return { ok: false, answer: `绑定申请${r.id}没有指明单位，请写明：批准 绑定 ${r.id} 单位全称。` };
    if (!r.roomId && !r.roomTopic) return { ok: false, answer: `绑定申请${r.id}没有群的信息，无法绑定。` };
    const byRoom = r.roomId ? await tx.chatGroup.findUnique({ where: { roomId: r.roomId } }) : null;
    const byTopic = !byRoom && r.roomTopic ? await tx.chatGroup.findUnique({ where: { topic: r.roomTopic } }) : null;
    // A topic another room already holds stays with that room: this room is bound beside it, under a marked topic.
    const group =
      byRoom ??
      (byTopic && !byTopic.roomId ? await tx.chatGroup.update({ where: { id: byTopic.id }, data: { roomId: r.roomId } }) : null) ??
      (await tx.chatGroup.create({ data: { roomId: r.roomId, topic: byTopic ? `${r.roomTopic}（${(r.roomId ?? '').slice(-6)}）` : (r.roomTopic ?? r.roomId!) } }));
    await tx.groupUnit.upsert({ where: { groupId_unitId: { groupId: group.id, unitId: unit.id } }, create: { groupId: group.id, unitId: unit.id }, update: {} });
    await tx.accessRequest.update({ where: { id: r.id }, data: { status: 'approved', decidedBy: d.actor, decidedAt: d.at, unitId: unit.id } });
    await writeAudit(tx, { at: d.at, actor: d.actor, action: 'access.bind_group.approve', entity: 'ChatGroup', entityId: group.id, before: { request: r.id, status: 'pending' }, after: { roomId: r.roomId, topic: group.topic, unit: unit.name } });
    await notice(`督办室已将本群绑定到${unit.name}，今后${unit.name}的提醒会发到本群。`);
    return { ok: true, answer: `已将群“${r.roomTopic ?? r.roomId}”绑定到${unit.name}（申请编号${r.id}）。` };
  }
  const role = roleOf(r.role);
  if (!role) return { ok: false, answer: `登记申请${r.id}没有写明角色（${Object.keys(KIND).join('、')}），请驳回后让对方重新登记。` };
  const kind = KIND[role];
  if (kind === 'contact' && !unit) return { ok: false, answer: `登记申请${r.id}的单位“${r.unitName ?? ''}”不在单位目录中，无法登记为${role}。` };
  const name = r.actorName?.trim() || r.actorId;
  const taken = await tx.person.findUnique({ where: { chatId: r.actorId } });
  // A person the plan or the 通讯录 already names (a leader without an account yet) gains this account.
  const named = taken ?? (await tx.person.findFirst({ where: { name, kind, ...(kind === 'contact' ? { unitId: unit!.id } : {}) } }));
  if (named && !taken && named.chatId && named.chatId !== r.actorId) {
    return { ok: false, answer: `${name}（${role}）已登记了另一个账号，不能再登记。如确需更换账号，请在通讯录中修改后重新导入。` };
  }
  const data = { name: named?.name ?? name, kind, chatId: r.actorId, chatName: r.actorName, isAdmin: kind === 'admin' || (named?.isAdmin ?? false), unitId: kind === 'leader' ? (named?.unitId ?? null) : (unit?.id ?? null), ...(role === '分管领导' ? { role: '分管领导' } : {}) };
  const person = named ? await tx.person.update({ where: { id: named.id }, data }) : await tx.person.create({ data });
  if (role === 'B角' && unit) await tx.person.updateMany({ where: { unitId: unit.id, kind: 'contact', backupId: null, id: { not: person.id } }, data: { backupId: person.id } });
  await tx.accessRequest.update({ where: { id: r.id }, data: { status: 'approved', decidedBy: d.actor, decidedAt: d.at, unitId: unit?.id ?? null } });
  await writeAudit(tx, {
    at: d.at, actor: d.actor, action: 'access.register.approve', entity: 'Person', entityId: person.id,
    before: named ? { kind: named.kind, unitId: named.unitId, chatId: named.chatId, isAdmin: named.isAdmin } : null,
    after: { request: r.id, name: person.name, role, unit: unit?.name ?? null, chatId: r.actorId },
  });
  await notice(`${who}，督办室已批准您登记为${unit ? `${unit.name}的` : ''}${role}。发送“帮助”查看用法。`);
  return { ok: true, answer: `已批准${who}登记为${unit ? `${unit.name}的` : ''}${role}（申请编号${r.id}）。` };
}
