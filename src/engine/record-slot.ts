import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { outboxInsert } from '../outbox/enqueue-outbox.ts';
import { bulkQuery } from '../store/bulk-sql.ts';
import { retryTransient } from '../store/transient-error.ts';
import type { SlotPlan } from './plan-context.ts';

/**
 * Writes what a slot decided — its messages and its escalation steps — as ONE statement (the
 * escalations ride in a data-modifying WITH), so it is atomic without an interactive transaction:
 * nothing is held open across JavaScript work, and a busy machine cannot trip Prisma's 5 s
 * transaction timeout. Both inserts ignore rows already there, so a retry after a dropped
 * connection or a timeout writes nothing twice. Returns how many outbox rows were new.
 */
export async function recordSlot(prisma: Pick<PrismaClient, '$queryRawUnsafe'>, plan: Pick<SlotPlan, 'items' | 'escalations'>, issuedAt: Date, onRetry?: (e: unknown, attempt: number) => void): Promise<number> {
  if (!plan.items.length && !plan.escalations.length) return 0;
  const outbox = plan.items.length ? outboxInsert(plan.items) : Prisma.sql`SELECT 1 WHERE false`;
  const escalations = JSON.stringify(plan.escalations.map((e) => ({ t: e.taskId, u: e.unitId, l: e.level, r: e.reason, k: e.outboxKey })));
  const statement = Prisma.sql`
    WITH o AS (${outbox} RETURNING 1),
    e AS (
      INSERT INTO "Escalation" ("taskId", "unitId", "level", "reason", "issuedAt", "outboxKey")
      SELECT x.t, x.u, x.l, x.r, ${issuedAt.toISOString()}::timestamp(3), x.k FROM json_to_recordset(${escalations}::json) AS x(t int, u int, l text, r text, k text)
      ON CONFLICT ("taskId", "unitId", "level", "issuedAt") DO NOTHING
      RETURNING 1)
    SELECT (SELECT count(*) FROM o)::int AS "outbox", (SELECT count(*) FROM e)::int AS "escalations"`;
  const sql = bulkQuery(prisma);
  const [row] = await retryTransient(() => sql<{ outbox: number; escalations: number }>(statement.text, statement.values), { waits: [200, 400, 800], onRetry });
  return row?.outbox ?? 0;
}
