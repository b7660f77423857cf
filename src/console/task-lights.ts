import { addDays, toLocalDate, weekday, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import { memoCalendar, taskHealth, type Health } from '../domain/health/index.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** The columns one task's light is computed from. */
export const LIGHT_SELECT = {
  id: true, status: true, percent: true, deadline: true, deadlineKind: true, lastReportedAt: true, createdAt: true,
  plan: { select: { issuedOn: true } },
  milestones: { select: { dueOn: true, doneAt: true, text: true } },
} as const satisfies Prisma.TaskSelect;

export type LightRow = Prisma.TaskGetPayload<{ select: typeof LIGHT_SELECT }>;

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Monday of this week: a unit silent since then has not reported this round. */
export const cycleStartOf = (today: LocalDate): LocalDate => addDays(today, -((weekday(today) + 6) % 7));

/**
 * The 红黄绿灯 of stored tasks as of today, by the one rule in domain/health (the reports use it too),
 * from what is cached on Task: the console shows the record as it stands, not a replay.
 */
export function lightsOf(rows: readonly LightRow[], now: Date, calendar: WorkCalendar): Map<number, Health> {
  const today = toLocalDate(now);
  const cal = memoCalendar(calendar);
  const cycleStart = cycleStartOf(today);
  const out = new Map<number, Health>();
  for (const t of rows) {
    const h = taskHealth(
      {
        status: t.status,
        deadline: t.deadlineKind === 'date' && t.deadline ? iso(t.deadline) : null,
        startOn: t.plan.issuedOn ? iso(t.plan.issuedOn) : toLocalDate(t.createdAt),
        percent: t.percent,
        milestones: t.milestones.map((m) => ({ dueOn: m.dueOn ? iso(m.dueOn) : null, text: m.text, doneOn: m.doneAt ? toLocalDate(m.doneAt) : null })),
        lastReportedOn: t.lastReportedAt ? toLocalDate(t.lastReportedAt) : null,
      },
      today,
      cal,
      { cycleStart },
    );
    out.set(t.id, h.health);
  }
  return out;
}

/**
 * The lights of every task matching `where`, read as three flat queries (tasks' scalar columns, the
 * plans' issue dates, the milestones joined by the same filter) — never a 10,000-id IN list.
 */
export async function lightsWhere(prisma: PrismaClient, where: Prisma.TaskWhereInput, now: Date, calendar: WorkCalendar, orderBy?: Prisma.TaskOrderByWithRelationInput[]): Promise<{ ids: number[]; lights: Map<number, Health>; rows: LightRow[] }> {
  const [tasks, plans, milestones] = await Promise.all([
    prisma.task.findMany({ where, select: { id: true, planId: true, status: true, percent: true, deadline: true, deadlineKind: true, lastReportedAt: true, createdAt: true }, ...(orderBy ? { orderBy } : {}) }),
    prisma.plan.findMany({ select: { id: true, issuedOn: true } }),
    prisma.milestone.findMany({ where: { task: where }, select: { taskId: true, dueOn: true, doneAt: true, text: true } }),
  ]);
  const issued = new Map(plans.map((p) => [p.id, p.issuedOn]));
  const byTask = new Map<number, LightRow['milestones']>();
  for (const m of milestones) (byTask.get(m.taskId) ?? byTask.set(m.taskId, []).get(m.taskId)!).push(m);
  const rows: LightRow[] = tasks.map((t) => ({ ...t, plan: { issuedOn: issued.get(t.planId) ?? null }, milestones: byTask.get(t.id) ?? [] }));
  return { ids: tasks.map((t) => t.id), lights: lightsOf(rows, now, calendar), rows };
}
