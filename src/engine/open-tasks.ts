import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { toLocalDate, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import { uniqueShortNames, type Assignment, type AssignmentRole } from '../domain/work/index.ts';

/** One unit's open part of one task, as the cadence planners need it. */
export interface OpenTask {
  taskId: number;
  assignment: Pick<Assignment, 'id' | 'unitId' | 'role' | 'state' | 'percent' | 'lastReportedAt' | 'receivedAt'>;
  /** The plan's short name, unique among active plans: messages say 《重大重点项目》第二项. */
  plan: string;
  no: string;
  seq: number;
  shortTitle: string;
  deadline: LocalDate | null;
  deadlineText: string | null;
  deadlineKind: string;
  /** The unit's last progress on this task, as one short line; null when it never reported. */
  last: string | null;
  leaderIds: number[];
}

export type Role = AssignmentRole;

interface RawWork {
  aid: number;
  role: AssignmentRole;
  state: Assignment['state'];
  percent: number | null;
  id: number;
  no: string;
  seq: number;
  planId: number;
  title: string | null;
  text: string;
  /** 'YYYY-MM-DD' (a Postgres date in JSON). */
  deadline: string | null;
  deadlineText: string | null;
  deadlineKind: string;
  leaderIds: number[];
}

/**
 * Every unit's open assignments (not 销号) on tasks of active plans, with the unit's last reported
 * progress on each. Two queries whatever the size, so planning 10,000 tasks stays fast; whether
 * each is owed, due or lagging is for the rules in domain/work to say.
 */
export async function loadOpenTasksByUnit(
  prisma: PrismaClient,
  opts: { roles: readonly Role[]; unitIds?: readonly number[] | undefined; asOf: Date },
): Promise<Map<number, OpenTask[]>> {
  // One SQL query, aggregated per unit as JSON: row-by-row results for 20,000 assignments cost
  // most of a second in the driver, one JSON document per unit a few milliseconds.
  const rows = await prisma.$queryRaw<{ unitId: number; tasks: RawWork[] | string }[]>`
    SELECT a."unitId", json_agg(json_build_object(
        'aid', a."id", 'role', a."role", 'state', a."state", 'percent', a."percent",
        'id', t."id", 'no', t."no", 'seq', t."seq", 'planId', t."planId", 'title', t."title", 'text', left(t."text", 60),
        'deadline', t."deadline", 'deadlineText', t."deadlineText", 'deadlineKind', t."deadlineKind",
        'leaderIds', COALESCE((SELECT array_agg(tl."personId" ORDER BY tl."personId") FROM "TaskLeader" tl WHERE tl."taskId" = t."id"), '{}')
      ) ORDER BY t."planId", t."seq") AS "tasks"
    FROM "Assignment" a
    JOIN "Task" t ON t."id" = a."taskId"
    JOIN "Plan" p ON p."id" = t."planId" AND p."archivedAt" IS NULL
    WHERE a."state" <> 'closed' AND a."role"::text = ANY(${[...opts.roles]})
      ${opts.unitIds ? Prisma.sql`AND a."unitId" = ANY(${[...opts.unitIds]})` : Prisma.empty}
    GROUP BY a."unitId"`;
  const [{ last, reportedAt, receivedAt }, plans] = await Promise.all([
    lastProgress(prisma, opts.asOf),
    prisma.plan.findMany({ where: { archivedAt: null }, select: { id: true, title: true, shortName: true, year: true }, orderBy: { id: 'asc' } }),
  ]);
  const names = uniqueShortNames(plans);
  const byUnit = new Map<number, OpenTask[]>();
  for (const row of rows) {
    const list = typeof row.tasks === 'string' ? (JSON.parse(row.tasks) as RawWork[]) : row.tasks;
    byUnit.set(
      row.unitId,
      list.map((t) => ({
        taskId: t.id,
        assignment: {
          id: t.aid, unitId: row.unitId, role: t.role, state: t.state, percent: t.percent,
          // As of the slot, from the reports themselves: a slot planned again later (or simulated) sees what was known then.
          lastReportedAt: reportedAt.get(`${t.id}:${row.unitId}`) ?? null,
          receivedAt: receivedAt.get(`${t.id}:${row.unitId}`) ?? null,
        },
        plan: names.get(t.planId) ?? `方案${t.planId}`,
        no: t.no,
        seq: t.seq + t.planId * 1_000_000,
        shortTitle: shortTitle(t.title, t.text),
        deadline: t.deadline ? t.deadline.slice(0, 10) : null,
        deadlineText: t.deadlineText,
        deadlineKind: t.deadlineKind,
        last: last.get(`${t.id}:${row.unitId}`) ?? null,
        leaderIds: t.leaderIds,
      })),
    );
  }
  for (const list of byUnit.values()) list.sort((a, b) => a.seq - b.seq);
  return byUnit;
}

/** Each unit's latest report (and latest 签收) on each task before `asOf`, with the report as one short line. */
async function lastProgress(prisma: PrismaClient, asOf: Date): Promise<{ last: Map<string, string>; reportedAt: Map<string, Date>; receivedAt: Map<string, Date> }> {
  const rows = await prisma.$queryRaw<{ taskId: number; unitId: number; kind: string; reportedAt: Date; text: string; percent: number | null }[]>`
    SELECT DISTINCT ON ("taskId", "unitId", "kind" = 'receipt') "taskId", "unitId", "kind", "reportedAt", "text", "percent"
    FROM "ProgressUpdate"
    WHERE "unitId" IS NOT NULL AND "kind" IN ('report', 'correction', 'receipt') AND "reportedAt" < ${asOf}
    ORDER BY "taskId", "unitId", "kind" = 'receipt', "reportedAt" DESC, "id" DESC`;
  const last = new Map<string, string>();
  const reportedAt = new Map<string, Date>();
  const receivedAt = new Map<string, Date>();
  for (const r of rows) {
    const key = `${r.taskId}:${r.unitId}`;
    const at = new Date(r.reportedAt);
    if (r.kind === 'receipt') {
      receivedAt.set(key, at);
      continue;
    }
    const when = toLocalDate(at);
    const pct = r.percent !== null ? `${r.percent}% ` : '';
    last.set(key, `${pct}${clip(r.text, 24)}（${Number(when.slice(5, 7))}月${Number(when.slice(8))}日）`);
    reportedAt.set(key, at);
  }
  return { last, reportedAt, receivedAt };
}

export function shortTitle(title: string | null, text: string): string {
  return clip((title ?? text).replace(/\s+/g, ''), 24);
}

function clip(s: string, n: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

/** 5月8日 — how dates read in the messages. */
export function cnDate(d: LocalDate): string {
  return `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
}

export function deadlineLabel(t: Pick<OpenTask, 'deadline' | 'deadlineText'>): string {
  return t.deadline ? cnDate(t.deadline) : t.deadlineText ?? '无明确时限';
}
