import { Prisma } from '../generated/prisma/client.ts';
import { deriveTask, type Assignment } from '../domain/work/index.ts';
import { outboxInsert } from '../outbox/enqueue-outbox.ts';
import type { WorkChange } from '../ports/work-store.ts';
import type { BulkQuery } from './bulk-sql.ts';

/** What a reply records (assignments, derived tasks, progress, the confirmation) and nothing else. */
export function fitsOneStatement(change: WorkChange): boolean {
  return (
    !change.newRequests?.length && !change.decided?.length && !change.evidence?.length && !change.audit?.length &&
    (change.tasks ?? []).every((t) => t.basis !== undefined)
  );
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * A reply's change as one statement, one round trip and no transaction held open across our own
 * code: the tasks are derived here by the rules, from the parts the caller read (`basis`) with the
 * patches laid on. The statement locks the tasks and their parts (in task order, as the locking path
 * does), checks the parts are still what was read, and only then marks the message interpreted and
 * writes. Returns null when they are not (another unit reported on the task meanwhile): the caller
 * then takes the locking path, which derives from what is stored.
 */
export async function applyInOneStatement(query: BulkQuery, change: WorkChange, now: Date): Promise<{ requestIds: number[]; alreadyRecorded?: boolean } | null> {
  const tasks = change.tasks ?? [];
  const patches = change.assignments ?? [];
  const byId = new Map<number, Partial<Assignment>>();
  for (const { id, patch } of patches) byId.set(id, { ...(byId.get(id) ?? {}), ...patch });
  // Task.lastReportedAt is a cache for lists: the last report from any of its units.
  const reported = new Map<number, Date>();
  for (const p of change.progress ?? []) if (p.kind !== 'receipt' && !(reported.get(p.taskId)! >= p.at)) reported.set(p.taskId, p.at);
  type TaskRow = { id: number; derived: boolean; status: string | null; percent: number | null; closedAt: string | null; reported: string | null; deadline: string | null; deadlineText: string | null };
  const taskRows = tasks.map((t): TaskRow => {
    const d = deriveTask(t.basis!.map((a) => ({ ...a, ...(byId.get(a.id) ?? {}) })), t.derived);
    return { id: t.id, derived: true, status: d.state, percent: d.percent, closedAt: iso(d.closedAt), reported: iso(reported.get(t.id)), deadline: t.deadline?.date ?? null, deadlineText: t.deadline?.text ?? null };
  });
  for (const [id, at] of reported) if (!tasks.some((t) => t.id === id)) taskRows.push({ id, derived: false, status: null, percent: null, closedAt: null, reported: iso(at), deadline: null, deadlineText: null });
  const basis = tasks.flatMap((t) => t.basis!.map((a) => ({ id: a.id, taskId: a.taskId, unitId: a.unitId, role: a.role, state: a.state, percent: a.percent, closedAt: iso(a.closedAt) })));
  const taskIds = tasks.map((t) => t.id);
  const progress = (change.progress ?? []).map((p) => ({ ...p, at: p.at.toISOString() }));
  const inboundId = change.inboundId ?? null;
  const nowIso = now.toISOString();
  // Patches of one assignment are merged in order, as the locking path applies one UPDATE after
  // another; a patch names only the columns it sets (absent keeps the value, null clears it).
  // Each row is found by its key (= ANY of the ids) and its values looked up by id in one JSON
  // object: a join with the JSON rows let the planner hash-join a scan of the whole table.
  const patchById = Object.fromEntries(
    [...byId].map(([id, p]) => [id, Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]))]),
  );
  const taskById = Object.fromEntries(taskRows.map((r) => [r.id, r]));
  const set = (col: string, type: string) => Prisma.raw(`"${col}" = CASE WHEN j."all" -> a."id"::text ? '${col}' THEN (j."all" -> a."id"::text ->> '${col}')::${type} ELSE a."${col}" END`);
  const task = (col: string, type: string) => Prisma.raw(`(j."all" -> t."id"::text ->> '${col}')::${type}`);
  const sql = Prisma.sql`
    WITH l AS MATERIALIZED (SELECT "id" FROM "Task" WHERE "id" = ANY(${taskIds}::int[]) ORDER BY "id" FOR UPDATE),
    cur AS MATERIALIZED (
      SELECT a."id", a."taskId", a."unitId", a."role"::text AS "role", a."state"::text AS "state", a."percent", a."closedAt"
      FROM "Assignment" a WHERE a."taskId" = ANY(ARRAY(SELECT "id" FROM l)) ORDER BY a."id" FOR UPDATE),
    b AS (SELECT * FROM json_to_recordset(${JSON.stringify(basis)}::json) AS x("id" int, "taskId" int, "unitId" int, "role" text, "state" text, "percent" int, "closedAt" timestamp(3))),
    ok AS MATERIALIZED (
      SELECT (SELECT count(*) FROM l) = cardinality(${taskIds}::int[])
        AND NOT EXISTS (SELECT * FROM cur EXCEPT SELECT * FROM b) AND NOT EXISTS (SELECT * FROM b EXCEPT SELECT * FROM cur) AS "ok"),
    m AS (
      UPDATE "InboundMessage" SET "status" = 'interpreted', "error" = NULL
      WHERE "id" = ${inboundId}::int AND "status" <> 'interpreted' AND (SELECT "ok" FROM ok) RETURNING "id"),
    go AS MATERIALIZED (SELECT 1 AS "go" WHERE (SELECT "ok" FROM ok) AND (${inboundId}::int IS NULL OR EXISTS (SELECT 1 FROM m))),
    ua AS (
      UPDATE "Assignment" a SET ${set('state', '"AssignmentState"')}, ${set('percent', 'int')}, ${set('lastReportedAt', 'timestamp(3)')},
        ${set('receivedAt', 'timestamp(3)')}, ${set('closedAt', 'timestamp(3)')}, ${set('unitId', 'int')}, ${set('via', 'text')}, "updatedAt" = ${nowIso}::timestamp(3)
      FROM (SELECT ${JSON.stringify(patchById)}::jsonb AS "all") j
      WHERE a."id" = ANY(${[...byId.keys()]}::int[]) AND EXISTS (SELECT 1 FROM go) RETURNING a."id"),
    ut AS (
      UPDATE "Task" t SET
        "status" = CASE WHEN ${task('derived', 'boolean')} THEN ${task('status', '"TaskStatus"')} ELSE t."status" END,
        "percent" = CASE WHEN ${task('derived', 'boolean')} THEN ${task('percent', 'int')} ELSE t."percent" END,
        "closedAt" = CASE WHEN ${task('derived', 'boolean')} THEN ${task('closedAt', 'timestamp(3)')} ELSE t."closedAt" END,
        "lastReportedAt" = COALESCE(${task('reported', 'timestamp(3)')}, t."lastReportedAt"),
        "deadline" = COALESCE(${task('deadline', 'date')}, t."deadline"),
        "deadlineKind" = CASE WHEN ${task('deadline', 'text')} IS NOT NULL THEN 'date' ELSE t."deadlineKind" END,
        "deadlineText" = CASE WHEN ${task('deadline', 'text')} IS NOT NULL THEN ${task('deadlineText', 'text')} ELSE t."deadlineText" END,
        "updatedAt" = ${nowIso}::timestamp(3)
      FROM (SELECT ${JSON.stringify(taskById)}::jsonb AS "all") j
      WHERE t."id" = ANY(${taskRows.map((r) => r.id)}::int[]) AND EXISTS (SELECT 1 FROM go) RETURNING t."id"),
    pu AS (
      INSERT INTO "ProgressUpdate" ("taskId", "unitId", "personId", "kind", "reportedAt", "text", "percent", "status", "problems", "nextSteps", "inboundMessageId", "createdAt")
      SELECT x."taskId", x."unitId", x."personId", x."kind", x."at"::timestamp(3), x."text", x."percent", x."status"::"TaskStatus", x."problems", x."nextSteps", x."inboundMessageId", ${nowIso}::timestamp(3)
      FROM json_to_recordset(${JSON.stringify(progress)}::json)
        AS x("taskId" int, "unitId" int, "personId" int, "kind" text, "at" text, "text" text, "percent" int, "status" text, "problems" text, "nextSteps" text, "inboundMessageId" int)
      WHERE EXISTS (SELECT 1 FROM go) RETURNING 1)
    ${change.outbox?.length ? Prisma.sql`, ob AS (${outboxInsert(change.outbox, Prisma.sql`EXISTS (SELECT 1 FROM go)`)} RETURNING 1)` : Prisma.empty}
    SELECT (SELECT "ok" FROM ok) AS "ok", EXISTS (SELECT 1 FROM m) AS "marked", (SELECT count(*) FROM ua)::int AS "assignments", (SELECT count(*) FROM ut)::int AS "tasks", (SELECT count(*) FROM pu)::int AS "progress"`;
  const [r] = await query<{ ok: boolean; marked: boolean; assignments: number; tasks: number; progress: number }>(sql.text, sql.values, { prepared: true });
  if (!r?.ok) return null;
  if (inboundId !== null && !r.marked) return { requestIds: [], alreadyRecorded: true };
  return { requestIds: [] };
}
