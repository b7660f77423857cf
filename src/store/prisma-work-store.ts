import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { deriveTask, type Assignment, type AssignmentPatch } from '../domain/work/index.ts';
import { loadPlanShortNames } from './plan-short-names.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import type { GroupRow, PersonRow, RequestRow, WorkStore } from '../ports/work-store.ts';
import { bulkQuery } from './bulk-sql.ts';
import { applyInOneStatement, fitsOneStatement } from './apply-in-one-statement.ts';
import { leaderTaskWhere } from './leader-task-scope.ts';
import { StaleReadError } from './transient-error.ts';
import { isoDate, PLANS_JSON_SQL, toAssignment, toTaskInfo as toInfo, toWorkItems, workJsonSql, type AssignmentRow, type PlanNameRow, type TaskRow } from './work-read-sql.ts';

const json = (v: unknown): Prisma.InputJsonValue | undefined => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v ?? null)) as Prisma.InputJsonValue));

/** The WorkStore on Prisma (PostgreSQL or PGlite through the same driver adapter). */
export function createPrismaWorkStore(prisma: PrismaClient): WorkStore {
  const shortNames = () => loadPlanShortNames(prisma);
  // The per-message reads and writes go straight to the pool: no query compiled per call.
  const query = bulkQuery(prisma);
  const taskSelect = { id: true, planId: true, no: true, title: true, text: true, deadline: true, deadlineKind: true, deadlineText: true, status: true, percent: true } as const;
  const activePlan = { plan: { archivedAt: null } } as const;

  return {
    async unitWork(unitId, opts = {}) {
      // The hot path of every command on one's own tasks: one statement straight on the pool (no
      // query compiled per call), the active plans' names riding along.
      const [row] = await query<{ plans: PlanNameRow[] | null; rows: Parameters<typeof toWorkItems>[1] }>(
        `SELECT ${PLANS_JSON_SQL} AS "plans", ${workJsonSql('ARRAY[$1::int]', '$2::boolean', 'false')} AS "rows"`,
        [unitId, !!opts.withClosed],
        { prepared: true },
      );
      return toWorkItems(row?.plans ?? null, row?.rows ?? null);
    },
    async inboundContext({ talkerId, roomId, topic }) {
      // The sender, the group and the open work of every unit the sender reports for (each task with
      // all its parts, the basis of a one-statement apply): one round trip per message.
      const [row] = await query<{ byRoom: GroupRow | null; byTopic: GroupRow | null; person: PersonRow | null; plans: PlanNameRow[] | null; rows: Parameters<typeof toWorkItems>[1] }>(
        `WITH g AS (
          SELECT g."id", g."topic", g."roomId",
            COALESCE((SELECT json_agg(json_build_object('id', u."id", 'name', u."name") ORDER BY u."id")
                      FROM "GroupUnit" gu JOIN "Unit" u ON u."id" = gu."unitId" WHERE gu."groupId" = g."id"), '[]'::json) AS "units"
          FROM "ChatGroup" g
          WHERE ($2::text IS NOT NULL AND g."roomId" = $2::text) OR ($3::text IS NOT NULL AND g."topic" = $3::text)
        ),
        per AS MATERIALIZED (SELECT * FROM "Person" WHERE "chatId" = $1::text),
        units AS MATERIALIZED (
          SELECT ARRAY(SELECT "unitId" FROM per WHERE "unitId" IS NOT NULL
                       UNION SELECT b."unitId" FROM "Person" b WHERE b."backupId" IN (SELECT "id" FROM per) AND b."unitId" IS NOT NULL) AS "ids")
        SELECT
          (SELECT row_to_json(g) FROM g WHERE g."roomId" = $2::text LIMIT 1) AS "byRoom",
          (SELECT row_to_json(g) FROM g WHERE g."topic" = $3::text LIMIT 1) AS "byTopic",
          (SELECT json_build_object('id', p."id", 'name', p."name", 'kind', p."kind", 'unitId', p."unitId", 'chatId', p."chatId", 'isAdmin', p."isAdmin",
            'unit', (SELECT json_build_object('id', u."id", 'name', u."name") FROM "Unit" u WHERE u."id" = p."unitId"),
            'backupFor', COALESCE((SELECT json_agg(json_build_object('id', u."id", 'name', u."name") ORDER BY b."id")
                                   FROM "Person" b JOIN "Unit" u ON u."id" = b."unitId" WHERE b."backupId" = p."id"), '[]'::json))
           FROM per p) AS "person",
          (SELECT "ids" FROM units) AS "unitIds",
          CASE WHEN cardinality((SELECT "ids" FROM units)) > 0 THEN ${PLANS_JSON_SQL} END AS "plans",
          ${workJsonSql('(SELECT "ids" FROM units)::int[]', 'false', 'true')} AS "rows"`,
        [talkerId, roomId, topic],
        { prepared: true },
      );
      return {
        byRoom: row?.byRoom ?? null,
        byTopic: row?.byTopic ?? null,
        person: row?.person ?? null,
        workUnitIds: ((row as { unitIds?: number[] } | undefined)?.unitIds ?? []).map(Number),
        work: toWorkItems(row?.plans ?? null, row?.rows ?? null),
      };
    },
    async activeTasks() {
      const [names, rows] = await Promise.all([
        shortNames(),
        prisma.task.findMany({ where: activePlan, select: taskSelect, orderBy: [{ planId: 'asc' }, { seq: 'asc' }] }),
      ]);
      return rows.map((t) => toInfo(t as TaskRow, names));
    },
    async task(taskId) {
      const [names, row] = await Promise.all([shortNames(), prisma.task.findFirst({ where: { id: taskId, ...activePlan }, select: taskSelect })]);
      return row ? toInfo(row as TaskRow, names) : null;
    },
    async leaderTasks(personId) {
      // Led (牵头领导), or overseen: the plan by its roster, or a unit's tasks as its 分管领导 — one
      // home for the scope, shared with the console's leader accounts (leader-task-scope.ts).
      const [names, rows] = await Promise.all([
        shortNames(),
        leaderTaskWhere(prisma, personId).then((scope) =>
          prisma.task.findMany({ where: { AND: [activePlan, scope] }, select: taskSelect, orderBy: [{ planId: 'asc' }, { seq: 'asc' }] }),
        ),
      ]);
      return rows.map((t) => toInfo(t as TaskRow, names));
    },
    async assignmentsOf(taskIds) {
      const rows = taskIds.length ? await selectAssignments(prisma, [...taskIds]) : [];
      const out = new Map<number, Assignment[]>(taskIds.map((id) => [id, []]));
      for (const r of rows) out.get(r.taskId)!.push(toAssignment(r));
      return out;
    },
    async pendingRequests(taskId, kind) {
      const rows = await prisma.taskRequest.findMany({ where: { taskId, status: 'pending', ...(kind ? { kind } : {}) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
      return rows.map(toRequest);
    },
    async recentCloseRequest(requestedBy, since) {
      const r = await prisma.taskRequest.findFirst({ where: { requestedBy, kind: 'close', status: 'pending', createdAt: { gte: since } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
      return r ? toRequest(r) : null;
    },
    async apply(change) {
      // A reply's change whose tasks' parts are still as read: one statement, no transaction held open.
      if (fitsOneStatement(change)) {
        const done = await applyInOneStatement(query, change, new Date());
        if (done) return done;
      }
      return prisma.$transaction(async (tx) => {
        // Two units of one task reporting at once must not each derive the task from the other's old
        // state: lock the tasks, then derive again from what is stored, inside the transaction.
        // The message's row lock orders two interpretations of one message; the second finds it
        // marked and writes nothing. Both in one round trip.
        const taskIds = (change.tasks ?? []).map((t) => t.id);
        if (change.inboundId !== undefined || taskIds.length) {
          const inboundId = change.inboundId ?? null;
          const [r] = await tx.$queryRaw<{ marked: boolean }[]>`
            WITH m AS (
              UPDATE "InboundMessage" SET "status" = 'interpreted', "error" = NULL
              WHERE "id" = ${inboundId}::int AND "status" <> 'interpreted' RETURNING "id"),
            l AS (SELECT "id" FROM "Task" WHERE "id" = ANY(${taskIds}::int[]) AND (${inboundId}::int IS NULL OR EXISTS (SELECT 1 FROM m)) FOR UPDATE)
            SELECT (${inboundId}::int IS NULL OR EXISTS (SELECT 1 FROM m)) AS "marked", (SELECT count(*) FROM l) AS "locked"`;
          if (!r?.marked) return { requestIds: [], alreadyRecorded: true };
        }
        // The patches were worked out from the parts as read (`basis`). Another unit's report since is
        // fine — the tasks are derived again below from what is stored — but a change to a part this
        // change patches (the contact and their B角 reporting at once) would be overwritten with a
        // patch computed from the old state: roll back and interpret the message again from a new read.
        const basisOf = new Map((change.tasks ?? []).flatMap((t) => (t.basis ?? []).map((a) => [a.id, a] as const)));
        const patched = (change.assignments ?? []).map((a) => a.id).filter((id) => basisOf.has(id));
        if (patched.length) {
          const stored = await tx.$queryRaw<{ id: number; state: string; percent: number | null }[]>`
            SELECT "id", "state"::text AS "state", "percent" FROM "Assignment" WHERE "id" = ANY(${patched}::int[])`;
          if (stored.some((a) => a.state !== basisOf.get(a.id)!.state || a.percent !== basisOf.get(a.id)!.percent)) throw new StaleReadError();
        }
        // Raw statements for the parts every reply writes: no query plan is built per call.
        const now = new Date();
        const stored = new Map<number, Assignment[]>();
        const keep = (rows: AssignmentRow[]) => { for (const r of rows) (stored.get(r.taskId) ?? stored.set(r.taskId, []).get(r.taskId)!).push(toAssignment(r)); };
        const patches = change.assignments ?? [];
        const setList = (patch: AssignmentPatch) =>
          Prisma.join([
            ...Object.entries(patch)
              .filter(([k, v]) => v !== undefined && k in ASSIGNMENT_COLUMNS)
              .map(([k, v]) => (k === 'state' ? Prisma.sql`"state" = ${v}::"AssignmentState"` : Prisma.sql`${Prisma.raw(`"${k}"`)} = ${v}`)),
            Prisma.sql`"updatedAt" = ${now}`,
          ], ', ');
        if (patches.length === 1 && taskIds.length) {
          // The common case (one unit's report): the update and the read of the tasks' parts in one statement.
          const [{ id, patch }] = patches as [{ id: number; patch: AssignmentPatch }];
          keep(await tx.$queryRaw<AssignmentRow[]>`
            WITH u AS (UPDATE "Assignment" SET ${setList(patch)} WHERE "id" = ${id}
              RETURNING "id", "taskId", "unitId", "role"::text AS "role", "state"::text AS "state", "percent", "lastReportedAt", "receivedAt", "closedAt")
            SELECT * FROM u WHERE "taskId" = ANY(${taskIds}::int[])
            UNION ALL
            SELECT "id", "taskId", "unitId", "role"::text, "state"::text, "percent", "lastReportedAt", "receivedAt", "closedAt"
            FROM "Assignment" WHERE "taskId" = ANY(${taskIds}::int[]) AND "id" <> ${id}`);
        } else {
          for (const { id, patch } of patches) await tx.$executeRaw`UPDATE "Assignment" SET ${setList(patch)} WHERE "id" = ${id}`;
          if (taskIds.length) keep(await selectAssignments(tx, taskIds));
        }
        // Task.lastReportedAt is a cache for lists: the last report from any of its units.
        const reported = new Map<number, Date>();
        for (const p of change.progress ?? []) if (p.kind !== 'receipt' && !(reported.get(p.taskId)! >= p.at)) reported.set(p.taskId, p.at);
        for (const t of change.tasks ?? []) {
          const derived = deriveTask(stored.get(t.id) ?? [], t.derived);
          const at = reported.get(t.id);
          reported.delete(t.id);
          await tx.$executeRaw`
            UPDATE "Task" SET "status" = ${derived.state}::"TaskStatus", "percent" = ${derived.percent}, "closedAt" = ${derived.closedAt}, "updatedAt" = ${now}
              ${at ? Prisma.sql`, "lastReportedAt" = ${at}` : Prisma.empty}
              ${t.deadline ? Prisma.sql`, "deadline" = ${t.deadline.date}::date, "deadlineKind" = 'date', "deadlineText" = ${t.deadline.text}` : Prisma.empty}
            WHERE "id" = ${t.id}`;
        }
        for (const [id, at] of reported) await tx.$executeRaw`UPDATE "Task" SET "lastReportedAt" = ${at}, "updatedAt" = ${now} WHERE "id" = ${id}`;
        if (change.progress?.length) {
          const rows = JSON.stringify(change.progress.map((p) => ({ ...p, at: p.at.toISOString() })));
          await tx.$executeRaw`
            INSERT INTO "ProgressUpdate" ("taskId", "unitId", "personId", "kind", "reportedAt", "text", "percent", "status", "problems", "nextSteps", "inboundMessageId", "createdAt")
            SELECT x."taskId", x."unitId", x."personId", x."kind", x."at"::timestamp(3), x."text", x."percent", x."status"::"TaskStatus", x."problems", x."nextSteps", x."inboundMessageId", ${now}
            FROM json_to_recordset(${rows}::json) AS x("taskId" int, "unitId" int, "personId" int, "kind" text, "at" text, "text" text, "percent" int, "status" text, "problems" text, "nextSteps" text, "inboundMessageId" int)`;
        }
        const requestIds: number[] = [];
        for (const r of change.newRequests ?? []) {
          const row = await tx.taskRequest.create({
            data: {
              taskId: r.taskId, assignmentId: r.assignmentId, unitId: r.unitId, kind: r.kind, status: r.status ?? 'pending', requestedBy: r.requestedBy,
              reason: r.reason, evidence: r.evidence, newDeadline: r.newDeadline ? new Date(`${r.newDeadline}T00:00:00Z`) : null, toUnitId: r.toUnitId ?? null,
              decidedBy: r.decidedBy ?? null, decidedAt: r.decidedBy ? r.at : null, decision: r.decision ?? null, createdAt: r.at,
            },
          });
          requestIds.push(row.id);
        }
        for (const d of change.decided ?? []) {
          await tx.taskRequest.update({ where: { id: d.id }, data: { status: d.status, decidedBy: d.by, decidedAt: d.at, decision: d.decision } });
        }
        for (const e of change.evidence ?? []) await tx.taskRequest.update({ where: { id: e.requestId }, data: { evidence: { push: e.file } } });
        if (change.audit?.length) {
          await tx.auditLog.createMany({
            data: change.audit.map((e) => ({
              at: e.at, actor: e.actor, action: e.action, entity: e.entity, entityId: e.entityId === undefined ? null : String(e.entityId),
              before: json(e.before) ?? Prisma.DbNull, after: json(e.after) ?? Prisma.DbNull,
            })),
          });
        }
        if (change.outbox?.length) await enqueueOutbox(tx, change.outbox);
        return { requestIds };
        // A busy machine (or PGlite's one connection shared by many senders) may make a transaction
        // wait its turn: waiting longer beats failing the message.
      }, { maxWait: 10_000, timeout: 15_000 });
    },
  };
}

/** The assignment columns a patch may set (AssignmentPatch), by their names in the table. */
const ASSIGNMENT_COLUMNS = { state: 1, percent: 1, lastReportedAt: 1, receivedAt: 1, closedAt: 1, unitId: 1, via: 1 } as const;

function selectAssignments(db: Pick<PrismaClient, '$queryRaw'>, taskIds: number[]): Promise<AssignmentRow[]> {
  return db.$queryRaw<AssignmentRow[]>`
    SELECT "id", "taskId", "unitId", "role"::text AS "role", "state"::text AS "state", "percent", "lastReportedAt", "receivedAt", "closedAt"
    FROM "Assignment" WHERE "taskId" = ANY(${taskIds}) ORDER BY "id"`;
}

function toRequest(r: { id: number; taskId: number; assignmentId: number | null; unitId: number | null; kind: RequestRow['kind']; requestedBy: string; reason: string | null; evidence: string[]; newDeadline: Date | null; createdAt: Date }): RequestRow {
  return { id: r.id, taskId: r.taskId, assignmentId: r.assignmentId, unitId: r.unitId, kind: r.kind, requestedBy: r.requestedBy, reason: r.reason, evidence: r.evidence, newDeadline: isoDate(r.newDeadline), createdAt: r.createdAt };
}
