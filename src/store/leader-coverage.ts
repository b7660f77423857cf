import type { PrismaClient } from '../generated/prisma/client.ts';
import { rosterOverseesPlan } from '../domain/plan/roster.ts';
import type { ParsedPlan } from '../domain/plan/plan-types.ts';
import { planShortName, tasksWithoutLeader } from '../domain/work/index.ts';
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
  return [...uncovered].map(([planId, ids]) => coverageWarning(names.get(planId) ?? `方案${planId}`, ids.length, total.get(planId) ?? ids.length));
}

function coverageWarning(short: string, uncovered: number, all: number): string {
  return `《${short}》${uncovered === all ? '全部' : ''}${uncovered}项任务没有对应的领导（无牵头领导、领导小组组长/常务副组长或责任单位的分管领导），周汇总不会送达任何领导：请在通讯录中为责任单位登记分管领导，或在方案中写明牵头领导`;
}

/**
 * The same warning for a plan not yet saved (the console's preview): its tasks' 牵头领导 and its
 * roster as the document gives them, its duty units' 分管领导 as the people directory has them.
 */
export async function planLeaderCoverageWarning(prisma: PrismaClient, plan: ParsedPlan): Promise<string | null> {
  const [units, entries] = await Promise.all([
    prisma.unit.findMany({ select: { id: true, name: true } }),
    prisma.oversight.findMany({ where: { unitId: { not: null } }, select: { personId: true, planId: true, unitId: true } }),
  ]);
  const unitId = new Map(units.map((u) => [u.name, u.id]));
  const PLAN = 0;
  const NAMED_LEADER = -1;
  const ROSTER = -2;
  const tasks = plan.tasks.map((t, i) => ({
    id: i,
    planId: PLAN,
    leaderIds: t.leaders.length ? [NAMED_LEADER] : [],
    dutyUnitIds: t.units
      .filter((u) => u.role !== 'participating')
      .flatMap((u) => (u.resolved ? [u.resolved.name] : (u.expandsTo ?? [])))
      .flatMap((name) => unitId.get(name) ?? []),
  }));
  const roster = plan.roster.some((r) => rosterOverseesPlan(r.role)) ? [{ personId: ROSTER, planId: PLAN, unitId: null }] : [];
  const uncovered = tasksWithoutLeader(tasks, [...entries, ...roster]).get(PLAN) ?? [];
  return uncovered.length ? coverageWarning(planShortName(plan.title), uncovered.length, tasks.length) : null;
}
