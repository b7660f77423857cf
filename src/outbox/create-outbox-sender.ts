import crypto from 'node:crypto';
import os from 'node:os';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../log/create-logger.ts';
import type { ChatPort } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import { markSent, settleExpiredLeases, writeUntilItSticks } from './delivery-marks.ts';
import type { DeliveryDecision, DeliveryRow } from '../domain/delivery/index.ts';
import { createPrivateChatHold } from './private-chat-hold.ts';
import { classifySendFailure } from './send-failure.ts';

export interface OutboxSenderOptions {
  prisma: PrismaClient;
  chat: ChatPort;
  clock: Clock;
  logger: Logger;
  /** Messages per minute from this sender; 0 turns pacing off (tests, benches). */
  sendPerMinute: number;
  /** Random extra wait between two messages, 0..sendJitterMs. */
  sendJitterMs: number;
  /** Attempts before a message is marked failed and shown to admins. */
  maxAttempts: number;
  /** How long a claimed row stays ours; after that another sender may take it (default 5 min). */
  leaseMs?: number;
  /** First retry delay; doubles each attempt, capped at 1 h (default 30 s). */
  backoffBaseMs?: number;
  /** Idle wait between polls when nothing is due (default 2 s). */
  pollMs?: number;
  workerId?: string;
  random?: () => number;
  /** Chat ids of admins from the config, told about a message whose delivery is unknown; their notices go to the office group when their private chat is not open. */
  admins?: readonly string[];
  /** Quiet hours and staleness (src/domain/delivery); absent: everything due is sent (rehearse, simulate). */
  gate?: (row: DeliveryRow, now: Date) => DeliveryDecision;
  /** Told when the platform holds sending back, and when a message goes through (channel watch). */
  onRateLimited?: (until: Date) => void;
  onSent?: () => void;
  /** Display names for @-mentions by chat id, for channels that can only write names in text. */
  mentionNames?: (ids: string[]) => Promise<Record<string, string>>;
}

export interface OutboxSender {
  start(): void;
  /** Stops after the message in hand; safe to call twice. */
  close(): Promise<void>;
  /** Sends everything due now (pacing included); returns how many were delivered. */
  flushOnce(): Promise<number>;
}

interface ClaimedRow {
  id: number;
  idempotencyKey: string;
  targetKind: string;
  targetRef: string;
  text: string;
  mentions: string[];
  attachment: string | null;
  attempts: number;
  cadence: string | null;
  slotAt: Date | null;
  createdAt: Date;
}

/**
 * Delivers outbox rows through the chat port.
 *
 * Claiming is one atomic UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED): any number of
 * senders (processes) share the table and never take the same row while its lease holds. The
 * claim sets a lease; the row is marked sent only by the holder of the lease.
 *
 * Crash safety, honestly: the `sent` mark (and the retry mark after a failed send) is written
 * until it sticks, so a database restart under the sender causes no repeat. What remains is a
 * process killed after claiming a row: WeChat cannot tell whether that message arrived, so when the
 * lease expires the row is settled by its kind (see delivery-marks.ts): scheduled messages are at
 * most once — flagged 可能未送达 for admins, never re-sent blindly — and answers to messages are at
 * least once — re-sent, a harmless duplicate at worst.
 */
export function createOutboxSender(opts: OutboxSenderOptions): OutboxSender {
  const { prisma, chat, clock, logger } = opts;
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const backoffBase = opts.backoffBaseMs ?? 30_000;
  const pollMs = opts.pollMs ?? 2_000;
  const random = opts.random ?? Math.random;
  const me = opts.workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const stop = new AbortController();
  let loop: Promise<void> | undefined;
  let lastSentAt = 0;
  /** Until when the platform asked this sender to hold back (account-wide rate limit). */
  let holdUntil = 0;
  let closing: Promise<void> | undefined;
  const privateChats = createPrivateChatHold({ prisma, chat, admins: opts.admins ?? [] });

  // Each wait gets its own signal, linked to `stop` only while it lasts, so a long-running sender
  // does not pile up abort listeners on one signal.
  async function wait(ms: number): Promise<void> {
    const ac = new AbortController();
    const onStop = () => ac.abort();
    stop.signal.addEventListener('abort', onStop, { once: true });
    try {
      await clock.sleep(ms, ac.signal);
    } finally {
      stop.signal.removeEventListener('abort', onStop);
    }
  }

  async function claim(): Promise<ClaimedRow | undefined> {
    const now = clock.now();
    const rows = await prisma.$queryRaw<ClaimedRow[]>`
      UPDATE "Outbox" SET "status" = 'sending', "lockedBy" = ${me}, "lockedUntil" = ${new Date(now.getTime() + leaseMs)},
        "attempts" = "attempts" + 1, "updatedAt" = ${now}
      WHERE "id" = (
        SELECT "id" FROM "Outbox"
        WHERE "status" = 'pending' AND "notBefore" <= ${now}
        ORDER BY "notBefore", "id" LIMIT 1
        FOR UPDATE SKIP LOCKED)
      RETURNING "id", "idempotencyKey", "targetKind", "targetRef", "text", "mentions", "attachment", "attempts", "cadence", "slotAt", "createdAt"`;
    return rows[0];
  }

  async function pace(): Promise<void> {
    if (opts.sendPerMinute <= 0) return;
    const gap = 60_000 / opts.sendPerMinute + Math.floor(random() * (opts.sendJitterMs + 1));
    const delay = lastSentAt + gap - clock.now().getTime();
    if (lastSentAt && delay > 0) await wait(delay);
  }

  async function deliverOne(): Promise<'sent' | 'failed' | 'held' | 'none'> {
    const row = await claim();
    if (!row) return 'none';
    const mine = { id: row.id, lockedBy: me };
    // Quiet hours and staleness: a claimed row may wait for the next window, or be superseded.
    const decision = opts.gate?.(row, clock.now());
    if (decision?.action === 'defer') {
      await prisma.outbox.updateMany({ where: mine, data: { status: 'pending', lockedBy: null, lockedUntil: null, attempts: { decrement: 1 }, notBefore: decision.until } });
      return 'held';
    }
    if (decision?.action === 'supersede') {
      await prisma.outbox.updateMany({ where: mine, data: { status: 'superseded', lockedBy: null, lockedUntil: null, attempts: { decrement: 1 }, lastError: decision.reason } });
      logger.warn({ event: 'outbox_superseded', key: row.idempotencyKey }, decision.reason);
      return 'held';
    }
    // A private chat the channel cannot push to yet: not attempted (the platform would refuse it for good).
    let reach: Awaited<ReturnType<typeof privateChats.decide>>;
    try {
      reach = await privateChats.decide(row, me, clock.now());
    } catch (e) {
      // Nothing was sent: the row goes back with its attempt given back, or its lease would call it 可能未送达.
      const until = new Date(clock.now().getTime() + backoffBase);
      await writeUntilItSticks(() => prisma.outbox.updateMany({ where: mine, data: { status: 'pending', lockedBy: null, lockedUntil: null, attempts: { decrement: 1 }, notBefore: until, lastError: `未发送，稍后重试（检查私聊能否送达时出错）：${String((e as Error).message ?? e).slice(0, 300)}` } }), { stop: stop.signal, logger, what: `requeue ${row.idempotencyKey}` });
      logger.warn({ event: 'outbox_decide_failed', key: row.idempotencyKey, until, err: e }, 'could not tell whether a private chat is open; retrying later');
      return 'held';
    }
    if (reach === 'lost') {
      logger.warn({ event: 'outbox_lease_lost', key: row.idempotencyKey }, 'lease lost while deciding a private chat; not sent here');
      return 'held';
    }
    if (reach !== 'send') {
      logger.info({ event: reach === 'held' ? 'outbox_held_private' : 'outbox_to_office_group', key: row.idempotencyKey, to: row.targetRef }, 'private chat not open on this channel');
      return 'held';
    }
    if (row.attempts > opts.maxAttempts) {
      await prisma.outbox.updateMany({ where: mine, data: { status: 'failed', lockedBy: null, lockedUntil: null, lastError: '重试次数已用尽' } });
      return 'failed';
    }
    let degraded: string[] = [];
    try {
      const names = row.mentions.length && opts.mentionNames ? await opts.mentionNames(row.mentions) : undefined;
      const receipt = await chat.send({
        target: row.targetKind === 'group' ? { kind: 'group', ref: row.targetRef } : { kind: 'person', ref: row.targetRef },
        text: row.text,
        ...(row.mentions.length ? { mentions: row.mentions } : {}),
        ...(names ? { mentionNames: names } : {}),
        ...(row.attachment ? { attachment: row.attachment } : {}),
      });
      degraded = receipt?.degraded ?? [];
    } catch (e) {
      const failure = classifySendFailure(e);
      if (failure.kind === 'rate_limited') {
        // Slowing down is not failing: the attempt is given back and the row waits its turn.
        const until = new Date(clock.now().getTime() + failure.retryAfterMs);
        if (failure.scope === 'account') holdUntil = until.getTime();
        // Our own per-chat pacing is not the platform holding us back: the channel watch hears only the platform.
        if (!failure.ownPacing) opts.onRateLimited?.(until);
        await writeUntilItSticks(() => prisma.outbox.updateMany({ where: mine, data: { status: 'pending', lockedBy: null, lockedUntil: null, attempts: { decrement: 1 }, notBefore: until, lastError: `限流，稍后重发：${failure.message}` } }), { stop: stop.signal, logger, what: `hold ${row.idempotencyKey}` });
        logger.info({ event: 'outbox_rate_limited', key: row.idempotencyKey, until }, 'rate limited');
        return 'held';
      }
      if (failure.kind === 'permanent') {
        await writeUntilItSticks(() => prisma.outbox.updateMany({ where: mine, data: { status: 'failed', lockedBy: null, lockedUntil: null, lastError: `无法送达（不再重试）：${failure.message}` } }), { stop: stop.signal, logger, what: `refused ${row.idempotencyKey}` });
        logger.warn({ event: 'outbox_rejected', key: row.idempotencyKey, err: e }, 'send refused for good');
        return 'failed';
      }
      const finalTry = row.attempts >= opts.maxAttempts;
      const delay = Math.min(backoffBase * 2 ** (row.attempts - 1), 3_600_000);
      // Not delivered, for sure: say so until the database hears it, or the lease would call it unknown.
      await writeUntilItSticks(() => prisma.outbox.updateMany({
        where: mine,
        data: {
          status: finalTry ? 'failed' : 'pending',
          lockedBy: null,
          lockedUntil: null,
          lastError: String((e as Error).message ?? e).slice(0, 500),
          notBefore: new Date(clock.now().getTime() + delay),
        },
      }), { stop: stop.signal, logger, what: `retry ${row.idempotencyKey}` });
      logger.warn({ key: row.idempotencyKey, attempt: row.attempts, err: e, finalTry }, 'send failed');
      return 'failed';
    }
    lastSentAt = clock.now().getTime();
    const sentAt = clock.now();
    await writeUntilItSticks(() => markSent(prisma, row.id, me, sentAt, degraded.length ? degraded.join('；') : null), { stop: stop.signal, logger, what: `sent ${row.idempotencyKey}` });
    opts.onSent?.();
    return 'sent';
  }

  async function flushOnce(): Promise<number> {
    let sent = 0;
    const settled = await settleExpiredLeases(prisma, clock.now(), opts.admins ?? [], chat.capabilities.groupsByTopic);
    if (settled.unknown || settled.requeued) logger.warn({ event: 'outbox_leases_expired', ...settled }, 'rows of a sender that stopped mid-send were settled');
    const released = await privateChats.release(clock.now());
    if (released.length) logger.info({ event: 'outbox_private_released', chats: released }, 'held private messages released: the person wrote to the bot, or an admin notice can go to the office group');
    while (!stop.signal.aborted) {
      // Logged out: messages wait in the outbox rather than burning their attempts.
      if (chat.status() !== 'logged_in') break;
      if (holdUntil > clock.now().getTime()) break;
      await pace();
      if (stop.signal.aborted) break;
      const r = await deliverOne();
      if (r === 'none') break;
      if (r === 'sent') sent++;
    }
    return sent;
  }

  return {
    start() {
      loop ??= (async () => {
        while (!stop.signal.aborted) {
          try {
            await flushOnce();
          } catch (e) {
            logger.error({ err: e }, 'outbox sender error');
          }
          await wait(pollMs);
        }
      })();
    },
    flushOnce,
    close() {
      closing ??= (async () => {
        stop.abort();
        await loop;
      })();
      return closing;
    },
  };
}
