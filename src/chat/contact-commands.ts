import { canAct } from '../domain/work/index.ts';
import { denied } from './admin-commands.ts';
import type { Tx } from './chat-deps.ts';
import type { ChatTurn, Outcome } from './chat-turn.ts';
import { writeAudit } from './write-audit.ts';
import { oncePerMessage } from './once-per-message.ts';

type Found = { id: number; name: string; unitId: number | null; onLeave: boolean; backup: { name: string; chatId: string | null; onLeave: boolean } | null };

const select = { id: true, name: true, unitId: true, onLeave: true, backup: { select: { name: true, chatId: true, onLeave: true } } } as const;

/** A unit contact by name; with several of that name, the one in the sender's unit or group. */
async function findContact(tx: Tx, turn: ChatTurn, name: string): Promise<Found | 'ambiguous' | null> {
  const rows = await tx.person.findMany({ where: { kind: { not: 'leader' }, OR: [{ name }, { chatName: name }] }, select, take: 10 });
  if (rows.length <= 1) return rows[0] ?? null;
  const near = new Set([turn.sender.unit?.id, ...(turn.sender.group?.units.map((u) => u.id) ?? [])]);
  const here = rows.filter((r) => r.unitId !== null && near.has(r.unitId));
  return here.length === 1 ? here[0]! : 'ambiguous';
}

/**
 * 请假 [姓名] / 销假 [姓名]: while a contact is on leave, reminders @-mention their B角 instead. A contact
 * may mark themselves; admins may mark anyone.
 */
export async function setLeave(turn: ChatTurn, name: string | undefined, onLeave: boolean): Promise<Outcome> {
  const word = onLeave ? '请假' : '销假';
  const self = turn.sender.person;
  const who = name?.trim() || self?.name;
  if (!who) {
    await turn.reply(`没有查到您的联系人登记，请管理员代为${word}：${word} 姓名`);
    return { status: 'ignored', note: `leave: unknown sender ${turn.m.talkerId}` };
  }
  return oncePerMessage(turn, async (tx) => {
    const p = await findContact(tx, turn, who);
    if (p === 'ambiguous' || !p) {
      await turn.reply(p ? `有多位联系人叫“${who}”，请在其单位群里发送。` : `没有找到联系人“${who}”。`, tx);
      return { status: 'interpreted', note: `leave: ${who} ${p ? 'ambiguous' : 'not found'}` } satisfies Outcome;
    }
    if (p.id !== self?.id && !canAct(turn.sender.actor, 'change_settings').ok) {
      await turn.reply(`只能为自己${word}；为他人${word}请联系督办室管理员。`, tx);
      return { status: 'ignored', note: `PERMISSION_DENIED: leave for ${p.name} by ${turn.m.talkerId}` } satisfies Outcome;
    }
    if (p.onLeave !== onLeave) {
      await tx.person.update({ where: { id: p.id }, data: { onLeave } });
      await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: onLeave ? 'contact.leave' : 'contact.back', entity: 'Person', entityId: p.id, before: { onLeave: p.onLeave }, after: { onLeave } });
    }
    const b = p.backup;
    const text = !onLeave
      ? `已为${p.name}销假，提醒恢复@${p.name}。`
      : b && b.chatId && !b.onLeave
        ? `已登记${p.name}请假，期间提醒改为@B角${b.name}。回来后发送“销假”。`
        : `已登记${p.name}请假，但${b ? `B角${b.name}${b.onLeave ? '也在请假' : '尚未登记账号'}` : '没有设置B角'}，提醒仍@${p.name}。请管理员在通讯录中登记B角的账号，或发送“设置B角 ${p.name} 姓名”。`;
    await turn.reply(text, tx);
    return { status: 'interpreted', note: `${word} ${p.name}` } satisfies Outcome;
  });
}

/** 设置B角 <联系人> <B角>: admins name who stands in while a contact is away. */
export async function setBackup(turn: ChatTurn, contactName: string, backupName: string): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'change_settings').ok) return denied(turn, '设置B角');
  return oncePerMessage(turn, async (tx) => {
    const contact = await findContact(tx, turn, contactName);
    const backup = await findContact(tx, turn, backupName);
    const missing = [contact, backup].some((x) => x === null || x === 'ambiguous');
    if (missing || contact === backup) {
      const which = !contact || contact === 'ambiguous' ? contactName : backupName;
      await turn.reply(contact === backup && !missing ? 'B角不能是本人。' : `没有找到唯一的联系人“${which}”（需已登记为单位联系人）。`, tx);
      return { status: 'interpreted', note: `set backup: ${which} not found` } satisfies Outcome;
    }
    const c = contact as Found;
    const b = backup as Found;
    await tx.person.update({ where: { id: c.id }, data: { backupId: b.id } });
    await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: 'contact.backup', entity: 'Person', entityId: c.id, before: { backup: c.backup?.name ?? null }, after: { backup: b.name } });
    await turn.reply(`已设置${c.name}的B角为${b.name}：${c.name}请假期间，提醒将@${b.name}。`, tx);
    return { status: 'interpreted', note: `backup of ${c.name}: ${b.name}` } satisfies Outcome;
  });
}
