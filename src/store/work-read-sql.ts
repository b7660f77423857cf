import { uniqueShortNames, type Assignment, type TaskState } from '../domain/work/index.ts';
import type { TaskInfo, WorkItem } from '../ports/work-store.ts';

/**
 * The open work of some units as one JSON column, driven from the units' assignments (by the
 * `unitId` index) with each task fetched by its key: cost follows the units' own work, never the
 * plan's size. Left to the planner, the natural join walked every task of the plan whenever the
 * tables' statistics were stale (right after a plan import: 3 ms at 1k tasks, 17 ms at 20k).
 *
 * `units` is an SQL expression yielding int[]; `$withClosed` / `$withParts` are booleans.
 */
export function workJsonSql(units: string, withClosed: string, withParts: string): string {
  return `(SELECT json_agg(r ORDER BY r."planId", r."seq") FROM (
      SELECT a."id", a."taskId", a."unitId", a."role", a."state", a."percent", a."lastReportedAt", a."receivedAt", a."closedAt", t."planId", t."seq",
        json_build_object('id', t."id", 'planId', t."planId", 'no', t."no", 'title', t."title", 'text', t."text", 'deadline', t."deadline",
          'deadlineKind', t."deadlineKind", 'deadlineText', t."deadlineText", 'status', t."status", 'percent', t."percent") AS "task",
        CASE WHEN ${withParts} THEN (SELECT json_agg(json_build_object('id', s."id", 'taskId', s."taskId", 'unitId', s."unitId", 'role', s."role", 'state', s."state",
          'percent', s."percent", 'lastReportedAt', s."lastReportedAt", 'receivedAt', s."receivedAt", 'closedAt', s."closedAt") ORDER BY s."id")
          FROM "Assignment" s WHERE s."taskId" = a."taskId") END AS "parts"
      FROM (SELECT * FROM "Assignment" x WHERE x."unitId" = ANY(${units}) AND (${withClosed} OR x."state" <> 'closed') OFFSET 0) a
      CROSS JOIN LATERAL (SELECT t.* FROM "Task" t JOIN "Plan" p ON p."id" = t."planId" WHERE t."id" = a."taskId" AND p."archivedAt" IS NULL OFFSET 0) t) r)`;
}

/** The active plans (for their unique short names), as one JSON column. */
export const PLANS_JSON_SQL = `(SELECT json_agg(json_build_object('id', p."id", 'title', p."title", 'shortName', p."shortName", 'year', p."year") ORDER BY p."id")
  FROM "Plan" p WHERE p."archivedAt" IS NULL)`;

export interface PlanNameRow {
  id: number;
  title: string;
  shortName: string | null;
  year: number | null;
}

export interface TaskRow {
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

export interface AssignmentRow {
  id: number;
  taskId: number;
  unitId: number;
  role: Assignment['role'];
  state: Assignment['state'];
  percent: number | null;
  lastReportedAt: Date | string | null;
  receivedAt: Date | string | null;
  closedAt: Date | string | null;
}

type WorkRow = AssignmentRow & { task: TaskRow; parts: AssignmentRow[] | null };

export const isoDate = (d: Date | string | null): string | null => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

/** A timestamp(3) column read through JSON: UTC wall time without a zone. */
export const toDate = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`));

export function toAssignment(a: AssignmentRow): Assignment {
  return {
    id: a.id, taskId: a.taskId, unitId: a.unitId, role: a.role, state: a.state, percent: a.percent,
    lastReportedAt: toDate(a.lastReportedAt), receivedAt: toDate(a.receivedAt), closedAt: toDate(a.closedAt),
  };
}

export function toTaskInfo(t: TaskRow, names: Map<number, string>): TaskInfo {
  return {
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
  };
}

/** The JSON columns of workJsonSql and PLANS_JSON_SQL as work items. */
export function toWorkItems(plans: PlanNameRow[] | null, rows: WorkRow[] | null): WorkItem[] {
  const names = uniqueShortNames(plans ?? []);
  return (rows ?? []).map((r): WorkItem => ({
    assignment: toAssignment(r),
    task: toTaskInfo(r.task, names),
    ...(r.parts ? { taskParts: r.parts.map(toAssignment) } : {}),
  }));
}
