import type { Assignment, AssignmentRole, AssignmentState, DerivedTask, TaskState } from './work-types.ts';

export const ASSIGNMENT_STATE_LABEL: Record<AssignmentState, string> = {
  not_started: '未启动',
  in_progress: '推进中',
  lagging: '滞后',
  blocked: '受阻',
  reported_done: '报完成待核',
  closed: '已销号',
};

export const TASK_STATE_LABEL: Record<TaskState, string> = {
  not_started: '未启动',
  in_progress: '推进中',
  lagging: '滞后',
  blocked: '受阻',
  done: '报完成待核',
  closed: '已销号',
};

const ROLE_RANK: Record<AssignmentRole, number> = { lead: 0, responsible: 1, participating: 2 };

/** The stronger of two roles (a unit named both 牵头 and 参加 on one task is its 牵头单位). */
export function strongerRole(a: AssignmentRole, b: AssignmentRole): AssignmentRole {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

/** Open = not yet 销号. The one definition: every list of "open" work in chat, engine and reports uses it. */
export function isOpen(a: Pick<Assignment, 'state'>): boolean {
  return a.state !== 'closed';
}

/** Open task states (for SQL filters that mirror `isOpen` on the task's derived state). */
export const OPEN_TASK_STATES: readonly TaskState[] = ['not_started', 'in_progress', 'lagging', 'blocked', 'done'];

export function isTaskOpen(t: { state: TaskState } | { status: TaskState }): boolean {
  return ('state' in t ? t.state : t.status) !== 'closed';
}

/**
 * The assignments that hold a task open: its lead units; with no lead, its responsible units; with
 * neither, whoever is named. Participating units report but do not hold a task open.
 */
export function holdingAssignments<A extends Pick<Assignment, 'role'>>(all: readonly A[]): A[] {
  const lead = all.filter((a) => a.role === 'lead');
  if (lead.length) return lead;
  const responsible = all.filter((a) => a.role === 'responsible');
  return responsible.length ? responsible : [...all];
}

/**
 * The task's state, by one rule: closed when every holding assignment is closed; otherwise the
 * worst open holding state (受阻 > 滞后 > 推进中 > 未启动), and 报完成待核 only when every open
 * holding assignment reported completion. Percent is the mean over holders (closed and reported
 * complete count 100), null until someone gave one. A task no unit is assigned keeps `fallback`.
 */
export function deriveTask(all: readonly Assignment[], fallback: DerivedTask): DerivedTask {
  const holders = holdingAssignments(all);
  if (!holders.length) return fallback;
  const open = holders.filter(isOpen);
  const closedAt = open.length ? null : holders.reduce<Date | null>((m, a) => (a.closedAt && (!m || a.closedAt > m) ? a.closedAt : m), null);
  const given = holders.filter((a) => a.percent !== null || a.state === 'closed' || a.state === 'reported_done');
  const percent = given.length ? Math.round(holders.reduce((s, a) => s + partPercent(a), 0) / holders.length) : null;
  return { state: taskStateOf(open), percent, closedAt };
}

/** How far one unit's part is, for averages: 销号 and 报完成待核 count as 100, no figure as 0. */
export function partPercent(a: Pick<Assignment, 'state' | 'percent'>): number {
  return a.state === 'closed' || a.state === 'reported_done' ? 100 : (a.percent ?? 0);
}

function taskStateOf(open: readonly Pick<Assignment, 'state'>[]): TaskState {
  if (!open.length) return 'closed';
  const has = (s: AssignmentState) => open.some((a) => a.state === s);
  if (has('blocked')) return 'blocked';
  if (has('lagging')) return 'lagging';
  if (open.every((a) => a.state === 'reported_done')) return 'done';
  if (has('in_progress') || has('reported_done')) return 'in_progress';
  return 'not_started';
}

/** The task's derived state after some of its assignments change (the patches by assignment id). */
export function deriveAfter(all: readonly Assignment[], patches: ReadonlyMap<number, Partial<Assignment>>, fallback: DerivedTask): DerivedTask {
  return deriveTask(all.map((a) => ({ ...a, ...(patches.get(a.id) ?? {}) })), fallback);
}

/** A task still being worked on: neither reported complete (awaiting 销号) nor closed. */
export function taskStillToDo(state: TaskState): boolean {
  return state !== 'done' && state !== 'closed';
}

/**
 * When a task closes (all its holding parts 销号), the parts that did not hold it open — responsible
 * units under a lead, participating units — close with it: the work is done, nobody is chased for
 * it any more. Returns the extra patches, by assignment id.
 */
export function closeWithTask(all: readonly Assignment[], patches: ReadonlyMap<number, Partial<Assignment>>, derived: DerivedTask, at: Date): Map<number, Partial<Assignment>> {
  const out = new Map<number, Partial<Assignment>>();
  if (derived.state !== 'closed') return out;
  for (const a of all) {
    const now = { ...a, ...(patches.get(a.id) ?? {}) };
    if (isOpen(now)) out.set(a.id, { state: 'closed', closedAt: at });
  }
  return out;
}
