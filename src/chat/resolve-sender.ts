import { isAdminIdentity, type Actor } from '../domain/work/index.ts';
import type { IncomingMessage } from '../ports/chat.ts';
import type { Tx } from './chat-deps.ts';

export interface Sender {
  person: { id: number; name: string; kind: string; unitId: number | null; chatId: string | null } | null;
  /** The unit whose tasks this person reports for (a contact of it, or the B角 of one of its contacts). */
  unit: { id: number; name: string } | null;
  /** Every unit the person reports for, and their rights, as the work rules see them. */
  actor: Actor;
  isAdmin: boolean;
  isLeader: boolean;
  group: { id: number; topic: string; units: { id: number; name: string }[] } | null;
}

/**
 * Who wrote, by the chat identity an admin registered (Person.chatId) and nothing else: a display
 * name that equals a leader's or a contact's makes no one that person. And in which group (by room
 * id, else by topic, learning the room id then — web-protocol ids change on re-login, topics are
 * what admins configure).
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
  const person = await tx.person.findUnique({
    where: { chatId: m.talkerId },
    include: { unit: { select: { id: true, name: true } }, backupFor: { where: { unitId: { not: null } }, select: { unit: { select: { id: true, name: true } } } } },
  });
  const units = person && person.kind !== 'leader' ? [person.unit, ...person.backupFor.map((b) => b.unit)].filter((u): u is { id: number; name: string } => !!u) : [];
  const unique = [...new Map(units.map((u) => [u.id, u])).values()];
  // In a unit's group, a B角 of several units acts for the unit the group serves.
  const here = unique.find((u) => group?.units.some((g) => g.id === u.id));
  const isAdmin = isAdminIdentity(person, m.talkerId, admins);
  const isLeader = person?.kind === 'leader';
  return {
    person: person && { id: person.id, name: person.name, kind: person.kind, unitId: person.unitId, chatId: person.chatId },
    unit: here ?? unique[0] ?? null,
    actor: { personId: person?.id ?? null, isAdmin, isLeader, unitIds: unique.map((u) => u.id) },
    isAdmin,
    isLeader,
    group,
  };
}
