import { isOpen } from './assignment-state.ts';
import type { Assignment, AssignmentRole } from './work-types.ts';

export interface ReportRound {
  /** When the round opened: a report at or after this counts for it. */
  since: Date;
  /** Roles the cadence chases (by default lead and responsible units). */
  roles: readonly AssignmentRole[];
}

export const DEFAULT_REPORTING_ROLES: readonly AssignmentRole[] = ['lead', 'responsible'];

/**
 * A part that is chased for reports at all: still to do (open, not waiting for 销号 review — 报完成待核
 * has nothing left to report) and of a role the round chases.
 */
export function isReportingPart(a: Pick<Assignment, 'state' | 'role'>, roles: readonly AssignmentRole[] = DEFAULT_REPORTING_ROLES): boolean {
  return stillToDo(a) && roles.includes(a.role);
}

/**
 * Whether a unit owes a report on this assignment in this round: a reporting part on which the unit
 * has not reported since the round opened. What it said about its other tasks does not count.
 * A leader's 批示 on the task that the unit has not answered yet (`instructedAt`, the oldest such)
 * makes it owe one too, whatever its role and whenever the round opened, until it answers.
 */
export function owesReport(a: Pick<Assignment, 'state' | 'role' | 'lastReportedAt'> & { instructedAt?: Date | null }, round: ReportRound): boolean {
  if (a.instructedAt && stillToDo(a) && !(a.lastReportedAt && a.lastReportedAt >= a.instructedAt)) return true;
  return isReportingPart(a, round.roles) && !(a.lastReportedAt && a.lastReportedAt >= round.since);
}

type Part = Pick<Assignment, 'state' | 'role' | 'lastReportedAt' | 'unitId'> & { instructedAt?: Date | null };

/** Of these items (assignments, or things carrying one), the ones owed in this round, grouped by unit, in the order given. */
export function whoOwesReport<T extends Part>(all: readonly T[], round: ReportRound): Map<number, T[]>;
export function whoOwesReport<T>(all: readonly T[], round: ReportRound, partOf: (item: T) => Part): Map<number, T[]>;
export function whoOwesReport<T>(all: readonly T[], round: ReportRound, partOf: (item: T) => Part = (x) => x as Part): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of all) {
    const a = partOf(item);
    if (!owesReport(a, round)) continue;
    const list = out.get(a.unitId);
    if (list) list.push(item);
    else out.set(a.unitId, [item]);
  }
  return out;
}

/** Work still to be done: open and not waiting for 销号 review (countdowns and 滞后 reports address only this). */
export function stillToDo(a: Pick<Assignment, 'state'>): boolean {
  return isOpen(a) && a.state !== 'reported_done';
}
