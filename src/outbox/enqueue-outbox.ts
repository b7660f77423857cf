import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
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

type Tx = Pick<PrismaClient, '$executeRaw'>;

/**
 * Records messages to send. The unique idempotency key makes deciding-to-send safe to repeat after a
 * crash or from a second worker: the database keeps the first row and ignores the rest.
 * Returns how many rows were new. One statement however many rows: a 周调度 slot's 600 messages
 * through Prisma's createMany cost over a second of query building; as one JSON document, ~0.1 s.
 */
export async function enqueueOutbox(db: Tx, items: OutboxItem[]): Promise<number> {
  if (items.length === 0) return 0;
  return db.$executeRaw(outboxInsert(items));
}

/**
 * The INSERT for these rows, to run alone or as a step of a larger statement (see recordSlot, and
 * applyInOneStatement, which passes `when`: the rows are written only if that condition holds).
 */
export function outboxInsert(items: OutboxItem[], when: Prisma.Sql = Prisma.sql`TRUE`): Prisma.Sql {
  const rows = JSON.stringify(
    items.map((m) => ({
      k: m.idempotencyKey, tk: m.target.kind, tr: m.target.ref, t: m.text, m: m.mentions ?? [], a: m.attachment ?? null,
      c: m.cadence ?? null, s: m.slotAt?.toISOString() ?? null, nb: m.notBefore?.toISOString() ?? null,
    })),
  );
  // Timestamps are kept as UTC wall time (Prisma's DateTime on timestamp(3)), so the ISO string's zone is dropped as UTC.
  return Prisma.sql`
    INSERT INTO "Outbox" ("idempotencyKey", "targetKind", "targetRef", "text", "mentions", "attachment", "cadence", "slotAt", "notBefore", "updatedAt")
    SELECT x.k, x.tk, x.tr, x.t, ARRAY(SELECT json_array_elements_text(x.m)), x.a, x.c, x.s::timestamp(3), COALESCE(x.nb::timestamp(3), now() AT TIME ZONE 'UTC'), now() AT TIME ZONE 'UTC'
    FROM json_to_recordset(${rows}::json) AS x(k text, tk text, tr text, t text, m json, a text, c text, s text, nb text)
    WHERE ${when}
    ON CONFLICT ("idempotencyKey") DO NOTHING`;
}
