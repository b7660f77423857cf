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
 * Whether a unit owes a report on this assignment in this round: it is open, not waiting for 销号
 * review (报完成待核 has nothing left to report), of a role the round chases, and the unit has not
 * reported on this very task since the round opened. What it said about its other tasks does not count.
 */
export function owesReport(a: Pick<Assignment, 'state' | 'role' | 'lastReportedAt'>, round: ReportRound): boolean {
  if (!isOpen(a) || a.state === 'reported_done') return false;
  if (!round.roles.includes(a.role)) return false;
  return !(a.lastReportedAt && a.lastReportedAt >= round.since);
}

/** Of these assignments, the ones owed in this round, grouped by unit, in the order given. */
export function whoOwesReport<A extends Pick<Assignment, 'state' | 'role' | 'lastReportedAt' | 'unitId'>>(all: readonly A[], round: ReportRound): Map<number, A[]> {
  const out = new Map<number, A[]>();
  for (const a of all) {
    if (!owesReport(a, round)) continue;
    const list = out.get(a.unitId);
    if (list) list.push(a);
    else out.set(a.unitId, [a]);
  }
  return out;
}

/** Work still to be done: open and not waiting for 销号 review (countdowns and 滞后 reports address only this). */
export function stillToDo(a: Pick<Assignment, 'state'>): boolean {
  return isOpen(a) && a.state !== 'reported_done';
}
