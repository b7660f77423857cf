import { addDays, toLocalDate, weekday, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import { memoCalendar, taskHealth, type Health, type HealthCalendar } from '../domain/health/index.ts';
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

/** What one task's light is computed from, as local dates (the compact form the set query returns). */
export interface LightInput {
  id: number;
  status: LightRow['status'];
  percent: number | null;
  /** Only a real date deadline. */
  deadline: string | null;
  startOn: string | null;
  lastOn: string | null;
  milestones: { dueOn: string | null; doneOn: string | null; text?: string }[];
}

// The calendar is loaded once per process, so its answers hold for every request: one memo per
// calendar and day, and a request does not start by walking the calendar again for every deadline.
const memos = new WeakMap<WorkCalendar, { day: LocalDate; cal: HealthCalendar }>();
function dayMemo(calendar: WorkCalendar, today: LocalDate): HealthCalendar {
  let m = memos.get(calendar);
  if (!m || m.day !== today) memos.set(calendar, (m = { day: today, cal: memoCalendar(calendar) }));
  return m.cal;
}

/** The one way the console turns the record into a light: the pure rule of domain/health, as of today. */
function lightRule(now: Date, calendar: WorkCalendar): (t: LightInput) => Health {
  const today = toLocalDate(now);
  const cal = dayMemo(calendar, today);
  const cycleStart = cycleStartOf(today);
  return (t) => taskHealth({ status: t.status, deadline: t.deadline, startOn: t.startOn, percent: t.percent, milestones: t.milestones, lastReportedOn: t.lastOn }, today, cal, { cycleStart }).health;
}

/**
 * The 红黄绿灯 of stored tasks as of today, by the one rule in domain/health (the reports use it too),
 * from what is cached on Task: the console shows the record as it stands, not a replay.
 */
export function lightsOf(rows: readonly LightRow[], now: Date, calendar: WorkCalendar): Map<number, Health> {
  const rule = lightRule(now, calendar);
  return new Map(
    rows.map((t) => [
      t.id,
      rule({
        id: t.id, status: t.status, percent: t.percent,
        deadline: t.deadlineKind === 'date' && t.deadline ? iso(t.deadline) : null,
        startOn: t.plan.issuedOn ? iso(t.plan.issuedOn) : toLocalDate(t.createdAt),
        lastOn: t.lastReportedAt ? toLocalDate(t.lastReportedAt) : null,
        milestones: t.milestones.map((m) => ({ dueOn: m.dueOn ? iso(m.dueOn) : null, text: m.text, doneOn: m.doneAt ? toLocalDate(m.doneAt) : null })),
      }),
    ]),
  );
}

/**
 * The light inputs of many tasks in one set query: dates already local (Asia/Shanghai has no summer
 * time, so +8 h), milestones folded into each row, the task ids passed as one array parameter.
 * Nothing else is read — no text, no relations — so 10,000 tasks come back as 10,000 short rows.
 */
export async function lightInputs(prisma: PrismaClient, ids: readonly number[]): Promise<LightInput[]> {
  if (!ids.length) return [];
  const rows = await prisma.$queryRaw<(Omit<LightInput, 'milestones'> & { ms: [string | null, string | null][] | null })[]>`
    SELECT t.id, t.status::text AS status, t.percent,
      CASE WHEN t."deadlineKind" = 'date' THEN to_char(t.deadline, 'YYYY-MM-DD') END AS deadline,
      COALESCE(to_char(p."issuedOn", 'YYYY-MM-DD'), to_char(t."createdAt" + interval '8 hours', 'YYYY-MM-DD')) AS "startOn",
      to_char(t."lastReportedAt" + interval '8 hours', 'YYYY-MM-DD') AS "lastOn",
      (SELECT json_agg(json_build_array(to_char(m."dueOn", 'YYYY-MM-DD'), to_char(m."doneAt" + interval '8 hours', 'YYYY-MM-DD'))) FROM "Milestone" m WHERE m."taskId" = t.id) AS ms
    FROM "Task" t JOIN "Plan" p ON p.id = t."planId"
    WHERE t.id = ANY(${[...ids]}::int[])`;
  return rows.map(({ ms, ...t }) => ({ ...t, milestones: (ms ?? []).map(([dueOn, doneOn]) => ({ dueOn, doneOn })) }));
}

/**
 * The lights of every task matching `where`, in `orderBy` order: the ids by one query, the light
 * inputs by one set query, the rule in memory. `inputs` keep the deadline for the 驾驶舱's 逾期 count.
 */
export async function lightsWhere(prisma: PrismaClient, where: Prisma.TaskWhereInput, now: Date, calendar: WorkCalendar, orderBy?: Prisma.TaskOrderByWithRelationInput[]): Promise<{ ids: number[]; lights: Map<number, Health>; inputs: Map<number, LightInput> }> {
  const ids = (await prisma.task.findMany({ where, select: { id: true }, ...(orderBy ? { orderBy } : {}) })).map((t) => t.id);
  const inputs = await lightInputs(prisma, ids);
  const rule = lightRule(now, calendar);
  return { ids, lights: new Map(inputs.map((t) => [t.id, rule(t)])), inputs: new Map(inputs.map((t) => [t.id, t])) };
}
