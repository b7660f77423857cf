import type { Prisma } from '../generated/prisma/client.ts';
import type { ParsedTask } from '../domain/plan/plan-types.ts';
import { assignmentsFromUnits, type NamedUnit } from '../domain/work/index.ts';

type Tx = Prisma.TransactionClient;

export interface AssignmentSyncReport {
  created: number;
  updated: number;
  removed: number;
  /** Collective phrases and how many units each reached, once per phrase. */
  collectives: Map<string, number>;
}

/**
 * Makes each task's assignments (one per unit, see domain/work) match the units the document names,
 * collectives expanded to the directory units they stand for. State, percent and reports of an
 * assignment that stays are untouched; one the document no longer names is removed only while it
 * has no history (a unit that already reported keeps its record).
 */
export async function syncAssignments(tx: Tx, tasks: readonly ParsedTask[], taskIds: ReadonlyMap<string, number>, unitIds: ReadonlyMap<string, number>): Promise<AssignmentSyncReport> {
  const expandedNames = new Set(tasks.flatMap((t) => t.units.flatMap((u) => expandsTo(u))).filter((n) => !unitIds.has(n)));
  const ids = new Map(unitIds);
  if (expandedNames.size) for (const u of await tx.unit.findMany({ where: { name: { in: [...expandedNames] } }, select: { id: true, name: true } })) ids.set(u.name, u.id);

  const report: AssignmentSyncReport = { created: 0, updated: 0, removed: 0, collectives: new Map() };
  const desired = new Map<number, ReturnType<typeof assignmentsFromUnits>>();
  for (const t of tasks) {
    const taskId = taskIds.get(t.no);
    if (taskId === undefined || desired.has(taskId)) continue;
    const named: NamedUnit[] = t.units.map((u) => {
      const members = expandsTo(u).map((n) => ids.get(n)).filter((id): id is number => id !== undefined);
      if (u.collective) report.collectives.set(u.rawName, members.length);
      return {
        role: u.role,
        unitId: u.resolved ? (ids.get(u.resolved.name) ?? null) : null,
        ...(u.collective ? { collective: { phrase: u.rawName, unitIds: members } } : {}),
      };
    });
    desired.set(taskId, assignmentsFromUnits(named));
  }
  const existing = await tx.assignment.findMany({ where: { taskId: { in: [...desired.keys()] } } });
  const byKey = new Map(existing.map((a) => [`${a.taskId}:${a.unitId}`, a]));
  // A 转办 outranks the document: the unit it moved from does not get its part back on re-import,
  // and the unit it moved to keeps it.
  const movedAway = new Set(
    (await tx.taskRequest.findMany({ where: { kind: 'transfer', status: 'approved', taskId: { in: [...desired.keys()] } }, select: { taskId: true, unitId: true } })).map((r) => `${r.taskId}:${r.unitId}`),
  );
  for (const [taskId, specs] of desired) desired.set(taskId, specs.filter((s) => !movedAway.has(`${taskId}:${s.unitId}`)));
  const create: Prisma.AssignmentCreateManyInput[] = [];
  for (const [taskId, specs] of desired) {
    for (const s of specs) {
      const prev = byKey.get(`${taskId}:${s.unitId}`);
      if (!prev) create.push({ taskId, unitId: s.unitId, role: s.role, via: s.via });
      else {
        byKey.delete(`${taskId}:${s.unitId}`);
        if (prev.role !== s.role || prev.via !== s.via) {
          await tx.assignment.update({ where: { id: prev.id }, data: { role: s.role, via: s.via } });
          report.updated++;
        }
      }
    }
  }
  if (create.length) report.created = (await tx.assignment.createMany({ data: create, skipDuplicates: true })).count;
  // Parts a 转办 or a leader's 批示 gave a unit are not the document's to take away.
  const gone = [...byKey.values()].filter((a) => !a.via?.startsWith('转办') && !a.via?.startsWith('领导批示'));
  const stale = gone.filter((a) => a.state === 'not_started' && !a.lastReportedAt && !a.receivedAt).map((a) => a.id);
  if (stale.length) report.removed = (await tx.assignment.deleteMany({ where: { id: { in: stale } } })).count;
  // A unit the document no longer names but that has reported keeps its record, as a participant:
  // not chased, not holding the task open.
  const retired = gone.filter((a) => !stale.includes(a.id) && (a.role !== 'participating' || a.via !== '方案已不再列出')).map((a) => a.id);
  if (retired.length) await tx.assignment.updateMany({ where: { id: { in: retired } }, data: { role: 'participating', via: '方案已不再列出' } });
  return report;
}

/** Directory unit names a collective entry stands for (filled by resolvePlanUnits). */
function expandsTo(u: ParsedTask['units'][number]): readonly string[] {
  return u.expandsTo ?? [];
}
