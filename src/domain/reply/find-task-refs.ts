import { CN_NUMERAL_CLASS, parseNumeral } from './chinese-number.ts';
import type { ReplyTask } from './reply-types.ts';
import { isHeadingOnly, PROGRESS_HEADING, SECTION_HEADING } from './outline-headings.ts';

export interface TaskRef {
  /** The number as referenced (arabic). */
  n: number;
  index: number;
  end: number;
  /** "1、12月5日…": a number opening a line that starts with a figure — an item of a list, and only that. */
  figure?: true;
}

const CN = `[${CN_NUMERAL_CLASS}]{1,4}`;
const NUM = `(?:\\d{1,4}|${CN})`;
const LIST = `${NUM}(?:\\s*[、,，和及与]\\s*${NUM})*`;

const FIGURE_ITEM = /(?:^|\n)\s*(\d{1,3})\s*、(?=\s*\d)/g;

// Each pattern captures a list of numbers; the order is by specificity.
const PATTERNS: RegExp[] = [
  // 第3项 / 第三条 / 第3、4项 / 第(三)项
  new RegExp(`第\\s*\\(?(${LIST})\\)?\\s*(?:项|条|个任务|号任务|号|点)`, 'g'),
  // "2、3两项正常推进" / "5和6项": a list of two or more opening a clause, then 项
  new RegExp(`(?:^|[\\s,;:。；：!?])(${NUM}(?:\\s*[、,，和及与]\\s*${NUM})+)\\s*(?:[两二三四五六七八九十]|\\d{1,2})?\\s*项`, 'g'),
  // 任务3 / 事项三 / 任务第3
  new RegExp(`(?:任务|事项)\\s*(?:编号)?\\s*(\\d{1,4})(?![\\d.%]|\\s*[件个项家座户宗条])`, 'g'),
  // 3号任务 / "3号：…" / "3号已完成" — not 5月3号, 〔2024〕5号, nor a thing's number (3号楼, 5号线, 3号路停车场)
  new RegExp(`(?<![月\\d路街巷道村组弄里〕\\]年至到])(\\d{1,4})\\s*号(?:任务|事项|(?=\\s|[,，:：;；。、\\d]|$|已|正在|完成|推进|进展|进度|目前|现已|和|及|与|均|都))`, 'g'),
  // (三) / (3) — how some plans number their tasks
  new RegExp(`\\((${NUM})\\)`, 'g'),
  // "2、60%", "1、12月5日通过验收" opening a line: a numbered item that starts with a figure ("2.60%" stays a decimal)
  FIGURE_ITEM,
  // "3." / "3、" at the start of a line or clause, not a decimal
  new RegExp(`(?:^|[\\s,;:。；：!?])(\\d{1,3})\\s*[.、](?![\\d%])`, 'g'),
  // 三、 at the start of a line
  new RegExp(`(?:^|\\n)\\s*(${CN})、`, 'g'),
  // Terse: "5 完成40%", "3 80%" — a number and a space opening a line, then words or a share, not a count ("3 个项目")
  /(?:^|\n)\s*(\d{1,3})\s+(?=\d{1,3}(?:\.\d+)?\s*%|(?![个项家座户月日号年万亿成件处栋套台条名人批次期层])\p{Script=Han})/gu,
];

/** Whether "N、" at `end` is the start of a range "N、N+1<unit>" ("3、4月份", "5、6号厂房", "3、4季度"). */
function isRange(text: string, end: number, first: string | undefined): boolean {
  if (!first || !/^\d+$/.test(first) || text[end - 1] !== '、') return false;
  const next = /^\s*(\d{1,3})\s*(?:月|号|季度|季|期|楼|#|栋|幢|日|年|周|批)/.exec(text.slice(end));
  return !!next && Number(next[1]) === Number(first) + 1;
}

// Before 第N条: a document ("按通知", "〔2024〕12号", "[2024]12号") whose article it is.
const CITED = /(?:(按|按照|根据|依据|依照|通知|文件|意见|办法|规定|条例|方案|细则|要求)[^，,。；;\n]{0,6}|[〕\]]\s*\d{1,4}\s*号\s*)$/;

/** Finds the task numbers a message refers to, with their positions, in text order. */
export function findTaskRefs(text: string): TaskRef[] {
  const refs: TaskRef[] = [];
  const taken: [number, number][] = [];
  for (const re of PATTERNS) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      // "3、4月份", "1、2号楼": a range of months or things, not item 3.
      if (isRange(text, end, m[1])) continue;
      // "按通知第3条要求": an article of a document, not a task.
      if (/条/.test(m[0]) && CITED.test(text.slice(Math.max(0, start - 10), start))) continue;
      // A number right before % or 成 is a share, not a task (3.5%, 3、5成).
      if (/^\s*[%成]/.test(text.slice(end))) continue;
      taken.push([start, end]);
      for (const part of (m[1] ?? '').split(/\s*[、,，和及与]\s*/)) {
        const n = parseNumeral(part);
        if (n !== null && n > 0) refs.push(re === FIGURE_ITEM ? { n, index: start, end, figure: true } : { n, index: start, end });
      }
    }
  }
  // "1号、2号停车场": a list of numbered things, its first 号 read as a task above only for the 、.
  const things = refs.filter((r) => {
    if (text[r.end - 1] !== '号') return false;
    const chain = /^\s*[、和及与]\s*\d{1,4}\s*号/.exec(text.slice(r.end));
    return !!chain && !refs.some((x) => x.index >= r.end && x.index < r.end + chain[0].length);
  });
  return refs.filter((r) => !things.includes(r)).sort((a, b) => a.index - b.index);
}

// A bare number opening an item, as a list is numbered: "1、", "2.", "(3)", "四、" — not "第1项" or "5 完成40%".
export const BARE_MARKER = new RegExp(`^(?:\\d{1,3}\\s*[.、]|\\(\\s*${NUM}\\s*\\)|${CN}、)`);

/** The bare number of `r` as written ("2.", "(二)", "三、"), when it opens an item: at a line's start, or after "：", "；", "，", "。" or a space. */
export function markerText(text: string, r: TaskRef): string | null {
  const at = text.slice(r.index, r.end).search(/[\d(\p{Script=Han}]/u) + r.index;
  // What stands before it on its line: nothing, a space, or one of "：；，。" (looked at from the
  // number backwards, so a long line costs nothing per number).
  const before = at > 0 ? text[at - 1]! : '\n';
  if (!/[\n\s:：;；,，。]/.test(before)) return null;
  return BARE_MARKER.exec(text.slice(at, r.end + 1))?.[0] ?? null;
}

/** How a list counts: "1、" and "2." alike; "(1)"; "一、". */
function markerStyle(text: string, r: TaskRef): 'arabic' | 'bracket' | 'chinese' | null {
  const m = markerText(text, r);
  return m === null ? null : m.startsWith('(') ? 'bracket' : /^\d/.test(m) ? 'arabic' : 'chinese';
}

export interface ListMarkers {
  /** Bare numbers that count the writer's own items: in each style, runs that count 1, 2, 3… (two or more in all). */
  items: TaskRef[];
  /** Whether the items could be task numbers instead: one run in one style, no outline heading among them, no task named otherwise. */
  couldBeTasks: boolean;
  /** Items that head a part of the report's outline ("一、工作进展"). */
  headings: TaskRef[];
  /**
   * Bare numbers of the writer's outline wherever they stand, never tasks: headings of problems or
   * next steps ("二、存在问题"); a heading on a line of its own ("一、本周工作"), or beside a task
   * named outright ("一、工作进展：第3项…"); a lone "1、" under a task named outright ("第3项：\n1、…").
   */
  outline: TaskRef[];
}

/**
 * The numbers of a list the writer made of their own message ("1、主体已封顶\n2、外墙施工中",
 * "一、工作进展…二、存在问题…", points under 第4项 and again under 第5项, each from 1). A single
 * number is no list, and a number out of step with the count is left to be what it says. Whether a
 * list that could be task numbers is one is the caller's to decide.
 */
export function listMarkers(text: string, refs: readonly TaskRef[]): ListMarkers {
  const styles = new Map(refs.map((r) => [r, markerStyle(text, r)]));
  const bare = refs.filter((r) => styles.get(r) !== null);
  // Headings are short: the few characters after a number are enough to tell one.
  const after = (r: TaskRef) => text.slice(r.end, r.end + 24);
  const explicit = refs.filter((r) => !bare.includes(r));
  const lineOf = (r: TaskRef) => {
    const eol = text.indexOf('\n', r.end);
    return text.slice(r.end, eol < 0 ? text.length : eol);
  };
  const outline = bare.filter(
    (r) =>
      SECTION_HEADING.test(after(r)) ||
      (PROGRESS_HEADING.test(after(r)) && (isHeadingOnly(lineOf(r)) || explicit.length > 0)) ||
      (r.n === 1 && explicit.some((x) => x.index < r.index) && !bare.some((x) => x !== r && x.n === 2)),
  );
  const runs: TaskRef[][] = [];
  const open = new Map<string, TaskRef[]>();
  for (const r of bare) {
    const style = styles.get(r)!;
    const run = open.get(style);
    if (run && r.n === run[run.length - 1]!.n + 1) run.push(r);
    else if (r.n === 1) {
      const fresh = [r];
      runs.push(fresh);
      open.set(style, fresh);
    }
  }
  const counted = runs.flat().sort((a, b) => a.index - b.index);
  if (counted.length < 2) return { items: [], couldBeTasks: false, headings: [], outline };
  const headings = counted.filter((r) => PROGRESS_HEADING.test(after(r)) || SECTION_HEADING.test(after(r)));
  // A message that also names tasks outright, above its list or opening a point ("第4项：1、…2、…",
  // "1、第3项已完成…"), numbers its points, not tasks.
  const opensPoint = (r: TaskRef) => counted.some((x) => /^\s*$/.test(text.slice(x.end, r.index)));
  const namesTasks = explicit.some((r) => r.index < counted[0]!.index || opensPoint(r));
  return { items: counted, couldBeTasks: runs.length === 1 && headings.length === 0 && !namesTasks, headings, outline };
}

/** "老旧小区改造（第一项）": the number follows the name it belongs to, in brackets. */
export function isTrailingRef(text: string, r: TaskRef): boolean {
  return text[r.index - 1] === '(' && text[r.end] === ')';
}

/** The task of `tasks` numbered `n` (its number printed as 3, 三 or (三)). */
export function taskByNumber(tasks: readonly ReplyTask[], n: number): ReplyTask | undefined {
  return tasks.find((t) => taskNumber(t.no) === n || t.no === String(n));
}

/** "第3项、第5项": task numbers as a reply names them. */
export function listTaskNos(nos: readonly string[]): string {
  return nos.map((n) => `第${n}项`).join('、');
}

/** The task number as an integer when it is printed as one (3, 三, (三)); else null. */
export function taskNumber(no: string): number | null {
  return parseNumeral(no.replace(/[()（）.、\s]/g, ''));
}
