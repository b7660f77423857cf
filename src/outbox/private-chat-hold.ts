import crypto from 'node:crypto';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { messageKind } from '../domain/delivery/delivery-policy.ts';
import { loadAdminChatIds } from '../engine/unit-directory.ts';
import type { ChannelCapabilities, ChatTarget } from '../ports/chat.ts';
import { enqueueOutbox } from './enqueue-outbox.ts';

/** The handling reason on a held row, and how admins see it listed. */
export const PRIVATE_CHAT_NOT_OPEN = '未开通私聊';

/** The channel as these rules read it (a ChatPort, or the console's view of it). */
type Channel = { channel: string; capabilities: Pick<ChannelCapabilities, 'pushToSilentChat'> };

/**
 * Whether a person's private chat has written to the bot on this channel: every inbound message is
 * stored, and a private one has no room. On a channel that cannot push to a silent chat (WeCom),
 * that is what makes the chat pushable — for good.
 */
const spokenPrivately = (channel: string, chatId: Prisma.Sql | string) => Prisma.sql`
  EXISTS (SELECT 1 FROM "InboundMessage" i WHERE i."talkerId" = ${chatId} AND i."channel" = ${channel} AND i."roomId" IS NULL)`;

export interface HoldableRow {
  id: number;
  idempotencyKey: string;
  targetKind: string;
  targetRef: string;
  text: string;
  cadence: string | null;
  slotAt: Date | null;
}

/**
 * Private messages on a channel that may push only to chats that have spoken (`pushToSilentChat`
 * false). A message for someone whose private chat never wrote to the bot is not attempted — the
 * platform would refuse it for good — but held (`held`, 未开通私聊) and listed for admins with the
 * superseded and failed ones; when the person writes to the bot privately, what was held for them
 * goes back to the queue, where the staleness rules decide whether it still goes out. A message for
 * an admin goes to the 督办室 group instead when one is bound, so admins still learn of problems.
 */
export function createPrivateChatHold(o: { prisma: PrismaClient; chat: Channel; admins: readonly string[] }) {
  const { prisma, chat } = o;
  /** Chats known to have written privately: never held again, so not asked again. */
  const open = new Set<string>();
  let releasedOnOpenChannel = false;

  async function officeGroup(): Promise<ChatTarget | undefined> {
    // By id: on this channel a group the bot has never seen (no id yet) has never spoken either.
    const g = await prisma.chatGroup.findFirst({ where: { isOffice: true, roomId: { not: null } }, orderBy: { id: 'asc' }, select: { roomId: true } });
    return g ? { kind: 'group', ref: g.roomId! } : undefined;
  }

  /** The row as claimed by `me` becomes `status`, unless the chat has spoken meanwhile (then it is sent). */
  const setAside = (tx: Pick<PrismaClient, '$executeRaw'>, row: HoldableRow, me: string, now: Date, status: 'held' | 'cancelled', reason: string) =>
    tx.$executeRaw`
      UPDATE "Outbox" SET "status" = ${status}::"OutboxStatus", "lockedBy" = NULL, "lockedUntil" = NULL, "attempts" = "attempts" - 1, "lastError" = ${reason}, "updatedAt" = ${now}
      WHERE "id" = ${row.id} AND "lockedBy" = ${me} AND NOT ${spokenPrivately(chat.channel, row.targetRef)}`;

  /** An admin's notice, once for every admin it was meant for, into the office group. */
  async function reroute(row: HoldableRow, me: string, now: Date, office: ChatTarget): Promise<boolean> {
    const digest = crypto.createHash('sha1').update(`${row.cadence ?? ''}|${row.slotAt?.toISOString() ?? ''}|${row.text}`).digest('hex').slice(0, 20);
    return prisma.$transaction(async (tx) => {
      const moved = await setAside(tx, row, me, now, 'cancelled', `${PRIVATE_CHAT_NOT_OPEN}：管理员尚未私聊过机器人，已改发督办室群`);
      if (!moved) return false;
      await enqueueOutbox(tx, [{
        // Led by the original's kind, so the group copy keeps its send window and staleness (a notice never goes stale).
        idempotencyKey: `${messageKind(row)}:office_fallback:${digest}`,
        target: office,
        text: `${row.text}\n（本条原应私聊发给管理员，因其尚未私聊过机器人，改发本群。）`,
        ...(row.cadence ? { cadence: row.cadence } : {}),
        ...(row.slotAt ? { slotAt: row.slotAt } : {}),
        notBefore: now,
      }]);
      return true;
    });
  }

  return {
    /**
     * 'send' unless the row was held for its person, or moved to the office group; 'lost' when
     * `me` no longer holds the row's lease (the lease sweep or another sender owns it now, so
     * sending it here could send it twice).
     */
    async decide(row: HoldableRow, me: string, now: Date): Promise<'send' | 'held' | 'rerouted' | 'lost'> {
      if (chat.capabilities.pushToSilentChat || row.targetKind !== 'person' || open.has(row.targetRef)) return 'send';
      const [spoken] = await prisma.$queryRaw<{ yes: boolean }[]>`SELECT ${spokenPrivately(chat.channel, row.targetRef)} AS yes`;
      if (spoken?.yes) {
        open.add(row.targetRef);
        return 'send';
      }
      const office = (await loadAdminChatIds(prisma, o.admins)).includes(row.targetRef) ? await officeGroup() : undefined;
      if (office && (await reroute(row, me, now, office))) return 'rerouted';
      const person = await prisma.person.findUnique({ where: { chatId: row.targetRef }, select: { name: true } });
      const reason = `${PRIVATE_CHAT_NOT_OPEN}：${person?.name ?? row.targetRef}尚未私聊过机器人，本通道不能主动发起私聊；对方私聊机器人一次后自动补发（已过时的不再发送）`;
      if (await setAside(prisma, row, me, now, 'held', reason)) return 'held';
      // Not set aside: the person wrote privately meanwhile (send it), or the lease is gone (leave it).
      const still = await prisma.outbox.count({ where: { id: row.id, lockedBy: me } });
      return still ? 'send' : 'lost';
    },

    /**
     * Back to the queue: what was held for chats that have written privately since (or everything,
     * on a channel that may push to any chat), and an admin's held notices once an office group has
     * an id (`decide` then moves them there). Returns the chats released.
     */
    async release(now: Date): Promise<string[]> {
      // On a channel that may push to any chat nothing is ever held: only what an earlier channel
      // held needs releasing, once, not a query on every flush.
      if (chat.capabilities.pushToSilentChat) {
        if (releasedOnOpenChannel) return [];
        releasedOnOpenChannel = true;
      }
      const admins = chat.capabilities.pushToSilentChat ? [] : await loadAdminChatIds(prisma, o.admins);
      const rows = await prisma.$queryRaw<{ targetRef: string; spoken: boolean }[]>`
        WITH office AS (SELECT EXISTS (SELECT 1 FROM "ChatGroup" g WHERE g."isOffice" AND g."roomId" IS NOT NULL) AS bound)
        UPDATE "Outbox" o SET "status" = 'pending', "notBefore" = ${now}, "lastError" = NULL, "updatedAt" = ${now}
        FROM office
        WHERE o."status" = 'held' AND (${chat.capabilities.pushToSilentChat} OR ${spokenPrivately(chat.channel, Prisma.sql`o."targetRef"`)}
          OR (office.bound AND o."targetKind" = 'person' AND o."targetRef" IN (${Prisma.join([...admins, ''])}))) -- '' keeps the list non-empty
        RETURNING o."targetRef", (${chat.capabilities.pushToSilentChat} OR ${spokenPrivately(chat.channel, Prisma.sql`o."targetRef"`)}) AS "spoken"`;
      // An admin's notice released for the office group does not make the admin's own chat open.
      for (const r of rows) if (r.spoken) open.add(r.targetRef);
      return [...new Set(rows.map((r) => r.targetRef))];
    },
  };
}

export type PrivateChatHold = ReturnType<typeof createPrivateChatHold>;

export interface SilentPerson {
  name: string;
  chatId: string;
  roles: ('领导' | '管理员' | '联络员')[];
}

/**
 * Leaders and admins (who get private digests, 督办单, notices), and the contacts of a unit with no
 * group (who get its reminders privately), whose private chat has never written to the bot on this
 * channel: on a channel that cannot push to a silent chat they must message the bot privately once
 * before anything private reaches them. Empty on a channel that can.
 */
/** A unit contact whose unit has no group: the unit's reminders come to them privately. */
const groupless = Prisma.sql`(p."kind" = 'contact' AND p."unitId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "GroupUnit" gu WHERE gu."unitId" = p."unitId"))`;

export async function peopleToOpenPrivateChat(prisma: PrismaClient, chat: Channel, configAdmins: readonly string[]): Promise<SilentPerson[]> {
  if (chat.capabilities.pushToSilentChat) return [];
  const admins = new Set(await loadAdminChatIds(prisma, configAdmins));
  const people = await prisma.$queryRaw<{ name: string; chatId: string; kind: string; isAdmin: boolean; groupless: boolean }[]>`
    SELECT p."name", p."chatId", p."kind"::text AS "kind", p."isAdmin", ${groupless} AS "groupless" FROM "Person" p
    WHERE p."chatId" IS NOT NULL AND (p."kind" IN ('leader', 'admin') OR p."isAdmin" OR p."chatId" IN (${Prisma.join([...admins, ''])}) OR ${groupless}) -- '' keeps the list non-empty
      AND NOT ${spokenPrivately(chat.channel, Prisma.sql`p."chatId"`)}
    ORDER BY p."id"`;
  const listed: SilentPerson[] = people.map((p) => ({
    name: p.name,
    chatId: p.chatId,
    roles: [...(p.kind === 'leader' ? ['领导' as const] : []), ...(admins.has(p.chatId) ? ['管理员' as const] : []), ...(p.groupless ? ['联络员' as const] : [])],
  }));
  // Admins named only in DUBAN_ADMINS, with no directory entry.
  const known = new Set((await prisma.person.findMany({ where: { chatId: { in: [...admins] } }, select: { chatId: true } })).map((p) => p.chatId));
  for (const id of admins) {
    if (known.has(id)) continue;
    const [spoken] = await prisma.$queryRaw<{ yes: boolean }[]>`SELECT ${spokenPrivately(chat.channel, id)} AS yes`;
    if (!spoken?.yes) listed.push({ name: id, chatId: id, roles: ['管理员'] });
  }
  return listed;
}

/** One line naming them, for doctor and the console. */
export function describeSilentPeople(people: SilentPerson[]): string {
  return people.map((p) => `${p.name}（${p.roles.join('、')}${p.name === p.chatId ? '' : `，${p.chatId}`}）`).join('、');
}

export const PRIVATE_CHAT_CHECK = 'private chats';

/**
 * For `duban doctor`: who must message the bot privately once, as a warning (the bot runs; their
 * private messages wait). Undefined on a channel that can push to any chat.
 */
export async function privateChatCheck(prisma: PrismaClient, chat: Channel, configAdmins: readonly string[]): Promise<{ name: string; ok: boolean; detail: string } | undefined> {
  if (chat.capabilities.pushToSilentChat) return undefined;
  const silent = await peopleToOpenPrivateChat(prisma, chat, configAdmins);
  return silent.length
    ? { name: PRIVATE_CHAT_CHECK, ok: false, detail: `本通道只能向私聊过机器人的人推送私聊消息：${describeSilentPeople(silent)}需先私聊机器人一次（发任意一句话），之前发给他们的私聊消息暂缓，私聊后自动补发` }
    : { name: PRIVATE_CHAT_CHECK, ok: true, detail: '领导、管理员和无单位群的联络员都已私聊过机器人，私聊消息可以送达' };
}
