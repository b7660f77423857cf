import type { IncomingMessage } from '../ports/chat.ts';
import type { Tx } from './chat-deps.ts';

export interface Sender {
  person: { id: number; name: string; kind: string; unitId: number | null; chatId: string | null } | null;
  /** The unit whose tasks this person may update (a contact or B角 of it). */
  unit: { id: number; name: string } | null;
  isAdmin: boolean;
  isLeader: boolean;
  group: { id: number; topic: string; units: { id: number; name: string }[] } | null;
}

/**
 * Who wrote (Person by chat id, else by unique name, learning the chat id then) and in which group
 * (ChatGroup by room id, else by topic, learning the room id then — web-protocol ids change on
 * re-login, topics are what admins configure).
 */
export async function resolveSender(tx: Tx, m: IncomingMessage, admins: readonly string[]): Promise<Sender> {
  let group = null as Sender['group'];
  if (m.roomId || m.roomTopic) {
    const include = { units: { include: { unit: { select: { id: true, name: true } } } } } as const;
    let g = m.roomId ? await tx.chatGroup.findUnique({ where: { roomId: m.roomId }, include }) : null;
    if (!g && m.roomTopic) {
      g = await tx.chatGroup.findUnique({ where: { topic: m.roomTopic }, include });
      if (g && m.roomId && g.roomId !== m.roomId) {
        await tx.chatGroup.updateMany({ where: { roomId: m.roomId }, data: { roomId: null } });
        await tx.chatGroup.update({ where: { id: g.id }, data: { roomId: m.roomId } });
      }
    }
    if (g) group = { id: g.id, topic: g.topic, units: g.units.map((u) => u.unit) };
  }
  let person = await tx.person.findUnique({ where: { chatId: m.talkerId } });
  if (!person && m.talkerName) {
    const byName = await tx.person.findMany({
      where: { chatId: null, OR: [{ chatName: m.talkerName }, { name: m.talkerName }] },
      take: 10,
    });
    // Two people of the same name: the one whose unit this group serves.
    const groupUnits = new Set(group?.units.map((u) => u.id));
    const inGroup = byName.filter((p) => p.unitId !== null && groupUnits.has(p.unitId));
    const match = byName.length === 1 ? byName[0] : inGroup.length === 1 ? inGroup[0] : undefined;
    if (match) person = await tx.person.update({ where: { id: match.id }, data: { chatId: m.talkerId, chatName: m.talkerName } });
  }
  // A B角 registered only as someone's backup acts for that contact's unit.
  const unitId =
    person && person.kind !== 'leader'
      ? (person.unitId ?? (await tx.person.findFirst({ where: { backupId: person.id, unitId: { not: null } }, select: { unitId: true } }))?.unitId ?? null)
      : null;
  const unit = unitId ? await tx.unit.findUnique({ where: { id: unitId }, select: { id: true, name: true } }) : null;
  const isAdmin =
    !!person?.isAdmin || person?.kind === 'admin' || admins.includes(m.talkerId) || (!!m.talkerName && admins.includes(m.talkerName));
  return {
    person: person && { id: person.id, name: person.name, kind: person.kind, unitId: person.unitId, chatId: person.chatId },
    unit,
    isAdmin,
    isLeader: person?.kind === 'leader',
    group,
  };
}
