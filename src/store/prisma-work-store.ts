import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { deriveTask, uniqueShortNames, type Assignment, type AssignmentPatch, type TaskState } from '../domain/work/index.ts';
import { loadPlanShortNames } from './plan-short-names.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import type { RequestRow, TaskInfo, WorkItem, WorkStore } from '../ports/work-store.ts';

const isoDate = (d: Date | string | null): string | null => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));
const json = (v: unknown): Prisma.InputJsonValue | undefined => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v ?? null)) as Prisma.InputJsonValue));

interface TaskRow {
  id: number;
  planId: number;
  no: string;
  title: string | null;
  text: string;
  deadline: Date | string | null;
  deadlineKind: string;
  deadlineText: string | null;
  status: TaskState;
  percent: number | null;
}

/** The WorkStore on Prisma (PostgreSQL or PGlite through the same driver adapter). */
export function createPrismaWorkStore(prisma: PrismaClient): WorkStore {
  const shortNames = () => loadPlanShortNames(prisma);
  const toInfo = (t: TaskRow, names: Map<number, string>): TaskInfo => ({
    taskId: t.id,
    planId: t.planId,
    planShort: names.get(t.planId) ?? `方案${t.planId}`,
    no: t.no,
    title: t.title,
    text: t.text,
    deadline: t.deadlineKind === 'date' ? isoDate(t.deadline) : null,
    deadlineText: t.deadlineText,
    state: t.status,
    percent: t.percent,
  });
  const taskSelect = { id: true, planId: true, no: true, title: true, text: true, deadline: true, deadlineKind: true, deadlineText: true, status: true, percent: true } as const;
  const activePlan = { plan: { archivedAt: null } } as const;

  return {
    async unitWork(unitId, opts = {}) {
      // The hot path of every reply: one joined statement, not Prisma's include (two queries and a
      // query plan built per call). Cost grows with the unit's own work, not the plan's size.
      const withClosed = !!opts.withClosed;
      // The active plans (for their unique short names) ride along in the same round trip.
      const [row] = await prisma.$queryRaw<{ plans: PlanNameRow[] | null; rows: (AssignmentRow & { task: TaskRow })[] | null }[]>`
        SELECT
          (SELECT json_agg(json_build_object('id', p."id", 'title', p."title", 'shortName', p."shortName", 'year', p."year") ORDER BY p."id")
             FROM "Plan" p WHERE p."archivedAt" IS NULL) AS "plans",
          (SELECT json_agg(r ORDER BY r."planId", r."seq") FROM (
             SELECT a."id", a."taskId", a."unitId", a."role", a."state", a."percent", a."lastReportedAt", a."receivedAt", a."closedAt", t."planId", t."seq",
               json_build_object('id', t."id", 'planId', t."planId", 'no', t."no", 'title', t."title", 'text', t."text", 'deadline', t."deadline",
                 'deadlineKind', t."deadlineKind", 'deadlineText', t."deadlineText", 'status', t."status", 'percent', t."percent") AS "task"
             FROM "Assignment" a JOIN "Task" t ON t."id" = a."taskId" JOIN "Plan" p ON p."id" = t."planId"
             WHERE a."unitId" = ${unitId} AND p."archivedAt" IS NULL AND (${withClosed} OR a."state" <> 'closed')) r) AS "rows"`;
      const names = uniqueShortNames(row?.plans ?? []);
      // json carries timestamps as text: back to Dates, as the model API would give them.
      const rows = (row?.rows ?? []).map((r) => ({ ...r, lastReportedAt: toDate(r.lastReportedAt), receivedAt: toDate(r.receivedAt), closedAt: toDate(r.closedAt) }));
      return rows.map(({ task, ...a }): WorkItem => ({ assignment: toAssignment(a), task: toInfo(task, names) }));
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
      // Led (牵头领导), or overseen: the plan by its roster, or a unit's tasks as its 分管领导 (domain/work/oversight.ts).
      const scope = await prisma.oversight.findMany({ where: { personId }, select: { planId: true, unitId: true } });
      const planIds = scope.filter((e) => e.planId !== null && e.unitId === null).map((e) => e.planId!);
      const unitIds = scope.filter((e) => e.unitId !== null).map((e) => e.unitId!);
      const [names, rows] = await Promise.all([
        shortNames(),
        prisma.task.findMany({
          where: {
            ...activePlan,
            OR: [
              { leaders: { some: { personId } } },
              ...(planIds.length ? [{ planId: { in: planIds } }] : []),
              ...(unitIds.length ? [{ assignments: { some: { unitId: { in: unitIds }, role: { in: ['lead' as const, 'responsible' as const] } } } }] : []),
            ],
          },
          select: taskSelect,
          orderBy: [{ planId: 'asc' }, { seq: 'asc' }],
        }),
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

interface PlanNameRow {
  id: number;
  title: string;
  shortName: string | null;
  year: number | null;
}

/** A timestamp(3) column read through JSON: UTC wall time without a zone. */
const toDate = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`));

/** The assignment columns a patch may set (AssignmentPatch), by their names in the table. */
const ASSIGNMENT_COLUMNS = { state: 1, percent: 1, lastReportedAt: 1, receivedAt: 1, closedAt: 1, unitId: 1, via: 1 } as const;

interface AssignmentRow {
  id: number;
  taskId: number;
  unitId: number;
  role: Assignment['role'];
  state: Assignment['state'];
  percent: number | null;
  lastReportedAt: Date | null;
  receivedAt: Date | null;
  closedAt: Date | null;
}

function selectAssignments(db: Pick<PrismaClient, '$queryRaw'>, taskIds: number[]): Promise<AssignmentRow[]> {
  return db.$queryRaw<AssignmentRow[]>`
    SELECT "id", "taskId", "unitId", "role"::text AS "role", "state"::text AS "state", "percent", "lastReportedAt", "receivedAt", "closedAt"
    FROM "Assignment" WHERE "taskId" = ANY(${taskIds}) ORDER BY "id"`;
}

function toAssignment(a: { id: number; taskId: number; unitId: number; role: Assignment['role']; state: Assignment['state']; percent: number | null; lastReportedAt: Date | null; receivedAt: Date | null; closedAt: Date | null }): Assignment {
  return { id: a.id, taskId: a.taskId, unitId: a.unitId, role: a.role, state: a.state, percent: a.percent, lastReportedAt: a.lastReportedAt, receivedAt: a.receivedAt, closedAt: a.closedAt };
}

function toRequest(r: { id: number; taskId: number; assignmentId: number | null; unitId: number | null; kind: RequestRow['kind']; requestedBy: string; reason: string | null; evidence: string[]; newDeadline: Date | null; createdAt: Date }): RequestRow {
  return { id: r.id, taskId: r.taskId, assignmentId: r.assignmentId, unitId: r.unitId, kind: r.kind, requestedBy: r.requestedBy, reason: r.reason, evidence: r.evidence, newDeadline: isoDate(r.newDeadline), createdAt: r.createdAt };
}
