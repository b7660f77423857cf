import { setTimeout as sleep } from 'node:timers/promises';
import { adminTargets } from '../chat/admin-targets.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../log/create-logger.ts';
import { enqueueOutbox } from './enqueue-outbox.ts';

/**
 * What a row promises when its sender dies after claiming it and nobody knows whether the chat got
 * it. WeChat has no idempotent send and cannot tell us, so we choose per kind:
 * - scheduled messages (a `cadence`: reminders, 催报, 督办单, digests, bulletins, their admin notices)
 *   are **at most once**: never re-sent blindly; marked 可能未送达 and admins are told;
 * - answers to a message and notices about a request (no cadence) are **at least once**: re-sent,
 *   since a second “已记录” is harmless and a missing one is not.
 */
export type DeliveryGuarantee = 'at-most-once' | 'at-least-once';
export const deliveryGuarantee = (row: { cadence: string | null }): DeliveryGuarantee => (row.cadence ? 'at-most-once' : 'at-least-once');

export const UNKNOWN_DELIVERY = '可能未送达';

type Db = PrismaClient;

/**
 * Runs one status write until it sticks: a delivered message whose `sent` mark is lost would be
 * sent again (or flagged) after its lease. Transient or not, the database gets asked again, with
 * growing waits; after `stop` aborts it keeps trying for `graceMs` more, then gives up (the lease
 * rules above then apply). Returns whether the write landed.
 */
export async function writeUntilItSticks(
  write: () => Promise<unknown>,
  opts: { stop?: AbortSignal; graceMs?: number; logger?: Logger; what: string },
): Promise<boolean> {
  let wait = 100;
  let giveUpAt = Infinity;
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return true;
    } catch (e) {
      if (opts.stop?.aborted && giveUpAt === Infinity) giveUpAt = Date.now() + (opts.graceMs ?? 10_000);
      if (Date.now() >= giveUpAt) {
        opts.logger?.error({ event: 'outbox_mark_lost', what: opts.what, attempt, err: e }, 'could not record a delivery state before shutdown; the lease decides');
        return false;
      }
      if (attempt === 1 || attempt % 10 === 0) opts.logger?.warn({ event: 'outbox_mark_retry', what: opts.what, attempt, err: e }, 'recording a delivery state failed; retrying');
      await sleep(wait);
      wait = Math.min(wait * 2, 5_000);
    }
  }
}

/** The `sent` mark, by the lease holder — or over a 可能未送达 flag set while we were still retrying. */
export function markSent(db: Db, id: number, me: string, at: Date, degraded: string | null = null): Promise<number> {
  return db.$executeRaw`
    UPDATE "Outbox" SET "status" = 'sent', "sentAt" = ${at}, "lockedBy" = NULL, "lockedUntil" = NULL, "lastError" = NULL, "updatedAt" = ${at},
      "degraded" = COALESCE(${degraded}, "degraded")
    WHERE "id" = ${id} AND ("lockedBy" = ${me} OR ("status" = 'failed' AND "lastError" LIKE ${`${UNKNOWN_DELIVERY}%`}))`;
}

/**
 * Rows whose sender's lease ran out while `sending` (the sender died, or lost the database between
 * the send and the mark): at-least-once rows go back to `pending`; at-most-once rows become failed
 * with 可能未送达 and one notice per row to admins. Returns how many of each.
 */
export async function settleExpiredLeases(db: Db, now: Date, admins: readonly string[], groupsByTopic = true): Promise<{ requeued: number; unknown: number }> {
  const rows = await db.$queryRaw<{ id: number; cadence: string | null; targetRef: string; text: string; slotAt: Date | null }[]>`
    UPDATE "Outbox" SET
      "status" = (CASE WHEN "cadence" IS NULL THEN 'pending' ELSE 'failed' END)::"OutboxStatus",
      "lastError" = CASE WHEN "cadence" IS NULL THEN "lastError" ELSE ${`${UNKNOWN_DELIVERY}：发送过程中断，无法确认是否已送达；为避免重复，不再自动重发`} END,
      "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = ${now}
    WHERE "status" = 'sending' AND "lockedUntil" < ${now}
    RETURNING "id", "cadence", "targetRef", "text", "slotAt"`;
  const unknown = rows.filter((r) => r.cadence);
  if (unknown.length) {
    const targets = await adminTargets(db, admins, groupsByTopic);
    await enqueueOutbox(
      db,
      unknown.flatMap((r) => {
        const first = r.text.split('\n')[0]!.slice(0, 60);
        const text = `【${UNKNOWN_DELIVERY}】发往“${r.targetRef}”的一条消息在发送时中断，无法确认对方是否收到，系统不会自动重发以免重复：\n${first}\n请到该群查看，如未收到请手动补发（管理台“发送失败”中可见）。`;
        return targets.map((target, i) => ({ idempotencyKey: `delivery_unknown:${r.id}:admin${i}`, target, text, notBefore: now }));
      }),
    );
  }
  return { requeued: rows.length - unknown.length, unknown: unknown.length };
}
