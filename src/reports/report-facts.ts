import type { LocalDate } from '../domain/calendar/shanghai-time.ts';
import type { TaskStatusValue } from '../domain/health/index.ts';
import { isReportingPart, TASK_STATE_LABEL, taskStillToDo } from '../domain/work/index.ts';
import type { ReportTask, ReportUnitRef, ReportUpdate } from './report-data.ts';

export const STATUS_LABEL: Record<TaskStatusValue, string> = TASK_STATE_LABEL;

export const isActive = (t: ReportTask): boolean => taskStillToDo(t.status);

export const isOverdue = (t: ReportTask): boolean => t.health.reasons.some((r) => r.kind === 'overdue' || r.kind === 'milestone_overdue');

/** A lagging task for the agenda: red, or at risk of missing a date (not merely silent). */
export const isLagging = (t: ReportTask): boolean => t.health.health === 'red' || t.health.reasons.some((r) => r.kind === 'due_soon_behind');

export interface RaisedProblem {
  unit: ReportUnitRef | null;
  reportedOn: LocalDate;
  problems: string;
}

/**
 * Problems still open on an active task: each unit's latest report since `since`, when that latest
 * report names a problem (a later report without one means it was resolved).
 */
export function openProblems(task: ReportTask, since: LocalDate, units: Map<number, ReportUnitRef>): RaisedProblem[] {
  if (!isActive(task)) return [];
  const latest = new Map<number | null, ReportUpdate>();
  for (const u of task.updates) if (u.reportedOn >= since) latest.set(u.unitId, u);
  const out: RaisedProblem[] = [];
  for (const u of latest.values()) {
    const p = u.problems?.trim();
    if (p) out.push({ unit: u.unitId === null ? null : (units.get(u.unitId) ?? null), reportedOn: u.reportedOn, problems: p });
  }
  return out;
}

export interface StatusChange {
  unitId: number | null;
  on: LocalDate;
  from: TaskStatusValue;
  to: TaskStatusValue;
}

/** Status changes reported within [from, to]; before any report a task counts as 未启动. */
export function statusChanges(task: ReportTask, from: LocalDate, to: LocalDate): StatusChange[] {
  let current: TaskStatusValue = 'not_started';
  const out: StatusChange[] = [];
  for (const u of task.updates) {
    // Reporting progress without a status implies work has started; that is no change to report.
    if (!u.status && current === 'not_started' && (u.percent ?? 0) > 0) current = 'in_progress';
    if (!u.status || u.status === current) continue;
    if (u.reportedOn >= from && u.reportedOn <= to) out.push({ unitId: u.unitId, on: u.reportedOn, from: current, to: u.status });
    current = u.status;
  }
  return out;
}

/**
 * Units that owe a report on a task and made none on it in [since, date]; unit → tasks. Per
 * assignment: a unit's report on one task does not cover its others, and a unit whose own part is
 * 销号 or 报完成待核 owes nothing on it. A task imported during the week counts too: its units have
 * not reported since the round began, which is what the task's own light says (以来未报送进展), so
 * the digest must not call them 已报送.
 */
export function unreportedUnits(tasks: readonly ReportTask[], since: LocalDate): Map<number, { unit: ReportUnitRef; tasks: ReportTask[] }> {
  const out = new Map<number, { unit: ReportUnitRef; tasks: ReportTask[] }>();
  for (const t of tasks) {
    if (!isActive(t)) continue;
    const reported = new Set(t.updates.filter((u) => u.reportedOn >= since).map((u) => u.unitId));
    for (const a of t.assignments) {
      if (!isReportingPart(a) || reported.has(a.unit.id)) continue;
      const e = out.get(a.unit.id) ?? { unit: a.unit, tasks: [] };
      e.tasks.push(t);
      out.set(a.unit.id, e);
    }
  }
  return out;
}

/** 11月27日 */
export const cnDate = (d: LocalDate): string => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
/** 2026年11月27日 */
export const cnFullDate = (d: LocalDate): string => `${d.slice(0, 4)}年${cnDate(d)}`;

export const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;

export const truncate = (s: string, n: number): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};
