import { isAdminIdentity, type Actor } from '../domain/work/index.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import type { IncomingMessage } from '../ports/chat.ts';
import type { GroupRow, WorkItem, WorkStore } from '../ports/work-store.ts';
import type { Tx } from './chat-deps.ts';
import { adminTargets } from './admin-targets.ts';

export interface Sender {
  person: { id: number; name: string; kind: string; unitId: number | null; chatId: string | null } | null;
  /** The unit whose tasks this person reports for (a contact of it, or the B角 of one of its contacts). */
  unit: { id: number; name: string } | null;
  /** Every unit the person reports for, and their rights, as the work rules see them. */
  actor: Actor;
  isAdmin: boolean;
  isLeader: boolean;
  group: { id: number; topic: string; units: { id: number; name: string }[] } | null;
  /**
   * The open work of the units in `unitIds` (the person's own and those they are B角 for), read
   * with the sender; the turn answers unitWork for them from it until it records something.
   */
  work?: { unitIds: number[]; items: WorkItem[] };
}

type UnitRef = { id: number; name: string };

/**
 * Who wrote, by the chat identity an admin registered (Person.chatId) and nothing else: a display
 * name that equals a leader's or a contact's makes no one that person. And in which group, by room
 * id. One joined query for all of it.
 *
 * A group topic never moves a binding. A room whose id is unknown but whose topic equals a group
 * that already has a room id becomes a bind_group AccessRequest for an admin (audited; admins are
 * told once), and the unit's reminders keep going to the old group. The trade-off: web-protocol
 * room ids change when the bot logs in again, so after a re-login every bound group asks again —
 * an admin re-binds it with “绑定 单位名” in the group (or approves the request in the console).
 * A group an admin configured by topic only (no room id yet) learns its room id from the first
 * message, as configured; that is audited too.
 *
 * The read is the work store's (inboundContext): with the sender come their units' open tasks, so a
 * reply costs one read before it is understood.
 */
export async function resolveSender(tx: Tx, work: WorkStore, m: IncomingMessage, admins: readonly string[], at: Date = new Date()): Promise<Sender> {
  const roomId = m.roomId ?? null;
  const topic = m.roomTopic ?? null;
  const row = await work.inboundContext({ talkerId: m.talkerId, roomId, topic });
  let g: GroupRow | null = row.byRoom;
  if (!g && row.byTopic) {
    const known = row.byTopic;
    if (!roomId) g = known; // a channel that names groups by topic only
    else if (!known.roomId) g = await learnRoomId(tx, known, roomId, m, at);
    else await askToRebind(tx, known, m, admins, at);
  }
  const group = g && { id: g.id, topic: g.topic, units: g.units };

  const person = row.person;
  const units = person && person.kind !== 'leader' ? [person.unit, ...person.backupFor].filter((u): u is UnitRef => !!u) : [];
  const unique = [...new Map(units.map((u) => [u.id, u])).values()];
  // In a unit's group, a B角 of several units acts for the unit the group serves.
  const here = unique.find((u) => group?.units.some((x) => x.id === u.id));
  const isAdmin = isAdminIdentity(person, m.talkerId, admins);
  const isLeader = person?.kind === 'leader';
  return {
    person: person && { id: person.id, name: person.name, kind: person.kind, unitId: person.unitId, chatId: person.chatId },
    unit: here ?? unique[0] ?? null,
    actor: { personId: person?.id ?? null, isAdmin, isLeader, unitIds: unique.map((u) => u.id) },
    isAdmin,
    isLeader,
    group,
    work: { unitIds: row.workUnitIds, items: row.work },
  };
}

/** A group configured by topic only gets its room id from its first message (once; audited). */
async function learnRoomId(tx: Tx, g: GroupRow, roomId: string, m: IncomingMessage, at: Date): Promise<GroupRow | null> {
  const n = await tx.chatGroup.updateMany({ where: { id: g.id, roomId: null }, data: { roomId } });
  if (n.count === 0) return null; // another room took it a moment ago: this one is not it
  await tx.auditLog.create({
    data: { at, actor: m.talkerId, action: 'group.room_learned', entity: 'ChatGroup', entityId: String(g.id), after: { topic: g.topic, roomId, by: m.talkerName || m.talkerId } },
  });
  return { ...g, roomId };
}

/** A second room with a bound group's topic: a request for an admin, never a new binding. */
async function askToRebind(tx: Tx, held: GroupRow, m: IncomingMessage, admins: readonly string[], at: Date): Promise<void> {
  const pending = await tx.accessRequest.findFirst({ where: { kind: 'bind_group', status: 'pending', roomId: m.roomId! }, select: { id: true } });
  if (pending) return;
  const detail = { heldBy: { groupId: held.id, roomId: held.roomId, topic: held.topic, units: held.units.map((u) => u.name) } };
  const req = await tx.accessRequest.create({
    data: {
      kind: 'bind_group', channel: m.channel, actorId: m.talkerId, actorName: m.talkerName || null, roomId: m.roomId!, roomTopic: m.roomTopic ?? null,
      unitId: held.units[0]?.id ?? null, unitName: held.units.map((u) => u.name).join('、') || null, text: m.text.slice(0, 500), detail, requestedAt: at,
    },
  });
  await tx.auditLog.create({
    data: { at, actor: m.talkerId, action: 'group.bind_requested', entity: 'AccessRequest', entityId: String(req.id), after: { roomId: m.roomId!, topic: m.roomTopic ?? null, ...detail } },
  });
  const units = held.units.map((u) => u.name).join('、') || '（未绑定单位）';
  const text = `【群绑定待确认】新群“${m.roomTopic}”与已绑定${units}的群同名，绑定未改变，提醒仍发往原群。` +
    `如确需改用新群（例如机器人重新登录后群标识变化），请管理员在新群发送“绑定 ${held.units[0]?.name ?? '单位名'}”，或在管理台批准该申请。`;
  const targets = await adminTargets(tx, admins);
  await enqueueOutbox(tx, targets.map((target, i) => ({ idempotencyKey: `access_request:${req.id}:admin${i}`, target, text, notBefore: at })));
}
