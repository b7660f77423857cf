import type { ParsedTask } from '../domain/plan/plan-types.ts';
import { assignmentsFromUnits, type NamedUnit } from '../domain/work/index.ts';
import type { PlanWrites, StoredAssignment } from './bulk-write.ts';

export interface AssignmentSyncReport {
  created: number;
  updated: number;
  removed: number;
  /** Collective phrases and how many units each reached, once per phrase. */
  collectives: Map<string, number>;
}

/** Directory unit names the tasks' collectives expand to (filled by resolvePlanUnits): their ids are looked up with the plan's units. */
export function collectiveMembers(tasks: readonly ParsedTask[]): string[] {
  return [...new Set(tasks.flatMap((t) => t.units.flatMap((u) => u.expandsTo ?? [])))];
}

/**
 * What makes each task's assignments (one per unit, see domain/work) match the units the document
 * names, collectives expanded to the directory units they stand for. State, percent and reports of
 * an assignment that stays are untouched; one the document no longer names is removed only while
 * it has no history (a unit that already reported keeps its record). Pure: `stored` is what the
 * database holds for these tasks, `movedAway` the approved 转办 (`taskId:unitId`).
 */
export function diffAssignments(
  tasks: readonly ParsedTask[],
  taskIds: ReadonlyMap<string, number>,
  unitIds: ReadonlyMap<string, number>,
  stored: readonly StoredAssignment[],
  movedAway: ReadonlySet<string>,
): { writes: PlanWrites['assignments']; report: AssignmentSyncReport } {
  const report: AssignmentSyncReport = { created: 0, updated: 0, removed: 0, collectives: new Map() };
  const desired = new Map<number, ReturnType<typeof assignmentsFromUnits>>();
  for (const t of tasks) {
    const taskId = taskIds.get(t.no);
    if (taskId === undefined || desired.has(taskId)) continue;
    const named: NamedUnit[] = t.units.map((u) => {
      const members = (u.expandsTo ?? []).map((n) => unitIds.get(n)).filter((id): id is number => id !== undefined);
      if (u.collective) report.collectives.set(u.rawName, members.length);
      return {
        role: u.role,
        unitId: u.resolved ? (unitIds.get(u.resolved.name) ?? null) : null,
        ...(u.collective ? { collective: { phrase: u.rawName, unitIds: members } } : {}),
      };
    });
    // A 转办 outranks the document: the unit it moved from does not get its part back on re-import,
    // and the unit it moved to keeps it.
    desired.set(taskId, assignmentsFromUnits(named).filter((s) => !movedAway.has(`${taskId}:${s.unitId}`)));
  }
  const byKey = new Map(stored.filter((a) => desired.has(a.taskId)).map((a) => [`${a.taskId}:${a.unitId}`, a]));
  const writes: PlanWrites['assignments'] = { insert: [], update: [], delete: [], retire: [] };
  for (const [taskId, specs] of desired) {
    for (const s of specs) {
      const prev = byKey.get(`${taskId}:${s.unitId}`);
      if (!prev) writes.insert.push({ taskId, unitId: s.unitId, role: s.role, via: s.via });
      else {
        byKey.delete(`${taskId}:${s.unitId}`);
        if (prev.role !== s.role || prev.via !== s.via) writes.update.push({ id: prev.id, role: s.role, via: s.via });
      }
    }
  }
  report.updated = writes.update.length;
  // Parts a 转办 or a leader's 批示 gave a unit are not the document's to take away.
  const gone = [...byKey.values()].filter((a) => !a.via?.startsWith('转办') && !a.via?.startsWith('领导批示'));
  const stale = new Set(gone.filter((a) => a.state === 'not_started' && !a.reported && !a.received).map((a) => a.id));
  writes.delete = [...stale];
  // A unit the document no longer names but that has reported keeps its record, as a participant:
  // not chased, not holding the task open.
  writes.retire = gone.filter((a) => !stale.has(a.id) && (a.role !== 'participating' || a.via !== '方案已不再列出')).map((a) => a.id);
  return { writes, report };
}
