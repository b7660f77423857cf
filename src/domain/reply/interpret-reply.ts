import { asksQuestion, isDirective, saysNoChange, sharedFileName } from './classify-message.ts';
import { detectStatus } from './detect-status.ts';
import { extractNotes } from './extract-notes.ts';
import { extractPercents, type PercentFinding } from './extract-percent.ts';
import { BARE_MARKER, findTaskRefs, isTrailingRef, listTaskNos, taskByNumber, type TaskRef } from './find-task-refs.ts';
import { PROGRESS_HEADING, SECTION_HEADING } from './outline-headings.ts';
import { label, matchTaskKeywords } from './match-task-keywords.ts';
import { normalizeReplyText, splitQuote } from './normalize-reply-text.ts';
import { readPoints, taskRefsOf } from './read-list-points.ts';
import type { ReplyAction, ReplyContext, ReplyInterpretation, ReplyStatus, ReplyTask } from './reply-types.ts';

/** Longer messages are read only this far: reports are short, and the readers must stay fast. */
const MAX_CHARS = 4000;
const RECEIPT = /^(收到|已收到|收到了|已阅|已读|收悉|已收悉|知悉|已知悉|明白|好的|好|ok|OK|嗯|了解|遵照执行|马上落实|立即落实|抓紧落实|按要求落实|谢谢|感谢|辛苦了|[\s,，.。!！~👌🙏👍✅🌹]|\p{Extended_Pictographic})+$/u;
const RECEIPT_WORD = /(收到|已阅|已读|收悉|知悉)/;

interface Segment {
  refs: number[];
  text: string;
}

interface SegmentFacts {
  percent: number | null;
  bad: PercentFinding[];
  status: ReplyStatus | null;
  problems: string | null;
  nextSteps: string | null;
}

/** What a part of the message says; `task`, when known, is the task that part is about. */
function facts(text: string, task?: ReplyTask): SegmentFacts {
  const found = extractPercents(text, task ? label(task) : null);
  const valid = found.filter((f) => f.valid);
  const percent = valid[0]?.value ?? null;
  const notes = extractNotes(text);
  const status = detectStatus(text, percent, task ? label(task) : null);
  return {
    percent,
    bad: found.filter((f) => f.reason === 'out_of_range'),
    // "完成阶段目标任务的100%": a share of a step says the work moves, no more.
    status: status ?? (found.some((f) => f.reason === 'part') ? 'in_progress' : null),
    ...notes,
  };
}

function hasInfo(f: SegmentFacts): boolean {
  return f.percent !== null || f.status !== null || f.problems !== null || f.nextSteps !== null || f.bad.length > 0;
}

/**
 * "其中3项已完成，即A（第一项）、B（第三项）": numbers written after the names. Each segment runs from
 * the end of the previous one to its bracketed number; the lead-in ("其中3项已完成") is what a segment
 * that says nothing itself says.
 */
function trailingSegments(body: string, refs: TaskRef[]): { lead: string; segments: Segment[] } {
  const first = refs[0]!.index;
  const head = body.slice(0, first);
  const breakAt = Math.max(head.lastIndexOf('即'), head.lastIndexOf(':'), head.lastIndexOf('：'));
  const listStart = breakAt >= 0 ? breakAt + 1 : Math.max(head.lastIndexOf('，'), head.lastIndexOf(','), head.lastIndexOf(';'), head.lastIndexOf('；'), head.lastIndexOf('。')) + 1;
  const ends = [...new Set(refs.map((r) => r.end))].sort((a, b) => a - b);
  const segments = ends.map((e, i) => ({
    refs: refs.filter((r) => r.end === e).map((r) => r.n),
    text: body.slice(i === 0 ? listStart : ends[i - 1]! + 1, e + 1),
  }));
  // "其中3项已完成，即" → "已完成": the count of the listed tasks is not a part of one of them.
  const lead = body.slice(0, listStart)
    .replace(/[，,]?\s*即\s*$/, '')
    .replace(/(?:的有|的是|如下|包括|分别是|分别为)\s*[:：]?\s*$/, '')
    .replace(/(?:其中)?[\d零一二两三四五六七八九十]+项(?=[已均都全正])/, '');
  return { lead, segments };
}

function segmentsOf(body: string, refs: TaskRef[]): { preamble: string; segments: Segment[] } {
  const byStart = new Map<number, number[]>();
  for (const r of refs) {
    const at = headedStart(body, r.index);
    (byStart.get(at) ?? byStart.set(at, []).get(at)!).push(r.n);
  }
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  const segments = starts.map((s, i) => ({
    refs: byStart.get(s)!,
    text: body.slice(s, starts[i + 1] ?? body.length),
  }));
  return { preamble: body.slice(0, starts[0] ?? body.length), segments };
}

/**
 * Where the part about a task starts: at its number, or at the start of its line when only an
 * outline heading stands before it ("二、存在问题：第5项资金不到位" — the heading is said of 第5项,
 * not of the task above).
 */
function headedStart(body: string, index: number): number {
  const lineStart = body.lastIndexOf('\n', index - 1) + 1;
  // A heading is short: a long run of text before the number is not one (and is not scanned).
  if (index - lineStart > 40) return index;
  const prefix = body.slice(lineStart, index).trimStart().replace(BARE_MARKER, '').trimStart();
  return prefix && (PROGRESS_HEADING.test(prefix) || SECTION_HEADING.test(prefix)) && /^[^,，。;；]{0,12}$/.test(prefix) ? lineStart : index;
}

function mergeFacts(a: SegmentFacts, b: SegmentFacts): SegmentFacts {
  const join = (x: string | null, y: string | null) => (x && y && x !== y ? `${x}；${y}` : x ?? y);
  return {
    percent: a.percent ?? b.percent,
    bad: [...a.bad, ...b.bad],
    status: a.status ?? b.status,
    problems: join(a.problems, b.problems),
    nextSteps: join(a.nextSteps, b.nextSteps),
  };
}

/**
 * Understands a reply in a unit's chat: which of its tasks it reports on, how far each is, the
 * status, problems and next steps; or that it is a receipt (收到) or chatter. Pure: the unit's
 * tasks come in as context. When the message cannot be placed with confidence the result carries
 * one short question to ask back instead of a record.
 */
export function interpretReply(raw: string, ctx: ReplyContext): ReplyInterpretation {
  const norm = normalizeReplyText(raw.slice(0, MAX_CHARS * 2), ctx.botName).slice(0, MAX_CHARS);
  const isCorrection = /^更正/.test(norm);
  const { quote, body: quotedBody } = splitQuote(isCorrection ? norm.replace(/^更正[:\s]*/, '') : norm);
  const body = quotedBody;
  const others = ctx.otherTasks ?? [];

  const result: ReplyInterpretation = {
    kind: 'other', action: 'ignore', taskNos: [], percent: null, status: null, hasProblem: false, problems: null, nextSteps: null,
    isProgressReport: false, isReceipt: false, isCorrection, items: [], confidence: 'high', question: null,
  };

  if (body.length <= 40 && RECEIPT.test(body) && RECEIPT_WORD.test(body) && findTaskRefs(body).length === 0) {
    result.isReceipt = true;
    result.kind = 'receipt';
    result.action = 'record';
    return result;
  }

  const fileName = sharedFileName(body);
  if (fileName) return readFileName(fileName, ctx, result);

  // Reports are written in Chinese; code, markup or a row of emoji is not one, whatever digits it holds.
  // A terse "3 80%" (task, share) is the exception.
  if (!/\p{Script=Han}/u.test(body) && !/^(?:\s*\d{1,3}\s+\d{1,3}(?:\.\d+)?\s*%\s*)+$/.test(body)) return result;

  const { refs, points, ask } = taskRefsOf(body, ctx);
  const trailing = refs.length > 0 && refs.every((r) => isTrailingRef(body, r));
  const { segments } = trailing ? { segments: trailingSegments(body, refs).segments } : segmentsOf(body, refs);
  const unknown: number[] = [];
  const foreign: string[] = [];
  let ambiguity: ReplyTask[] = [];
  const planned: { task: ReplyTask; facts: SegmentFacts; text: string }[] = [];

  if (segments.length > 0) {
    // A segment about one task is read knowing that task's title.
    const taskOf = (s: Segment) => (s.refs.length === 1 ? taskByNumber(ctx.tasks, s.refs[0]!) ?? taskByNumber(others, s.refs[0]!) : undefined);
    const segFacts = segments.map((s) => facts(s.text, taskOf(s)));
    if (trailing) {
      // "已完成的有：A（第1项）、B（第9项）；正在推进的有：C（第6项）": a name alone takes the last heading.
      let carry = facts(trailingSegments(body, refs).lead);
      segFacts.forEach((f, i) => {
        if (hasInfo(f)) carry = f;
        else segFacts[i] = carry;
      });
    } else {
      // "第3项和第5项均已完成": a segment that says nothing takes what the next one says — unless it
      // ends its own sentence ("第6项完成。第5项完成60%": 第6项 said its piece, however little).
      for (let i = segFacts.length - 2; i >= 0; i--) {
        if (!hasInfo(segFacts[i]!) && !/[。；;!！?？\n]\s*$/.test(segments[i]!.text)) segFacts[i] = segFacts[i + 1]!;
      }
    }
    segments.forEach((s, i) => {
      for (const n of s.refs) {
        const own = taskByNumber(ctx.tasks, n);
        const other = own ? undefined : taskByNumber(others, n);
        if (own) planned.push({ task: own, facts: segFacts[i]!, text: s.text });
        else if (other) {
          foreign.push(other.no);
          planned.push({ task: other, facts: segFacts[i]!, text: s.text });
        } else unknown.push(n);
      }
    });
  }

  let whole: SegmentFacts | null = null;
  if (planned.length === 0 && unknown.length === 0) {
    whole = facts(body);
    const quoted = quote ? [...new Set(findTaskRefs(quote).map((r) => r.n))] : [];
    const fromQuote = quoted.length === 1 ? taskByNumber(ctx.tasks, quoted[0]!) : undefined;
    const kw = matchTaskKeywords(body, ctx.tasks);
    const target = fromQuote ?? kw.task ?? (ctx.tasks.length === 1 && ctx.guessSoleTask !== false && hasInfo(whole) ? ctx.tasks[0] : undefined);
    if (target) {
      // Now that the task is known, "已完成<its name>" can be read as its completion.
      const known = facts(body, target);
      whole = { ...known, status: known.status ?? whole.status };
      planned.push({ task: target, facts: whole, text: body });
    } else ambiguity = kw.tied.length > 1 ? kw.tied : quoted.length > 1 ? quoted.flatMap((n) => taskByNumber(ctx.tasks, n) ?? []) : [];
  }

  const byTask = new Map<string, { facts: SegmentFacts; text: string }>();
  const conflicts: string[] = [];
  for (const p of planned) {
    const prev = byTask.get(p.task.no);
    if (prev && prev.facts !== p.facts && prev.facts.percent !== null && p.facts.percent !== null && prev.facts.percent !== p.facts.percent) {
      conflicts.push(`第${p.task.no}项写了${prev.facts.percent}%和${p.facts.percent}%两个进度`);
    }
    // The same task named twice: the second mention fills what the first left open.
    byTask.set(p.task.no, prev ? { facts: mergeFacts(prev.facts, p.facts), text: `${prev.text}${p.text}` } : p);
  }
  if (points) {
    for (const task of new Set(planned.map((p) => p.task))) {
      const entry = byTask.get(task.no)!;
      const { disagreement, partShare } = readPoints(entry.text, label(task));
      if (disagreement) conflicts.push(`第${task.no}项${disagreement}`);
      // A part's share, even 100%, is progress of the task and no more.
      else if (partShare) byTask.set(task.no, { ...entry, facts: { ...entry.facts, percent: null, status: entry.facts.status === 'done' ? 'in_progress' : entry.facts.status } });
    }
  }
  for (const [taskNo, { facts: f, text }] of byTask) {
    result.items.push({
      taskNo, percent: f.percent, status: f.status, problems: f.problems, nextSteps: f.nextSteps,
      text: text.trim().slice(0, 1000),
    });
  }

  const allFacts = planned.length > 0 ? [...byTask.values()].map((p) => p.facts) : whole ? [whole] : segments.map((s) => facts(s.text));
  result.taskNos = result.items.map((i) => i.taskNo);
  result.percent = allFacts.find((f) => f.percent !== null)?.percent ?? null;
  result.status = allFacts.find((f) => f.status !== null)?.status ?? null;
  const problems = [...new Set(allFacts.map((f) => f.problems).filter((x): x is string => !!x))];
  const nexts = [...new Set(allFacts.map((f) => f.nextSteps).filter((x): x is string => !!x))];
  result.problems = problems.length ? problems.join('；') : null;
  result.nextSteps = nexts.length ? nexts.join('；') : null;
  result.hasProblem = result.problems !== null;

  const strong = allFacts.some((f) => f.percent !== null || f.status !== null || f.bad.length > 0);
  const referenced = refs.length > 0 || result.items.length > 0;
  const asksSomething = asksQuestion(body) && !strong;
  // "下一步要强化督导", "请各单位加快推进": said to others, not a report of one's own work.
  const directive = refs.length === 0 && !isCorrection && isDirective(body);
  const noChange = !strong && !asksSomething && saysNoChange(body);
  result.isProgressReport =
    noChange || (!asksSomething && !directive && (strong || (referenced && allFacts.some(hasInfo)) || (isCorrection && referenced)));
  if (asksSomething) {
    // A question is the office's to answer: nothing is recorded, the tasks it names go along with it.
    result.kind = 'question';
    result.taskNos = [...new Set(refs.map((r) => taskByNumber(ctx.tasks, r.n)?.no).filter((n): n is string => !!n))];
    result.items = [];
  } else if (noChange) {
    result.kind = 'no_change';
    // Nothing named: nothing moved on any of the unit's tasks here.
    if (result.items.length === 0 && unknown.length === 0 && foreign.length === 0) {
      result.items = ctx.tasks.map((t) => ({ taskNo: t.no, percent: null, status: null, problems: null, nextSteps: null, text: body.slice(0, 1000) }));
      result.taskNos = result.items.map((i) => i.taskNo);
    } else result.items = result.items.map((i) => ({ ...i, percent: null, status: null }));
    result.percent = null;
    result.status = null;
  } else if (result.isProgressReport) result.kind = 'report';
  // Items are what would be recorded: nothing, when this is no report (the named tasks stay in taskNos).
  if (!result.isProgressReport) result.items = [];
  if (directive && !result.isProgressReport) {
    result.status = null;
    result.percent = null;
    result.problems = null;
    result.nextSteps = null;
    result.hasProblem = false;
  }

  const bad = allFacts.flatMap((f) => f.bad);
  const contradictory = allFacts.some((f) => f.status === 'not_started' && f.percent !== null && f.percent > 0);
  const ownNos = ctx.tasks.map((t) => t.no);
  let question: string | null = null;
  if (ask) {
    question = ask;
  } else if (unknown.length > 0) {
    question = `没有找到${listTaskNos(unknown.map(String))}。${ownNos.length ? `本单位的任务是${listTaskNos(ownNos.slice(0, 12))}${ownNos.length > 12 ? '等' : ''}，` : ''}请核对编号后再回复，例如：第${ownNos[0] ?? 1}项 已完成60%。`;
  } else if (foreign.length > 0) {
    question = `${listTaskNos([...new Set(foreign)])}不是本单位牵头或负责的任务，暂未记录。如确需报送，请联系督办室。`;
  } else if (bad.length > 0) {
    question = `“${bad[0]!.raw}”不在0%–100%之间，请说明${result.taskNos[0] ? `第${result.taskNos[0]}项` : '该任务'}完成了百分之几。`;
  } else if (conflicts.length > 0) {
    question = `${conflicts[0]}，请确认实际完成比例。`;
  } else if (contradictory) {
    question = `${result.taskNos[0] ? `第${result.taskNos[0]}项` : '该任务'}写的是“未启动”，又写了完成比例，请确认实际进度。`;
  } else if (result.isProgressReport && result.items.length === 0) {
    question = ambiguity.length > 1
      ? `请问说的是${listTaskNos(ambiguity.slice(0, 4).map((t) => t.no))}中的哪一项？请回复“第N项 进展”。`
      : `请问这是哪一项任务的进展？请按“第N项 进展”回复，例如：第${ownNos[0] ?? 3}项 已完成60%。`;
  }
  if (question) {
    result.question = question;
    result.confidence = 'low';
  }
  result.action = actionOf(result);
  return result;
}

/** What the bot does with a reading: record only what it placed with confidence; otherwise ask once. */
function actionOf(r: ReplyInterpretation): ReplyAction {
  if (r.kind === 'question') return 'forward';
  if (r.isReceipt) return 'record';
  if (!r.isProgressReport) return 'ignore';
  return r.confidence === 'high' && r.items.length > 0 ? 'record' : 'ask';
}

/**
 * A shared file named for tasks ("X局第2项、第5项进展.docx", "标准厂房建设进展.pdf") is a report on
 * them whose content the office reads: it is recorded with no percent and no status. A file that names
 * no task of the unit is left to the evidence path.
 */
function readFileName(name: string, ctx: ReplyContext, result: ReplyInterpretation): ReplyInterpretation {
  const stem = name.replace(/\.[a-z0-9]{1,5}$/i, '');
  const nums = [...new Set(findTaskRefs(stem).map((r) => r.n))];
  const own = nums.map((n) => taskByNumber(ctx.tasks, n)).filter((t): t is ReplyTask => !!t);
  const named = nums.length ? own : [matchTaskKeywords(stem, ctx.tasks).task].filter((t): t is ReplyTask => !!t);
  if (named.length === 0) return result;
  result.kind = 'file';
  result.isProgressReport = true;
  result.items = named.map((t) => ({ taskNo: t.no, percent: null, status: null, problems: null, nextSteps: null, text: `[文件] ${name}` }));
  result.taskNos = result.items.map((i) => i.taskNo);
  if (own.length < nums.length) {
    const missing = nums.filter((n) => !taskByNumber(ctx.tasks, n));
    result.question = `文件名中的${listTaskNos(missing.map(String))}不是本单位的任务，请核对后重新发送，或在文件名中写明任务编号。`;
    result.confidence = 'low';
  }
  result.action = actionOf(result);
  return result;
}
