import { parseTaskRef, resolveTaskRef, taskLabel, whichPlanQuestion, type Resolved } from '../domain/work/index.ts';
import type { TaskInfo, WorkItem } from '../ports/work-store.ts';
import type { ChatTurn } from './chat-turn.ts';

export { taskLabel };

/** A reference resolved for a command, or the one answer to give instead. */
export type Found<T> = { ok: true; value: T } | { ok: false; answer: string };

function answerFor<T extends { planShort: string; no: string }>(r: Resolved<T>, ref: string, none: string): Found<T> {
  if (r.kind === 'one') return { ok: true, value: r.task };
  if (r.kind === 'ambiguous') return { ok: false, answer: whichPlanQuestion(r.options) };
  return { ok: false, answer: none || `没有找到“${ref}”这项任务。` };
}

/** One of the sender's unit's own open assignments, by reference (第3项, 重大项目第2项). */
export async function findOwnWork(turn: ChatTurn, ref: string): Promise<Found<WorkItem>> {
  const unit = turn.sender.unit;
  if (!unit) return { ok: false, answer: `${turn.m.talkerName || '您'}不是登记的单位联络人，不能为任务提出申请。请联系督办室登记。` };
  const parsed = parseTaskRef(ref);
  const items = await turn.deps.work.unitWork(unit.id);
  if (!parsed) return { ok: false, answer: `没有看懂任务编号“${ref}”。发送“我的任务”查看本单位任务编号。` };
  const r = resolveTaskRef(parsed, items.map((w) => ({ ...w.task, item: w })));
  const found = answerFor(r, ref, `${ref.startsWith('第') ? ref : `第${ref}项`}不是${unit.name}未销号的任务。发送“我的任务”查看本单位任务编号。`);
  return found.ok ? { ok: true, value: found.value.item } : found;
}

/**
 * A task of the active plans for an admin's command. Tasks with a pending request are tried first,
 * so `复核 2` finds the one 第二项 awaiting review even when another plan also has a 第2项.
 */
export async function findTaskForAdmin(turn: ChatTurn, ref: string, prefer?: (t: TaskInfo) => Promise<boolean>): Promise<Found<TaskInfo>> {
  const parsed = parseTaskRef(ref);
  if (!parsed) return { ok: false, answer: `没有看懂任务编号“${ref}”。请写“第3项”或“方案简称第3项”。` };
  const all = await turn.deps.work.activeTasks();
  if (prefer) {
    const candidates = resolveTaskRef(parsed, all);
    const options = candidates.kind === 'one' ? [candidates.task] : candidates.kind === 'ambiguous' ? candidates.options : [];
    const preferred: TaskInfo[] = [];
    for (const t of options) if (await prefer(t)) preferred.push(t);
    if (preferred.length === 1) return { ok: true, value: preferred[0]! };
    if (preferred.length > 1) return { ok: false, answer: whichPlanQuestion(preferred) };
  }
  return answerFor(resolveTaskRef(parsed, all), ref, `没有找到“${ref}”这项任务。`);
}
