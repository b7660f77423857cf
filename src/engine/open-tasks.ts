import type { PrismaClient } from '../generated/prisma/client.ts';
import { bulkQuery } from '../store/bulk-sql.ts';
import { toLocalDate, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import type { Assignment, AssignmentRole } from '../domain/work/index.ts';
import { loadPlanShortNames } from '../store/plan-short-names.ts';

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

/** One assignment with its task, as a positional JSON array (a third cheaper to build than objects). */
type RawWork = [
  aid: number, role: AssignmentRole, state: Assignment['state'], percent: number | null,
  id: number, no: string, seq: number, planId: number, title: string | null, text: string | null,
  /** 'YYYY-MM-DD' (a Postgres date in JSON). */
  deadline: string | null, deadlineText: string | null, deadlineKind: string,
];

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
  // most of a second in the driver, one JSON document per unit a few milliseconds. Straight to the
  // pool: through Prisma the same megabyte of JSON costs several times as long.
  const sql = bulkQuery(prisma);
  const query = sql<{ unitId: number; tasks: RawWork[] | string }>(
    `SELECT a."unitId", json_agg(json_build_array(
        a."id", a."role", a."state", a."percent", t."id", t."no", t."seq", t."planId", t."title",
        CASE WHEN t."title" IS NULL THEN left(t."text", 60) END, t."deadline", t."deadlineText", t."deadlineKind")) AS "tasks"
    FROM "Assignment" a
    JOIN "Task" t ON t."id" = a."taskId"
    JOIN "Plan" p ON p."id" = t."planId" AND p."archivedAt" IS NULL
    WHERE a."state" <> 'closed' /* isOpen */ AND a."role"::text = ANY($1::text[])
      AND ($2::int[] IS NULL OR a."unitId" = ANY($2::int[]))
    GROUP BY a."unitId"`,
    [[...opts.roles], opts.unitIds ? [...opts.unitIds] : null],
  );
  const [rows, progress, leaders, names] = await Promise.all([
    query,
    lastProgress(prisma, opts.asOf),
    leadersByTask(prisma),
    loadPlanShortNames(prisma),
  ]);
  const byUnit = new Map<number, OpenTask[]>();
  for (const row of rows) {
    const list = typeof row.tasks === 'string' ? (JSON.parse(row.tasks) as RawWork[]) : row.tasks;
    byUnit.set(
      row.unitId,
      list.map(([aid, role, state, percent, id, no, seq, planId, title, text, deadline, deadlineText, deadlineKind]) => {
        const p = progress.get(`${id}:${row.unitId}`);
        return {
        taskId: id,
        assignment: {
          id: aid, unitId: row.unitId, role, state, percent,
          // As of the slot, from the reports themselves: a slot planned again later (or simulated) sees what was known then.
          lastReportedAt: p?.reportedAt ?? null,
          receivedAt: p?.receivedAt ?? null,
        },
        plan: names.get(planId) ?? `方案${planId}`,
        no,
        seq: seq + planId * 1_000_000,
        shortTitle: shortTitle(title, text ?? ''),
        deadline: deadline ? deadline.slice(0, 10) : null,
        deadlineText,
        deadlineKind,
        last: p?.last ?? null,
        leaderIds: leaders[id] ?? [],
        };
      }),
    );
  }
  for (const list of byUnit.values()) list.sort((a, b) => a.seq - b.seq);
  return byUnit;
}

/** 牵头领导 of every task, as one JSON document (a join per assignment row costs more than the whole plan). */
async function leadersByTask(prisma: PrismaClient): Promise<Record<number, number[]>> {
  const [row] = await bulkQuery(prisma)<{ m: Record<number, number[]> | string | null }>(
    `SELECT json_object_agg("taskId", ids) AS m FROM (SELECT "taskId", array_agg("personId" ORDER BY "personId") AS ids FROM "TaskLeader" GROUP BY "taskId") x`,
  );
  const m = row?.m ?? {};
  return typeof m === 'string' ? (JSON.parse(m) as Record<number, number[]>) : m;
}

/** Each unit's latest report (and latest 签收) on each task before `asOf`, with the report as one short line. */
interface LastProgress {
  last?: string;
  reportedAt?: Date;
  receivedAt?: Date;
}

async function lastProgress(prisma: PrismaClient, asOf: Date): Promise<Map<string, LastProgress>> {
  // Times as epoch milliseconds: the bulk path returns no timestamps (see bulk-sql.ts).
  const rows = await bulkQuery(prisma)<{ taskId: number; unitId: number; kind: string; at: number; text: string; percent: number | null }>(
    `SELECT DISTINCT ON ("taskId", "unitId", "kind" = 'receipt') "taskId", "unitId", "kind", (extract(epoch FROM "reportedAt") * 1000)::float8 AS "at", "text", "percent"
    FROM "ProgressUpdate"
    WHERE "unitId" IS NOT NULL AND "reportedAt" < $1::timestamp(3)
      -- 签收 only matters within the current cycle; every 收到 writes a row per open part, so old ones are many.
      AND ("kind" IN ('report', 'correction') OR ("kind" = 'receipt' AND "reportedAt" >= $2::timestamp(3)))
    ORDER BY "taskId", "unitId", "kind" = 'receipt', "reportedAt" DESC, "id" DESC`,
    [asOf.toISOString(), new Date(asOf.getTime() - 62 * 86400_000).toISOString()],
  );
  const out = new Map<string, LastProgress>();
  for (const r of rows) {
    const key = `${r.taskId}:${r.unitId}`;
    const at = new Date(r.at);
    let entry = out.get(key);
    if (!entry) out.set(key, (entry = {}));
    if (r.kind === 'receipt') {
      entry.receivedAt = at;
      continue;
    }
    const when = toLocalDate(at);
    const pct = r.percent !== null ? `${r.percent}% ` : '';
    entry.last = `${pct}${clip(r.text, 24)}（${Number(when.slice(5, 7))}月${Number(when.slice(8))}日）`;
    entry.reportedAt = at;
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
