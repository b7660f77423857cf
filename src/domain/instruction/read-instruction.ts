import type { LocalDate } from '../calendar/shanghai-time.ts';
import { findTaskRefs } from '../reply/find-task-refs.ts';
import { matchTaskKeywords } from '../reply/match-task-keywords.ts';
import { normalizeReplyText } from '../reply/normalize-reply-text.ts';
import { namesPlan, resolveTaskRef, taskLabel, whichPlanQuestion } from '../work/task-ref.ts';
import { DEFAULT_REPORTING_ROLES } from '../work/owing.ts';
import type { AssignmentRole, TaskRef } from '../work/work-types.ts';
import { instructionDue } from './instruction-due.ts';

/** A task a 批示 may name, with the units that have a part in it. */
export interface InstructionTask extends TaskRef {
  parts: ReadonlyArray<{ unitId: number; role: AssignmentRole; open: boolean }>;
}

/** A unit of the directory, as a 批示 may name it (区住建局, 住建局, 发改委). */
export interface InstructionUnitName {
  id: number;
  name: string;
  aliases: readonly string[];
}

export interface InstructionTarget<T extends InstructionTask = InstructionTask> {
  task: T;
  /** The units that owe a report on this 批示. */
  unitIds: number[];
  /** Of those, units the 批示 brings into the task (it names them; they had no part in it). */
  addedUnitIds: number[];
}

export type InstructionReading<T extends InstructionTask = InstructionTask> =
  /** Not a 批示: it names no task, or gives no instruction (收到, 好的, a question). */
  | { kind: 'none' }
  /** It names a task that two plans have, or words several tasks share: ask once, record nothing. */
  | { kind: 'ask'; question: string }
  /** It names task numbers no active plan has. */
  | { kind: 'unknown'; refs: string[] }
  | { kind: 'instruction'; targets: InstructionTarget<T>[]; dueOn: LocalDate | null; namedUnitIds: number[] };

// What makes a leader's words an instruction rather than a remark: a request or a direction.
const DIRECTIVE = /请|要|务必|抓紧|加快|尽快|督促|协调|落实|推进|报送|报进展|反馈|确保|抓好|跟进|研究|解决|牵头|配合|整改|提速|盯紧|部署/;
// A question about the state of things is for the leaders' queries, not a 批示.
const QUESTION = /(怎么样|如何了|进展如何|情况如何|什么情况|到哪了|完成了吗|完成没有)[了呢啊？?]*\s*$|[？?]\s*$/;

/**
 * Reads a leader's message as a 批示 (instruction): the tasks it names — by number with or without
 * the plan's short name (政府工作报告第3项, 第三项), else by words of a task's title — the units it
 * names (区住建局, 发改委), and the due date it sets (周五前). Units concerned are the named ones,
 * else the task's open reporting units. A number two plans share is asked about, never guessed.
 */
export function readInstruction<T extends InstructionTask>(raw: string, ctx: { tasks: readonly T[]; units: readonly InstructionUnitName[]; today: LocalDate; botName?: string }): InstructionReading<T> {
  const text = normalizeReplyText(raw, ctx.botName);
  if (!DIRECTIVE.test(text) || QUESTION.test(text)) return { kind: 'none' };
  const named = unitsNamedIn(text, ctx.units);
  // Unit names are not plan names or task numbers: blank them before looking for either.
  let scrubbed = text;
  for (const u of named) scrubbed = scrubbed.split(u.as).join(' '.repeat(u.as.length));

  const plans = [...new Set(ctx.tasks.map((t) => t.planShort))];
  const found: T[] = [];
  const unknown: string[] = [];
  let plan: string | null = null;
  for (const ref of findTaskRefs(scrubbed)) {
    plan = planBefore(scrubbed.slice(Math.max(0, ref.index - 24), ref.index), plans) ?? plan;
    const r = resolveTaskRef({ plan, no: String(ref.n) }, ctx.tasks);
    if (r.kind === 'ambiguous') return { kind: 'ask', question: whichPlanQuestion(r.options) };
    if (r.kind === 'one') {
      if (!found.includes(r.task)) found.push(r.task);
    } else unknown.push(`${plan ?? ''}第${ref.n}项`);
  }
  if (!found.length && unknown.length) return { kind: 'unknown', refs: unknown };
  if (!found.length) {
    const k = matchTaskKeywords(scrubbed, ctx.tasks.map((t) => ({ no: `${t.taskId}`, title: t.title, text: t.text })));
    if (k.task) found.push(ctx.tasks.find((t) => `${t.taskId}` === k.task!.no)!);
    else if (k.tied.length > 1) {
      const options = k.tied.slice(0, 4).map((x) => ctx.tasks.find((t) => `${t.taskId}` === x.no)!);
      return { kind: 'ask', question: `请问是哪一项任务：${options.map((t) => taskLabel(t)).join('；')}？请写明编号重发，如“${options[0]!.planShort}第${options[0]!.no}项 …”。` };
    }
  }
  if (!found.length) return { kind: 'none' };
  const namedIds = [...new Set(named.map((u) => u.id))];
  const targets = found.map((task) => concernedUnits(task, namedIds));
  return { kind: 'instruction', targets, dueOn: instructionDue(text, ctx.today), namedUnitIds: namedIds };
}

/**
 * A 批示 whose task the writer has already said (the console's 代录 form on a task's page): no
 * directive words are looked for, and no task in the words. Its units are the ones chosen (of the
 * task's), else as for a 批示 in chat: the units its words name, else the task's open reporting
 * units; its due date the one given, else the one its words set.
 */
export function readInstructionOn<T extends InstructionTask>(task: T, raw: string, ctx: { units: readonly InstructionUnitName[]; today: LocalDate; botName?: string; unitIds?: readonly number[]; dueOn?: LocalDate | null }): Extract<InstructionReading<T>, { kind: 'instruction' }> {
  const text = normalizeReplyText(raw, ctx.botName);
  const dueOn = ctx.dueOn ?? instructionDue(text, ctx.today);
  if (ctx.unitIds?.length) {
    // Chosen from the task's open parts: one no longer open (or never the task's) is not asked.
    const open = new Set(task.parts.filter((p) => p.open).map((p) => p.unitId));
    const unitIds = [...new Set(ctx.unitIds)].filter((id) => open.has(id));
    return { kind: 'instruction', targets: [{ task, unitIds, addedUnitIds: [] }], dueOn, namedUnitIds: unitIds };
  }
  const named = [...new Set(unitsNamedIn(text, ctx.units).map((u) => u.id))];
  return { kind: 'instruction', targets: [concernedUnits(task, named)], dueOn, namedUnitIds: named };
}

/**
 * Who a 批示 on this task is for: the units it names (those with no part in the task are brought
 * in), else the task's open lead and responsible units, else every unit still working on it.
 */
export function concernedUnits<T extends InstructionTask>(task: T, namedUnitIds: readonly number[]): InstructionTarget<T> {
  if (namedUnitIds.length) {
    const on = new Map(task.parts.map((p) => [p.unitId, p]));
    // A unit whose part is already 销号 is not asked again.
    const unitIds = namedUnitIds.filter((id) => !on.has(id) || on.get(id)!.open);
    return { task, unitIds, addedUnitIds: unitIds.filter((id) => !on.has(id)) };
  }
  const open = task.parts.filter((p) => p.open);
  const reporting = open.filter((p) => DEFAULT_REPORTING_ROLES.includes(p.role));
  return { task, unitIds: [...new Set((reporting.length ? reporting : open).map((p) => p.unitId))], addedUnitIds: [] };
}

/** The plan a reference's preceding words name (《政府工作报告》, 重大项目, 政府工作报告方案), if any. */
function planBefore(before: string, plans: readonly string[]): string | null {
  const quoted = /《([^》]{1,30})》\s*(?:方案)?\s*$/.exec(before);
  if (quoted) return plans.find((p) => namesPlan(quoted[1]!, p)) ?? null;
  const seg = /([\u4e00-\u9fa5A-Za-z0-9]{2,24}?)\s*(?:方案)?\s*$/.exec(before.replace(/方案\s*$/, ''))?.[1] ?? '';
  // The shortest tail that names a plan: 4 characters at least (重大项目), or the whole short name.
  for (let k = 2; k <= seg.length; k++) {
    const tail = seg.slice(-k);
    const hit = plans.find((p) => tail.endsWith(p) || (k >= 4 && namesPlan(tail, p)));
    if (hit) return hit;
  }
  return null;
}

/** The directory units a text names, by name, alias, or name without the leading 区 (住建局); longest first, no overlaps. */
export function unitsNamedIn(text: string, units: readonly InstructionUnitName[]): Array<{ id: number; as: string }> {
  const forms: Array<{ id: number; form: string }> = [];
  for (const u of units) {
    const all = new Set([u.name, ...u.aliases]);
    for (const n of [...all]) if (/^区.{3,}/.test(n)) all.add(n.slice(1));
    for (const f of all) if (f.length >= 3) forms.push({ id: u.id, form: f });
  }
  forms.sort((a, b) => b.form.length - a.form.length);
  const taken: Array<[number, number]> = [];
  const out: Array<{ id: number; as: string; at: number }> = [];
  for (const { id, form } of forms) {
    let from = 0;
    for (;;) {
      const at = text.indexOf(form, from);
      if (at < 0) break;
      from = at + 1;
      const end = at + form.length;
      if (taken.some(([a, b]) => at < b && end > a)) continue;
      taken.push([at, end]);
      out.push({ id, as: form, at });
    }
  }
  return out.sort((a, b) => a.at - b.at).map(({ id, as }) => ({ id, as }));
}
