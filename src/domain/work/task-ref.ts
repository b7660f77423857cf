import { parseNumeral } from '../reply/chinese-number.ts';
import type { TaskRef } from './work-types.ts';

/** The number a printed task number stands for: 二 → 2, 12 → 12, 1.3 → null (compared as text). */
export function taskNumberOf(no: string): number | null {
  return parseNumeral(no.trim());
}

const NOISE = [
  /关于印发|的通知|印发/g,
  /[《》〈〉“”"「」]/g,
  /\d{4}\s*年(度)?/g,
  /^(中共)?[\u4e00-\u9fa5]{1,6}?(省|市|县|区)(委|政府|人民政府)?(办公室)?/,
  /^区/,
  /(工作|实施|行动|推进|责任分工|任务分解|分工)*(方案|计划|清单|意见)$/,
];

/**
 * A short name for a plan, for people to tell plans apart in a busy group: its title without the
 * year, the district, 《》 and the trailing 工作方案 (东湖区2024年重大重点项目推进工作方案 → 重大重点项目).
 */
export function planShortName(title: string): string {
  let s = title.replace(/\s+/g, '');
  for (const re of NOISE) s = s.replace(re, '');
  s = s.replace(/(推进|责任分工|重点工作|重点)+$/, '') || s;
  if (s.length > 10) s = s.slice(0, 10);
  return s || title.slice(0, 10);
}

/** Short names made unique among the given plans (a clash gets the plan's year or id). */
export function uniqueShortNames(plans: readonly { id: number; title: string; shortName?: string | null; year?: number | null }[]): Map<number, string> {
  const base = plans.map((p) => ({ p, name: p.shortName?.trim() || planShortName(p.title) }));
  const count = new Map<string, number>();
  for (const b of base) count.set(b.name, (count.get(b.name) ?? 0) + 1);
  const out = new Map<number, string>();
  // A clash takes the year, else the plan's number: both can be typed back (重大重点项目2026第2项).
  for (const b of base) out.set(b.p.id, count.get(b.name)! > 1 ? `${b.name}${b.p.year ?? b.p.id}` : b.name);
  return out;
}

/** How a task is shown everywhere: 《重大重点项目》第二项. */
export function taskRefLabel(t: Pick<TaskRef, 'planShort' | 'no'>): string {
  return `《${t.planShort}》第${t.no}项`;
}

/** A task's ref with its short title: 《重大重点项目》第二项 全力攻坚…. */
export function taskLabel(t: Pick<TaskRef, 'planShort' | 'no' | 'title' | 'text'>, width = 18): string {
  const title = t.title?.trim() || (t.text.length > width ? `${t.text.slice(0, width)}…` : t.text);
  return `${taskRefLabel(t)} ${title}`;
}

/** A reference as someone types it: an optional plan name, then the number (重大项目第2项, 《政府工作报告》2, 二). */
export interface ParsedTaskRef {
  plan: string | null;
  no: string;
}

// The plan part starts with a non-numeral and may end in a year or number (重大重点项目2026第2项).
const REF = /^\s*(?:《([^》]+)》|([^\d一二三四五六七八九十百两第《\s][^《》\s]{1,22}?))?\s*(?:方案)?\s*第?\s*([0-9一二三四五六七八九十百两]{1,6}(?:\.[0-9]{1,3})*)\s*[项号条]?\s*$/;

export function parseTaskRef(text: string): ParsedTaskRef | null {
  const m = REF.exec(text.replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
  if (!m) return null;
  return { plan: (m[1] ?? m[2] ?? '').trim() || null, no: m[3]! };
}

export type Resolved<T> = { kind: 'one'; task: T } | { kind: 'ambiguous'; options: T[] } | { kind: 'none' };

/**
 * Does this text name the plan: its short name, inside it, or its characters in order
 * (重大项目 names 重大重点项目)?
 */
export function namesPlan(text: string, planShort: string): boolean {
  const t = text.replace(/[《》\s]|方案$/g, '');
  if (t.length < 2) return false;
  return t.includes(planShort) || planShort.includes(t) || isSubsequence(t, planShort);
}

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (const c of hay) if (c === needle[i]) i++;
  return i === needle.length;
}

/**
 * The task a reference means among `candidates` (the sender's own open work first, or every task of
 * the active plans): by number, narrowed by the plan name when one is given. Two plans with the same
 * number and no plan name is `ambiguous` — the caller asks once which plan.
 */
export function resolveTaskRef<T extends Pick<TaskRef, 'planShort' | 'no'>>(ref: ParsedTaskRef, candidates: readonly T[]): Resolved<T> {
  const n = taskNumberOf(ref.no);
  const sameNo = candidates.filter((t) => t.no === ref.no || (n !== null && taskNumberOf(t.no) === n));
  const inPlan = ref.plan ? sameNo.filter((t) => namesPlan(ref.plan!, t.planShort)) : sameNo;
  if (inPlan.length === 1) return { kind: 'one', task: inPlan[0]! };
  if (inPlan.length > 1) return { kind: 'ambiguous', options: inPlan };
  return { kind: 'none' };
}

/** 是《重大重点项目》第二项还是《政府工作报告》第2项？ */
export function whichPlanQuestion(options: readonly Pick<TaskRef, 'planShort' | 'no'>[]): string {
  return `请问是${options.map(taskRefLabel).join('还是')}？请带上方案名称重发，如“${options[0]!.planShort}第${options[0]!.no}项 …”。`;
}
