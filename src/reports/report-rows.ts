import type { Assignment, AssignmentRole, AssignmentState } from '../domain/work/index.ts';
import type { TaskStatusValue } from '../domain/health/index.ts';
import type { Db } from '../store/open-database.ts';
import { bulkQuery } from '../store/bulk-sql.ts';

/**
 * The rows the reports are built from, read in a few set-based statements as compact JSON straight
 * from the pool (bulk-sql.ts): 10,000 tasks and 70,000 progress reports through Prisma's row path
 * cost seconds of object building and garbage collection, as JSON arrays a fraction of that. The
 * shapes are exactly what Prisma's findMany returned before, so report-data.ts reads them unchanged.
 */
export interface TaskRow {
  id: number;
  no: string;
  title: string | null;
  text: string;
  deadline: Date | null;
  deadlineKind: string;
  deadlineText: string | null;
  status: TaskStatusValue;
  percent: number | null;
  closedAt: Date | null;
  createdAt: Date;
  planId: number;
  plan: { issuedOn: Date | null };
  milestones: { dueOn: Date | null; text: string; doneAt: Date | null }[];
  units: { role: AssignmentRole; unitId: number | null; ordinal: number; rawName: string }[];
  leaders: { personId: number }[];
}

/** An assignment as reports read it: when it was made, for a report of a past date; 签收 is not read. */
export type AssignmentRow = Omit<Assignment, 'receivedAt'> & { createdAt: Date };

export interface UpdateRow {
  taskId: number;
  unitId: number | null;
  reportedAt: Date;
  text: string;
  percent: number | null;
  status: TaskStatusValue | null;
  problems: string | null;
}

// Times travel as epoch milliseconds (a date column as its UTC midnight, as Prisma reads it).
const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;
const date = (x: number | null): Date | null => (x === null ? null : new Date(x));
const parse = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** Tasks of active plans created before `end`, in plan order, with milestones, printed units and leaders. */
export async function loadTaskRows(prisma: Db, end: Date): Promise<TaskRow[]> {
  type Raw = [number, string, string | null, string, number | null, string, string | null, TaskStatusValue, number | null, number | null, number, number, number | null,
    [number | null, string, number | null][] | null, [AssignmentRole, number | null, number, string][] | null, number[] | null];
  const [row] = await bulkQuery(prisma)<{ j: unknown }>(
    `SELECT json_agg(json_build_array(t."id", t."no", t."title", t."text", ${ms('t."deadline"')}, t."deadlineKind", t."deadlineText", t."status", t."percent",
        ${ms('t."closedAt"')}, ${ms('t."createdAt"')}, t."planId", ${ms('p."issuedOn"')},
        (SELECT json_agg(json_build_array(${ms('m."dueOn"')}, m."text", ${ms('m."doneAt"')}) ORDER BY m."id") FROM "Milestone" m WHERE m."taskId" = t."id"),
        (SELECT json_agg(json_build_array(u."role", u."unitId", u."ordinal", u."rawName") ORDER BY u."ordinal", u."id") FROM "TaskUnit" u WHERE u."taskId" = t."id"),
        (SELECT json_agg(l."personId" ORDER BY l."personId") FROM "TaskLeader" l WHERE l."taskId" = t."id"))
      ORDER BY t."planId", t."seq") AS j
    FROM "Task" t JOIN "Plan" p ON p."id" = t."planId" AND p."archivedAt" IS NULL
    WHERE t."createdAt" < $1::timestamp(3)`,
    [end.toISOString()],
  );
  return (parse<Raw[] | null>(row?.j) ?? []).map(([id, no, title, text, deadline, deadlineKind, deadlineText, status, percent, closedAt, createdAt, planId, issuedOn, ms_, us, ls]) => ({
    id, no, title, text, deadline: date(deadline), deadlineKind, deadlineText, status, percent, closedAt: date(closedAt), createdAt: new Date(createdAt), planId,
    plan: { issuedOn: date(issuedOn) },
    milestones: (ms_ ?? []).map(([dueOn, t, doneAt]) => ({ dueOn: date(dueOn), text: t, doneAt: date(doneAt) })),
    units: (us ?? []).map(([role, unitId, ordinal, rawName]) => ({ role, unitId, ordinal, rawName })),
    leaders: (ls ?? []).map((personId) => ({ personId })),
  }));
}

/** Every unit's part of those tasks, in id order. */
export async function loadAssignmentRows(prisma: Db, end: Date): Promise<AssignmentRow[]> {
  type Raw = [number, number, number, AssignmentRole, AssignmentState, number | null, number | null, number | null, number];
  const [row] = await bulkQuery(prisma)<{ j: unknown }>(
    `SELECT json_agg(json_build_array(a."id", a."taskId", a."unitId", a."role", a."state", a."percent", ${ms('a."lastReportedAt"')}, ${ms('a."closedAt"')}, ${ms('a."createdAt"')}) ORDER BY a."id") AS j
    FROM "Assignment" a JOIN "Task" t ON t."id" = a."taskId" JOIN "Plan" p ON p."id" = t."planId" AND p."archivedAt" IS NULL
    WHERE t."createdAt" < $1::timestamp(3)`,
    [end.toISOString()],
  );
  return (parse<Raw[] | null>(row?.j) ?? []).map(([id, taskId, unitId, role, state, percent, lastReportedAt, closedAt, createdAt]) => ({
    id, taskId, unitId, role, state, percent, lastReportedAt: date(lastReportedAt), closedAt: date(closedAt), createdAt: new Date(createdAt),
  }));
}

/**
 * Progress reports (not receipts) in [from, to), oldest first. `withText` false leaves text and
 * problems out (older reports only decide status, percent and the last report date).
 */
export async function loadUpdateRows(prisma: Db, range: { from?: Date; to: Date }, withText: boolean): Promise<UpdateRow[]> {
  type Raw = [number, number | null, number, number | null, TaskStatusValue | null, string?, (string | null)?];
  const [row] = await bulkQuery(prisma)<{ j: unknown }>(
    `SELECT json_agg(json_build_array(u."taskId", u."unitId", ${ms('u."reportedAt"')}, u."percent", u."status"${withText ? ', u."text", u."problems"' : ''}) ORDER BY u."reportedAt", u."id") AS j
    FROM "ProgressUpdate" u
    WHERE u."kind" <> 'receipt' AND u."reportedAt" < $1::timestamp(3) AND ($2::timestamp(3) IS NULL OR u."reportedAt" >= $2::timestamp(3))`,
    [range.to.toISOString(), range.from?.toISOString() ?? null],
  );
  return (parse<Raw[] | null>(row?.j) ?? []).map(([taskId, unitId, reportedAt, percent, status, text, problems]) => ({
    taskId, unitId, reportedAt: new Date(reportedAt), text: text ?? '', percent, status, problems: problems ?? null,
  }));
}
