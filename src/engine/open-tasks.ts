import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { toLocalDate, type LocalDate } from '../domain/calendar/shanghai-time.ts';

export interface OpenTask {
  taskId: number;
  no: string;
  seq: number;
  shortTitle: string;
  deadline: LocalDate | null;
  deadlineText: string | null;
  deadlineKind: string;
  status: string;
  /** The unit's last progress on this task, as one short line; null when it never reported. */
  last: string | null;
  leaderIds: number[];
}

export type Role = 'lead' | 'responsible' | 'participating';

interface RawTask {
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
  status: string;
  leaderIds: number[];
}

/**
 * Open tasks (not done, not closed) per unit, with each unit's last reported progress. Two queries
 * whatever the size, so planning 10,000 tasks stays fast.
 */
export async function loadOpenTasksByUnit(
  prisma: PrismaClient,
  opts: { roles: readonly Role[]; unitIds?: readonly number[] | undefined; asOf: Date },
): Promise<Map<number, OpenTask[]>> {
  // One SQL query, aggregated per unit as JSON: row-by-row results for 20,000 assignments cost
  // most of a second in the driver, one JSON document per unit a few milliseconds.
  const rows = await prisma.$queryRaw<{ unitId: number; tasks: RawTask[] | string }[]>`
    SELECT a."unitId", json_agg(json_build_object(
        'id', t."id", 'no', t."no", 'seq', t."seq", 'planId', t."planId", 'title', t."title", 'text', left(t."text", 60),
        'deadline', t."deadline", 'deadlineText', t."deadlineText", 'deadlineKind', t."deadlineKind", 'status', t."status",
        'leaderIds', COALESCE((SELECT array_agg(tl."personId" ORDER BY tl."personId") FROM "TaskLeader" tl WHERE tl."taskId" = t."id"), '{}')
      ) ORDER BY t."planId", t."seq") AS "tasks"
    FROM (SELECT DISTINCT tu."unitId", tu."taskId" FROM "TaskUnit" tu
          WHERE tu."unitId" IS NOT NULL AND tu."role"::text = ANY(${[...opts.roles]})
            ${opts.unitIds ? Prisma.sql`AND tu."unitId" = ANY(${[...opts.unitIds]})` : Prisma.empty}) a
    JOIN "Task" t ON t."id" = a."taskId"
    WHERE t."status"::text NOT IN ('done', 'closed')
    GROUP BY a."unitId"`;
  const last = await lastProgress(prisma, opts.asOf);
  const byUnit = new Map<number, OpenTask[]>();
  for (const row of rows) {
    const tasks = typeof row.tasks === 'string' ? (JSON.parse(row.tasks) as RawTask[]) : row.tasks;
    byUnit.set(
      row.unitId,
      tasks.map((t) => ({
        taskId: t.id,
        no: t.no,
        seq: t.seq + t.planId * 1_000_000,
        shortTitle: shortTitle(t.title, t.text),
        deadline: t.deadline ? t.deadline.slice(0, 10) : null,
        deadlineText: t.deadlineText,
        deadlineKind: t.deadlineKind,
        status: t.status,
        last: last.get(`${t.id}:${row.unitId}`) ?? null,
        leaderIds: t.leaderIds,
      })),
    );
  }
  for (const list of byUnit.values()) list.sort((a, b) => a.seq - b.seq);
  return byUnit;
}

async function lastProgress(prisma: PrismaClient, asOf: Date): Promise<Map<string, string>> {
  const rows = await prisma.$queryRaw<{ taskId: number; unitId: number; reportedAt: Date; text: string; percent: number | null }[]>`
    SELECT DISTINCT ON ("taskId", "unitId") "taskId", "unitId", "reportedAt", "text", "percent"
    FROM "ProgressUpdate"
    WHERE "unitId" IS NOT NULL AND "kind" IN ('report', 'correction') AND "reportedAt" < ${asOf}
    ORDER BY "taskId", "unitId", "reportedAt" DESC, "id" DESC`;
  const out = new Map<string, string>();
  for (const r of rows) {
    const when = toLocalDate(new Date(r.reportedAt));
    const pct = r.percent !== null ? `${r.percent}% ` : '';
    out.set(`${r.taskId}:${r.unitId}`, `${pct}${clip(r.text, 24)}（${Number(when.slice(5, 7))}月${Number(when.slice(8))}日）`);
  }
  return out;
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

/** Units that sent a progress report (or correction; `withReceipts` also counts 签收) in [since, until). */
export async function unitsHeardFrom(prisma: PrismaClient, since: Date, until: Date, withReceipts = false): Promise<Set<number>> {
  const rows = await prisma.progressUpdate.findMany({
    where: { reportedAt: { gte: since, lt: until }, unitId: { not: null }, kind: { in: withReceipts ? ['report', 'correction', 'receipt'] : ['report', 'correction'] } },
    distinct: ['unitId'],
    select: { unitId: true },
  });
  return new Set(rows.map((r) => r.unitId!));
}
