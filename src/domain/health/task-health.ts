import type { HealthCalendar } from './memo-calendar.ts';
import { addDays, type LocalDate } from '../calendar/shanghai-time.ts';

/** 红黄绿灯, with finished tasks kept apart so they never count as "on track" or "late". */
export type Health = 'green' | 'yellow' | 'red' | 'done' | 'closed';

export type TaskStatusValue = 'not_started' | 'in_progress' | 'lagging' | 'blocked' | 'done' | 'closed';

export type HealthReason =
  | { kind: 'blocked' }
  | { kind: 'lagging' }
  | { kind: 'overdue'; due: LocalDate; workdaysLate: number }
  | { kind: 'milestone_overdue'; due: LocalDate; text: string; workdaysLate: number }
  | { kind: 'due_soon_behind'; due: LocalDate; what: 'deadline' | 'milestone'; text?: string; workdaysLeft: number; percent: number; expectedPercent: number }
  | { kind: 'no_report'; since: LocalDate };

export interface HealthMilestone {
  dueOn: LocalDate | null;
  text?: string;
  /** The date it was marked done, if it was (on or before the report date). */
  doneOn: LocalDate | null;
}

/** A task as of the report date (status and percent already taken as of that date). */
export interface HealthInput {
  status: TaskStatusValue;
  /** Only a real date deadline; recurring/open/none deadlines are null. */
  deadline: LocalDate | null;
  /** When work started (plan issue date or task creation), for "time elapsed". */
  startOn: LocalDate | null;
  percent: number | null;
  milestones: readonly HealthMilestone[];
  /** The latest report from any unit on or before the report date. */
  lastReportedOn: LocalDate | null;
}

export interface HealthOptions {
  /** A deadline or milestone this many workdays away (or fewer) with progress behind time is at risk. Default 5. */
  warnWorkdays?: number;
  /** First day of the current reporting cycle; no report since then → yellow. Omit to skip the check. */
  cycleStart?: LocalDate;
}

export interface HealthResult {
  health: Health;
  /** Why it is red or yellow, most serious first; empty for green/done/closed. */
  reasons: HealthReason[];
  /** The effective deadline: a deadline on a holiday or weekend moves to the next workday (遇节假日顺延). */
  effectiveDeadline: LocalDate | null;
}

export const DEFAULT_WARN_WORKDAYS = 5;

/**
 * The traffic light of one task on `date`.
 * - done / closed: apart (reported done, or 销号).
 * - red: blocked, or the (effective) deadline or an unfinished milestone's date has passed.
 * - yellow: the nearest deadline or unfinished milestone is within `warnWorkdays` workdays and the
 *   percent done is below the share of workdays elapsed from start to that date; or no report
 *   since `cycleStart` (for a task that started before the cycle).
 * - green: otherwise.
 * A due date on a non-workday counts as due on the next workday, so nothing turns red during 国庆.
 * Only dates near or past `date` are looked up in the calendar, so a deadline in a year without
 * official holiday data does not stop the report.
 */
export function taskHealth(input: HealthInput, date: LocalDate, calendar: HealthCalendar, opts: HealthOptions = {}): HealthResult {
  const warn = opts.warnWorkdays ?? DEFAULT_WARN_WORKDAYS;
  // Dates beyond the warning horizon are neither late nor near, and may lie in a year the calendar
  // does not know yet (plans run into next year): leave them as written rather than ask the calendar.
  const horizon = addDays(date, Math.ceil((warn * 7) / 5) + 21);
  const shift = (d: LocalDate): LocalDate => (d > horizon ? d : calendar.onOrAfter(d));
  const effectiveDeadline = input.deadline ? shift(input.deadline) : null;
  if (input.status === 'closed') return { health: 'closed', reasons: [], effectiveDeadline };
  if (input.status === 'done') return { health: 'done', reasons: [], effectiveDeadline };

  const red: HealthReason[] = [];
  const yellow: HealthReason[] = [];
  if (input.status === 'blocked') red.push({ kind: 'blocked' });
  // A unit that says it is behind is at risk, whatever the dates say.
  if (input.status === 'lagging') yellow.push({ kind: 'lagging' });

  if (effectiveDeadline && effectiveDeadline < date) {
    red.push({ kind: 'overdue', due: effectiveDeadline, workdaysLate: lateness(calendar, effectiveDeadline, date) });
  }
  const openMilestones = input.milestones.filter((m): m is HealthMilestone & { dueOn: LocalDate } => m.dueOn !== null && !(m.doneOn && m.doneOn <= date));
  for (const m of openMilestones) {
    const due = shift(m.dueOn);
    if (due < date) red.push({ kind: 'milestone_overdue', due, text: m.text ?? '', workdaysLate: lateness(calendar, due, date) });
  }

  // The nearest date still ahead (today included): deadline or an open milestone.
  const ahead: Array<{ due: LocalDate; what: 'deadline' | 'milestone'; text?: string }> = [];
  if (effectiveDeadline && effectiveDeadline >= date) ahead.push({ due: effectiveDeadline, what: 'deadline' });
  for (const m of openMilestones) {
    const due = shift(m.dueOn);
    if (due >= date) ahead.push({ due, what: 'milestone', ...(m.text ? { text: m.text } : {}) });
  }
  ahead.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.what === 'milestone' ? -1 : 1));
  const next = ahead[0];
  if (next && next.due <= horizon) {
    const workdaysLeft = calendar.workdaysBetween(date, next.due);
    if (workdaysLeft <= warn) {
      const percent = input.percent ?? 0;
      const expectedPercent = expectedByNow(calendar, input.startOn, date, next.due);
      if (percent < expectedPercent) {
        yellow.push({ kind: 'due_soon_behind', due: next.due, what: next.what, ...(next.text ? { text: next.text } : {}), workdaysLeft, percent, expectedPercent });
      }
    }
  }

  if (opts.cycleStart && !(input.startOn && input.startOn > opts.cycleStart) && !(input.lastReportedOn && input.lastReportedOn >= opts.cycleStart)) {
    yellow.push({ kind: 'no_report', since: opts.cycleStart });
  }

  if (red.length) return { health: 'red', reasons: [...red, ...yellow], effectiveDeadline };
  if (yellow.length) return { health: 'yellow', reasons: yellow, effectiveDeadline };
  return { health: 'green', reasons: [], effectiveDeadline };
}

/** Workdays late, at least 1 (a due date passed over a holiday is still one day late). */
function lateness(calendar: HealthCalendar, due: LocalDate, date: LocalDate): number {
  return Math.max(1, calendar.workdaysBetween(due, date));
}

/**
 * The percent a task should have reached by `date` if work were spread evenly over the workdays
 * from start to due. Without a start date nothing can be apportioned, so anything short of done is behind.
 */
export function expectedByNow(calendar: HealthCalendar, startOn: LocalDate | null, date: LocalDate, due: LocalDate): number {
  if (!startOn || startOn >= due) return 100;
  const total = calendar.workdaysBetween(startOn, due);
  if (total <= 0) return 100;
  const elapsed = Math.max(0, calendar.workdaysBetween(startOn, date));
  return Math.min(100, Math.round((elapsed / total) * 100));
}
