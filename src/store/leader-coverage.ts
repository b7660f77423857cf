import type { PrismaClient } from '../generated/prisma/client.ts';
import { tasksWithoutLeader } from '../domain/work/index.ts';
import { loadPlanShortNames } from './plan-short-names.ts';

/**
 * Active plans with tasks that reach no leader's digest — no 牵头领导 on the task, no roster leader
 * over the plan (组长, 常务副组长 …), no 分管领导 of its lead or responsible units — one Chinese
 * warning per plan, for `duban import` and `duban doctor`.
 */
export async function leaderCoverageWarnings(prisma: PrismaClient, planIds?: readonly number[]): Promise<string[]> {
  const [tasks, entries, names] = await Promise.all([
    prisma.task.findMany({
      where: { plan: { archivedAt: null }, ...(planIds ? { planId: { in: [...planIds] } } : {}) },
      select: { id: true, planId: true, leaders: { select: { personId: true } }, assignments: { where: { role: { in: ['lead', 'responsible'] } }, select: { unitId: true } } },
    }),
    prisma.oversight.findMany({ select: { personId: true, planId: true, unitId: true } }),
    loadPlanShortNames(prisma),
  ]);
  const uncovered = tasksWithoutLeader(
    tasks.map((t) => ({ id: t.id, planId: t.planId, leaderIds: t.leaders.map((l) => l.personId), dutyUnitIds: t.assignments.map((a) => a.unitId) })),
    entries,
  );
  const total = new Map<number, number>();
  for (const t of tasks) total.set(t.planId, (total.get(t.planId) ?? 0) + 1);
  return [...uncovered].map(([planId, ids]) => {
    const all = total.get(planId) ?? ids.length;
    return `《${names.get(planId) ?? `方案${planId}`}》${ids.length === all ? '全部' : ''}${ids.length}项任务没有对应的领导（无牵头领导、领导小组组长/常务副组长或责任单位的分管领导），周汇总不会送达任何领导：请在通讯录中为责任单位登记分管领导，或在方案中写明牵头领导`;
  });
}
