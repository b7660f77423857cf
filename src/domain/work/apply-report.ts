import { isOpen } from './assignment-state.ts';
import type { Assignment, AssignmentPatch, AssignmentState } from './work-types.ts';

/** What a reply says about one task, as the reply reader gives it. */
export interface ReportFacts {
  percent: number | null;
  status: 'not_started' | 'in_progress' | 'lagging' | 'blocked' | 'done' | null;
}

export interface ReportOutcome {
  patch: AssignmentPatch;
  /** The unit says the task is complete: it waits for 销号 review, and the unit is asked for evidence. */
  completionClaimed: boolean;
}

/**
 * A unit's report on its own assignment. Completion (done, or 100%) is only ever a claim: it puts
 * the assignment in 报完成待核 and nothing closes without an admin's 复核. A 销号 assignment is not
 * reopened by a report; call this only for open assignments.
 */
export function applyReport(a: Pick<Assignment, 'state' | 'percent'>, facts: ReportFacts, at: Date): ReportOutcome {
  if (!isOpen(a)) return { patch: { lastReportedAt: at }, completionClaimed: false };
  const claimsDone = facts.status === 'done' || facts.percent === 100;
  let state: AssignmentState | undefined;
  if (claimsDone) state = 'reported_done';
  else if (facts.status && facts.status !== 'done') state = facts.status;
  // A bare percent says work is moving; it does not clear a 滞后/受阻 the unit reported before.
  else if (facts.percent !== null && facts.percent > 0) state = a.state === 'not_started' || a.state === 'reported_done' ? 'in_progress' : a.state;
  const patch: AssignmentPatch = { lastReportedAt: at };
  if (state && state !== a.state) patch.state = state;
  if (facts.percent !== null) patch.percent = facts.percent;
  return { patch, completionClaimed: claimsDone && a.state !== 'reported_done' };
}

/** 收到 / 已阅 to a reminder: 签收, which is not a progress report. */
export function applyReceipt(at: Date): AssignmentPatch {
  return { receivedAt: at };
}
