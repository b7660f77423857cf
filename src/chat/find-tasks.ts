import { taskNumber } from '../domain/reply/index.ts';
import { parseNumeral } from '../domain/reply/index.ts';
import type { Tx } from './chat-deps.ts';

export const OPEN_STATUSES = ['not_started', 'in_progress', 'blocked', 'done'] as const;

export interface TaskRow {
  id: number;
  no: string;
  title: string | null;
  text: string;
  status: string;
  percent: number | null;
  deadline: Date | null;
  deadlineText: string | null;
  lastReportedAt: Date | null;
  planId: number;
}

const select = {
  id: true, no: true, title: true, text: true, status: true, percent: true, deadline: true,
  deadlineText: true, lastReportedAt: true, planId: true,
} as const;

/** The open tasks a unit is assigned to (lead, responsible or participating), in plan order. */
export async function unitOpenTasks(tx: Tx, unitId: number): Promise<TaskRow[]> {
  return tx.task.findMany({
    where: { status: { in: [...OPEN_STATUSES] }, units: { some: { unitId } } },
    orderBy: [{ planId: 'desc' }, { seq: 'asc' }],
    select,
  });
}

/** Every open task (for reading a reference to a task of another unit). */
export async function allOpenTasks(tx: Tx): Promise<TaskRow[]> {
  return tx.task.findMany({ where: { status: { in: [...OPEN_STATUSES] } }, orderBy: [{ planId: 'desc' }, { seq: 'asc' }], select });
}

/**
 * The task a command names by number: among `preferred` first (the unit's tasks), else the newest
 * plan's task with that number.
 */
export async function findTaskByRef(tx: Tx, ref: string, preferred: TaskRow[] = []): Promise<TaskRow | null> {
  const n = parseNumeral(ref.trim());
  const matches = (t: { no: string }) => t.no === ref.trim() || (n !== null && taskNumber(t.no) === n);
  const own = preferred.find(matches);
  if (own) return own;
  const all = await tx.task.findMany({ orderBy: [{ planId: 'desc' }, { seq: 'asc' }], select });
  return all.find(matches) ?? null;
}

export function taskLabel(t: { no: string; title: string | null; text: string }): string {
  const title = t.title ?? t.text.slice(0, 18) + (t.text.length > 18 ? '…' : '');
  return `第${t.no}项 ${title}`;
}
