import { detectStatus } from './detect-status.ts';
import { extractPercents } from './extract-percent.ts';
import { BARE_MARKER, findTaskRefs, listMarkers, listTaskNos, markerText, taskByNumber, taskNumber, type TaskRef } from './find-task-refs.ts';
import { compactTitle, label, longestCommon, matchTaskKeywords } from './match-task-keywords.ts';
import { PROGRESS_HEADING, SECTION_HEADING } from './outline-headings.ts';
import { PART_WORD } from './progress-stages.ts';
import type { ReplyContext, ReplyStatus, ReplyTask } from './reply-types.ts';

/**
 * Replies written as the unit's own outline or list ("1、… 2、…", "一、工作进展 … 二、存在问题 …"):
 * which numbers are tasks, which are the writer's points, and what a list of points about one task
 * can and cannot say as one record.
 */

/**
 * The task numbers a message names, without the numbers of its own outline (see listMarkers).
 * - A list that could be task numbers is, when every number is one of the unit's tasks and no line
 *   above it names a task ("1、已完成\n2、60%" from the unit of tasks 1 and 2) — unless a point names
 *   another task by its words ("2、标准厂房建设…" where 标准厂房 is 第4项): then it asks.
 * - Otherwise the numbers are the writer's own points. Points headed by a task's name ("（一）充电站
 *   建设\n1、完成70%\n（二）老旧小区改造…") stand for those tasks, each with the points under it;
 *   else the numbers are dropped and `points` says so. Two tasks named that way, when the first
 *   point names none, are asked about rather than guessed.
 * `ask` is the question to ask instead of recording.
 */
export function taskRefsOf(body: string, ctx: ReplyContext): { refs: TaskRef[]; points: boolean; ask: string | null } {
  const found = findTaskRefs(body);
  const { items, couldBeTasks, headings, outline } = listMarkers(body, found);
  const refs = found.filter((r) => !outline.includes(r));
  const everyTask = [...ctx.tasks, ...(ctx.otherTasks ?? [])];
  const own = (r: TaskRef) => taskByNumber(ctx.tasks, r.n);
  if (items.length === 0) {
    // "1、11月完成60%": a figure item outside a list is no reference at all.
    const plain = refs.filter((r) => !r.figure);
    // One numbered line copied from a report: "3.标准厂房建设已封顶" where 标准厂房 is 第4项.
    const lone = plain.length === 1 && own(plain[0]!) && (markerText(body, plain[0]!) || /^\s*\d{1,3}\s/.test(body.slice(plain[0]!.index))) ? plain[0]! : null;
    const line = lone ? firstClause(lineAfter(body, lone)) : '';
    const named = lone ? matchTaskKeywords(line, everyTask).task : null;
    return { refs: plain, points: false, ask: lone && named && named !== own(lone) && !mentions(line, own(lone)!) ? mismatch(body, lone, named) : null };
  }
  const points = items.filter((r) => !headings.includes(r));
  const textOf = (r: TaskRef) => body.slice(r.end, items.find((x) => x.index > r.index)?.index ?? body.length);
  const named = points.map((r) => matchTaskKeywords(textOf(r), everyTask).task);
  // "市民中心：\n1、…\n2、…": the line above the list names the task its points are about;
  // "本周工作：\n1、…": a heading above it makes it the writer's outline.
  const intro = body.slice(0, items[0]!.index).trim();
  const above = matchTaskKeywords(intro, ctx.tasks).task;
  const headed = PROGRESS_HEADING.test(intro) || SECTION_HEADING.test(intro);
  if (couldBeTasks && !above && !headed && items.every(own)) {
    // What a point is about is said first ("2、保障房完成40%，含市民中心周边安置房" is about 保障房).
    const about = points.map((r) => matchTaskKeywords(firstClause(textOf(r)), everyTask).task);
    const odd = points.findIndex((r, i) => about[i] && about[i] !== own(r) && !mentions(textOf(r), own(r)!));
    return { refs, points: false, ask: odd < 0 ? null : mismatch(body, points[odd]!, about[odd]!) };
  }
  const rest = refs.filter((r) => !items.includes(r));
  const ownNamed = named.map((t) => (t && ctx.tasks.includes(t) ? t : null));
  if (rest.length === 0 && !above && ownNamed[0]) {
    const heads = points.flatMap((r, i) => {
      const n = ownNamed[i] ? taskNumber(ownNamed[i]!.no) : null;
      return n === null ? [] : [{ ...r, n }];
    });
    return { refs: heads, points: true, ask: null };
  }
  const tasks = [...new Set([above, ...ownNamed].filter((t): t is ReplyTask => !!t))];
  const ask = rest.length === 0 && tasks.length > 1 ? `请问说的是${listTaskNos(tasks.slice(0, 4).map((t) => t.no))}中的哪一项？请按“第N项 进展”逐项回复。` : null;
  return { refs: rest, points: true, ask };
}

// Words every title has: common ones alone name no task.
const TITLE_VERBS = /建设|改造|工程|项目|推进|加快|实施|开展|提升|完成|工作|行动|推动|加强/g;

/** Whether a text names a task by words of its title ("5.道路提升完成80%，同步实施污水管网改造" names 第5项 too). */
function mentions(text: string, task: ReplyTask): boolean {
  const common = longestCommon(text, compactTitle(label(task)));
  // Beyond the words every title has: "房建设" (标准厂房建设 ~ 保障性住房建设) names neither.
  return common.length >= 3 && common.replace(TITLE_VERBS, '').length >= 2;
}

/** A text up to its first clause break. */
function firstClause(text: string): string {
  const cut = text.search(/[，,。；;\n]/);
  return cut < 0 ? text : text.slice(0, cut);
}

/** The rest of the line after a reference. */
function lineAfter(body: string, r: TaskRef): string {
  const eol = body.indexOf('\n', r.end);
  return body.slice(r.end, eol < 0 ? body.length : eol);
}

/** 编号和内容对不上：“2.”后面写的像是第4项 — the number as the writer wrote it. */
function mismatch(body: string, r: TaskRef, named: ReplyTask): string {
  const written = markerText(body, r) ?? body.slice(r.index, r.end).trim();
  return `编号和内容对不上：“${written}”后面写的像是第${named.no}项。请按“第N项 进展”逐项回复，例如：第${named.no}项 已完成60%。`;
}

// Words that say nothing of what a share is of ("截至11月底累计完成投资…占年度计划的"): left, the share is the task's.
const SHARE_LEAD = /第[^项条]{1,6}[项条]|(?:截至|截止|到)?(?:[\d一二三四五六七八九十]+月(?:底|末|份|中旬|上旬|下旬|\d+日)?|目前|当前|本周|本月|今年以来|年初以来|以来)|已经|已|累计|共计|完成|完工|建成|总体|整体|项目|工程|任务|形象|进度|进展|情况|推进|改造|建设|施工|实施|总|的|达到|达|为|约|近|占|年度|全年|计划|投资|资金|实际|工作|了|亿元|万元|元|[个座栋家户处套项]|[\d.,，、:：;；\s()%]/g;
// A named part: "一期", "A片区", "2号停车场", "第二批".
const NAMED_PART = new RegExp(PART_WORD);

/**
 * How a list of points about one task reads as one record. `disagreement`: what cannot be one record
 * — two shares ("1、一期完成100%\n2、二期完成30%"), or one point finished beside another still
 * under way. `partShare`: the one share written is said of a named part ("2、背街小巷整治完成50%",
 * "1、城市更新一期完成60%"), not of the task: it is not the task's percent.
 */
export function readPoints(text: string, title: string | null): { disagreement: string | null; partShare: boolean } {
  const { items } = listMarkers(text, findTaskRefs(text));
  const cuts = [0, ...items.map((r) => r.index), text.length];
  const pieces = cuts.slice(1).map((end, i) => text.slice(cuts[i], end)).filter((p) => p.trim());
  const shares: { value: number; said: string }[] = [];
  const statuses = new Set<ReplyStatus>();
  for (const piece of pieces) {
    const share = extractPercents(piece, title).find((f) => f.valid);
    if (share) shares.push({ value: share.value, said: clauseBefore(piece, share.index).replace(BARE_MARKER, '') });
    const status = detectStatus(piece, share?.value ?? null, title);
    if (status) statuses.add(status);
  }
  const values = [...new Set(shares.map((x) => x.value))];
  if (values.length > 1) return { disagreement: `的分项写了${values.map((v) => `${v}%`).join('和')}`, partShare: false };
  if (statuses.has('done') && statuses.size > 1) return { disagreement: '有的分项写了已完成、有的还在推进', partShare: false };
  return { disagreement: null, partShare: shares.some((x) => !saidOfTask(x.said, title)) };
}

/** What a share is said of: its clause up to it, or — when that names nothing ("…施工中，完成60%") — the whole point up to it. */
function clauseBefore(piece: string, at: number): string {
  const before = piece.slice(0, at);
  const clause = before.slice(Math.max(before.lastIndexOf('，'), before.lastIndexOf(','), before.lastIndexOf('；'), before.lastIndexOf(';')) + 1);
  return clause.replace(SHARE_LEAD, '').length > 0 ? clause : before;
}

/** Whether what a share is said of is the task: nothing but generic words, or the task's own name, and no named part. */
function saidOfTask(said: string, title: string | null): boolean {
  if (NAMED_PART.test(said)) return false;
  const rest = said.replace(SHARE_LEAD, '');
  if (rest.length < 2) return true;
  const name = compactTitle(title ?? '');
  return !!name && (name.includes(rest) || longestCommon(rest, name).length >= 3);
}
