import type { PrismaClient } from '../generated/prisma/client.ts';
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

/**
 * Open tasks (not done, not closed) per unit, with each unit's last reported progress. Two queries
 * whatever the size, so planning 10,000 tasks stays fast.
 */
export async function loadOpenTasksByUnit(
  prisma: PrismaClient,
  opts: { roles: readonly Role[]; unitIds?: readonly number[] | undefined; asOf: Date },
): Promise<Map<number, OpenTask[]>> {
  const rows = await prisma.taskUnit.findMany({
    where: {
      unitId: opts.unitIds ? { in: [...opts.unitIds] } : { not: null },
      role: { in: [...opts.roles] },
      task: { status: { notIn: ['done', 'closed'] } },
    },
    select: {
      unitId: true,
      task: {
        select: {
          id: true,
          no: true,
          seq: true,
          planId: true,
          title: true,
          text: true,
          deadline: true,
          deadlineText: true,
          deadlineKind: true,
          status: true,
          leaders: { select: { personId: true } },
        },
      },
    },
  });
  const last = await lastProgress(prisma, opts.asOf);
  const byUnit = new Map<number, OpenTask[]>();
  for (const r of rows) {
    const t = r.task;
    const list = byUnit.get(r.unitId!) ?? [];
    if (list.some((x) => x.taskId === t.id)) continue; // a unit named twice on one task (lead and responsible)
    list.push({
      taskId: t.id,
      no: t.no,
      seq: t.seq + t.planId * 1_000_000,
      shortTitle: shortTitle(t.title, t.text),
      deadline: t.deadline ? toLocalDate(t.deadline) : null,
      deadlineText: t.deadlineText,
      deadlineKind: t.deadlineKind,
      status: t.status,
      last: last.get(`${t.id}:${r.unitId}`) ?? null,
      leaderIds: t.leaders.map((l) => l.personId),
    });
    byUnit.set(r.unitId!, list);
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
