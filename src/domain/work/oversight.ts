/** Who oversees a task, and so whose digest it goes in. */

export interface OversightEntry {
  personId: number;
  /** The whole plan (a roster's 组长, 常务副组长). */
  planId: number | null;
  /** The tasks this unit leads or is responsible for (its 分管领导 / 挂点领导). */
  unitId: number | null;
}

export interface OverseenTask {
  id: number;
  planId: number;
  /** The task's own 牵头领导. */
  leaderIds: readonly number[];
  /** Its lead and responsible units (participating units do not make a task a leader's). */
  dutyUnitIds: readonly number[];
}

/**
 * The tasks each leader oversees: those they lead (牵头领导), those of plans whose roster puts them
 * over the whole plan, and those a unit they 分管 leads or is responsible for. By person, task ids in
 * the order given.
 */
export function tasksOverseen(tasks: readonly OverseenTask[], entries: readonly OversightEntry[]): Map<number, number[]> {
  const byPlan = new Map<number, number[]>();
  const byUnit = new Map<number, number[]>();
  for (const e of entries) {
    if (e.planId !== null && e.unitId === null) byPlan.set(e.planId, [...(byPlan.get(e.planId) ?? []), e.personId]);
    else if (e.unitId !== null) byUnit.set(e.unitId, [...(byUnit.get(e.unitId) ?? []), e.personId]);
  }
  const out = new Map<number, number[]>();
  for (const t of tasks) {
    const who = new Set([...t.leaderIds, ...(byPlan.get(t.planId) ?? []), ...t.dutyUnitIds.flatMap((u) => byUnit.get(u) ?? [])]);
    for (const p of who) out.set(p, [...(out.get(p) ?? []), t.id]);
  }
  return out;
}

/** Plans some of whose tasks reach no leader at all: nobody would read about them. By plan, the task ids left out. */
export function tasksWithoutLeader(tasks: readonly OverseenTask[], entries: readonly OversightEntry[]): Map<number, number[]> {
  const covered = new Set([...tasksOverseen(tasks, entries).values()].flat());
  const out = new Map<number, number[]>();
  for (const t of tasks) if (!covered.has(t.id)) out.set(t.planId, [...(out.get(t.planId) ?? []), t.id]);
  return out;
}
