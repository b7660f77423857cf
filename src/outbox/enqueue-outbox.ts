import type { PrismaClient } from '../generated/prisma/client.ts';
import type { ChatTarget } from '../ports/chat.ts';

export interface OutboxItem {
  /** Unique per logical message, e.g. `weekly_reminder:2026-05-11T01:00Z:unit-12`. Re-enqueueing is a no-op. */
  idempotencyKey: string;
  target: ChatTarget;
  text: string;
  mentions?: string[];
  attachment?: string;
  cadence?: string;
  slotAt?: Date;
  /** Not sent before this moment (pacing, quiet hours). */
  notBefore?: Date;
}

type Tx = Pick<PrismaClient, 'outbox'>;

/**
 * Records messages to send. The unique idempotency key makes deciding-to-send safe to repeat after a
 * crash or from a second worker: the database keeps the first row and ignores the rest.
 * Returns how many rows were new.
 */
export async function enqueueOutbox(db: Tx, items: OutboxItem[]): Promise<number> {
  if (items.length === 0) return 0;
  const { count } = await db.outbox.createMany({
    data: items.map((m) => ({
      idempotencyKey: m.idempotencyKey,
      targetKind: m.target.kind,
      targetRef: m.target.ref,
      text: m.text,
      mentions: m.mentions ?? [],
      attachment: m.attachment ?? null,
      cadence: m.cadence ?? null,
      slotAt: m.slotAt ?? null,
      ...(m.notBefore ? { notBefore: m.notBefore } : {}),
    })),
    skipDuplicates: true,
  });
  return count;
}
