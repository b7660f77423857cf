import type { Assignment, AssignmentPatch } from './work-types.ts';

export type RequestKind = 'close' | 'extension' | 'transfer';

/**
 * An admin's 复核 (approve) or 退办 (return) of a unit's request, as a change to that unit's
 * assignment only. Approving 销号 closes this assignment; whether the task closes follows from
 * `deriveTask`. Returning a completion claim puts the work back 推进中.
 */
export function decideRequest(
  a: Pick<Assignment, 'state' | 'percent'>,
  req: { kind: RequestKind },
  approve: boolean,
  at: Date,
): AssignmentPatch {
  if (req.kind !== 'close') return {};
  if (approve) return { state: 'closed', closedAt: at, percent: 100 };
  return a.state === 'reported_done' ? { state: 'in_progress', percent: a.percent === 100 ? null : a.percent } : {};
}
