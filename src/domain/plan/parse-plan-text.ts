import { deadlineInText, extractMilestones, findDateMentions, milestonesFromDeadlineText, normaliseDeadline } from './normalise-deadline.ts';
import { isFurniture, isPublicationNote, readDateLine, readDocumentHeader, type SourceLine } from './document-header.ts';
import { findMechanisms } from './mechanisms.ts';
import { newNumberingState, placeMarker, readMarker, type Marker } from './numbering.ts';
import { emptyResponsibility, findResponsibilitySpans, parseResponsibility, proseMarkup, STARTS_WITH_KEY, type Responsibility } from './responsibility.ts';
import { extractRoster } from './roster.ts';
import type { ImportWarning, ParsedPlan, ParsedSection, ParsedTask } from './plan-types.ts';

export interface ParseOptions {
  /** Source file name, reported as `document`. */
  document: string;
  /** Year for deadlines that print none; default: from the title, else the issue date. */
  year?: number | null | undefined;
}

/** One numbered item of the document, with everything up to the next item. */
interface Block {
  marker: Marker;
  level: number;
  line: number;
  /** Text of the marker's own line, after the numeral. */
  firstLine: string;
  pieces: string[];
  /** Labelled lines (工作目标：…) after the item's markup closed: still the item's text. */
  extra: string[];
  /** Set once responsibility markup ended a physical line: later prose is not the item's. */
  closed: boolean;
  parent: Block | null;
  children: Block[];
  /** Running state, so adding a line costs the line, not the block (no re-joining per line). */
  openBrackets: number;
  /** The last characters of the block's text: enough to see whether it ends in markup. */
  tail: string;
  /** Markup was written on this block's own lines. */
  ownMarkup: boolean;
  /** A child has markup of its own. */
  childMarkup: boolean;
  /** Its markup was written after its sub-points (1)…(4), which are its steps. */
  trailingMarkup: boolean;
}

const TAIL = 2_000;
const OPENERS = /[（(〔【[]/g;
const CLOSERS = /[）)〕】\]]/g;
const SUB_POINT_STYLES = new Set(['(n)', '(cn)', 'n)', 'circled']);

function newBlock(marker: Marker, level: number, line: number, rest: string, parent: Block | null): Block {
  const b: Block = {
    marker, level, line, firstLine: rest, pieces: [rest], extra: [], closed: false, parent, children: [],
    openBrackets: 0, tail: '', ownMarkup: false, childMarkup: false, trailingMarkup: false,
  };
  track(b, rest);
  return b;
}

/** Adds a piece to the block's running state. */
function track(b: Block, piece: string): void {
  b.openBrackets += (piece.match(OPENERS) ?? []).length - (piece.match(CLOSERS) ?? []).length;
  b.tail = (b.tail + piece).slice(-TAIL);
}

function markOwnMarkup(b: Block): void {
  b.ownMarkup = true;
  if (b.parent) b.parent.childMarkup = true;
}

/** "**", "[bookmark: _GoBack]" and edge spaces are not text. */
export function cleanLine(text: string): string {
  return text
    .replace(/\[bookmark:[^\]]*\]/g, '')
    .replace(/\*\*/g, '')
    .replace(/[\u00a0\u3000\ufeff]/g, ' ')
    .trim();
}

/** Plain text → the lines a parser works on, numbered from 1. */
export function toSourceLines(text: string): SourceLine[] {
  return text
    .replace(/^\ufeff/, '')
    .split(/\r\n|\r|\n/)
    .map((t, i) => ({ no: i + 1, text: t }));
}

const LEAD_PHRASE_MAX = 30;

/**
 * Parses a plan written as running text. Items are found by their numbering, tasks by their
 * responsibility markup; headings give sections. Nothing here depends on one document's layout.
 */
export function parsePlanText(source: SourceLine[], opts: ParseOptions): ParsedPlan {
  const warnings: ImportWarning[] = [];
  let numbering = newNumberingState();
  const blocks: Block[] = [];
  const open: Block[] = []; // current block per level
  const head: SourceLine[] = [];

  const unplaced: { line: number; text: string; after: Block }[] = [];
  let loneMarker: { text: string; no: number } | null = null;
  let tail = false;
  // Numbered paragraphs without markup may be a notice's own (一、高度重视…) before the plan it sends.
  // Whether any block has markup is kept up to date incrementally (checked when asked, once per block).
  let checkedUpTo = 0;
  let markupSeen = false;
  const anyMarkupYet = (): boolean => {
    for (; !markupSeen && checkedUpTo < blocks.length; checkedUpTo++) {
      const b = blocks[checkedUpTo]!;
      if (b.ownMarkup || proseMarkup(b.pieces.join(''))) markupSeen = true;
    }
    return markupSeen;
  };
  const mark = (b: Block): void => {
    markOwnMarkup(b);
    markupSeen = true;
  };
  /** Where a notice's date line cut the document, when nothing before it had markup. */
  let noticeEnd = 0;
  for (const line of source) {
    let src = line;
    let text = cleanLine(src.text);
    if (!text || isFurniture(text)) continue;
    // "附件：" / "附件下载：" after the body: what follows lists files, not items.
    if (blocks.length > 0 && /^(附件|附件下载|相关附件|附件列表)\s*[:：]?$/.test(text)) tail = true;
    if (tail) continue;
    // A notice's date line or publication note after numbered paragraphs without markup: the notice
    // may end here. What follows starts its own numbering; whether the paragraphs before were a
    // preamble is decided at the end (if a plan with markup follows).
    if (blocks.length > 0 && (readDateLine(text) || isPublicationNote(text)) && !anyMarkupYet()) {
      numbering = newNumberingState();
      open.length = 0;
      noticeEnd = blocks.length;
      head.push({ no: src.no, text });
      continue;
    }
    // A numeral on a line of its own (converted lists): it opens the next line.
    if (/^[（(]?[一二三四五六七八九十\d]{1,6}[）)、.．]$|^[（(][一二三四五六七八九十\d]{1,6}[）)]$/.test(text)) {
      loneMarker = { text, no: src.no };
      continue;
    }
    if (loneMarker) {
      text = loneMarker.text + text;
      src = { no: loneMarker.no, text };
      loneMarker = null;
    }
    const marker = readMarker(text);
    if (marker) {
      let placed = placeMarker(numbering, marker);
      // 一、 again after 一、二、三、 that had no markup: the notice's paragraphs were a preamble.
      if (!placed && marker.value === 1 && (marker.style === 'cn、' || marker.style === '第cn') && numbering.stack[0]?.style === marker.style && !anyMarkupYet()) {
        blocks.length = 0;
        open.length = 0;
        unplaced.length = 0;
        noticeEnd = 0;
        checkedUpTo = 0;
        numbering = newNumberingState();
        placed = placeMarker(numbering, marker);
      }
      if (placed) {
        numbering = placed.state;
        const level = placed.level;
        open.length = level;
        const parent = level > 0 ? (open[level - 1] ?? null) : null;
        const rest = text.slice(marker.length).trim();
        const block = newBlock(marker, level, src.no, rest, parent);
        if (placed.repeat) {
          warnings.push({ line: src.no, code: 'numbering', message: `条目编号 ${marker.label} 与上一条相同，已作为单独的条目导入，请核对编号` });
        }
        parent?.children.push(block);
        blocks.push(block);
        open.push(block);
        block.closed = endsWithMarkup(rest);
        if (block.closed || STARTS_WITH_KEY.test(rest)) mark(block);
        continue;
      }
    }
    let current = open[open.length - 1];
    if (!current) {
      head.push({ no: src.no, text });
      continue;
    }
    // Inside an open bracket a line is the markup wrapping on ("完成" / "时限：…").
    const openBracket = current.openBrackets > 0;
    if (STARTS_WITH_KEY.test(text) && !openBracket) {
      // (1)…(4) with no markup of their own, then one markup block: it is their parent's — one task
      // whose sub-points are its steps. After a single sub-point it stays that item's.
      const parent = current.parent;
      if (parent && SUB_POINT_STYLES.has(current.marker.style) && parent.children.length >= 2 && !parent.childMarkup && !parent.ownMarkup && !current.closed) {
        open.length = parent.level + 1;
        current = parent;
        current.trailingMarkup = true;
      }
      current.pieces.push(`\n${text}`);
      track(current, `\n${text}`);
      current.closed = endsWithMarkup(text);
      mark(current);
    } else if (!current.closed) {
      // "新建学校3所" then "工作目标：…" on the next line: a field label starts a new sentence.
      const prev = current.pieces[current.pieces.length - 1] ?? '';
      if (prev && !openBracket && !/[。；;：:，,、！？!?）)”]$/.test(prev) && /^[\u4e00-\u9fa5]{2,8}[:：]/.test(text)) {
        current.pieces.push('。');
        track(current, '。');
      }
      current.pieces.push(text);
      track(current, text);
      current.closed = endsWithMarkup(current.tail);
      if (current.closed) mark(current);
    } else if (FIELD_LINE.test(text)) {
      // "工作目标：…" under an item whose markup is already closed: still the item's own text.
      current.extra.push(text);
    } else {
      // Prose after an item's markup (a note, an explanation) is not the item: say so, never drop it quietly.
      unplaced.push({ line: src.no, text, after: current });
    }
  }

  if (noticeEnd > 0 && noticeEnd < blocks.length) {
    const before = blocks.slice(0, noticeEnd);
    const hasMarkup = (b: Block) => b.ownMarkup || proseMarkup(b.pieces.join('')) != null;
    if (!before.some(hasMarkup) && blocks.slice(noticeEnd).some(hasMarkup)) {
      const dropped = new Set(before);
      blocks.splice(0, noticeEnd);
      const kept = unplaced.filter((u) => !dropped.has(u.after));
      unplaced.length = 0;
      unplaced.push(...kept);
    }
  }

  const header = readDocumentHeader(head, source.map((l) => ({ no: l.no, text: cleanLine(l.text) })));
  const title = header.title ?? opts.document;
  const year = opts.year ?? yearFrom(title) ?? (header.issuedOn ? Number(header.issuedOn.slice(0, 4)) : null);

  // Sub-points that are the steps of one task: (1)…(4) followed by the markup they share (moved to
  // their parent while reading), or ①② under an item that carries its own markup. They become the
  // task's milestones and part of its text, not tasks of their own.
  const steps = new Map<Block, Block[]>();
  for (const b of blocks) {
    const kids = b.children;
    if (!b.ownMarkup || b.childMarkup || kids.length === 0) continue;
    if (!kids.every((c) => c.children.length === 0 && SUB_POINT_STYLES.has(c.marker.style) && !proseMarkup(c.pieces.join('')))) continue;
    if (!b.trailingMarkup && !kids.every((c) => c.marker.style === 'circled')) continue;
    steps.set(b, kids);
    b.children = [];
  }
  if (steps.size > 0) {
    const gone = new Set([...steps.values()].flat());
    const kept = blocks.filter((b) => !gone.has(b));
    blocks.length = 0;
    blocks.push(...kept);
  }
  const stepText = (k: Block): string => k.pieces.join('').replace(/\n/g, '').trim();
  const stepLabel = (k: Block): string =>
    k.marker.style === 'circled' ? k.marker.label : k.marker.style === 'n)' ? `${k.marker.label}）` : `（${k.marker.label}）`;

  // Classify: task (has markup), heading (short line, no sentence), or plain item.
  interface Info {
    text: string;
    resp: Responsibility | null;
    /** Markup read from the item's prose: used where the document writes no other kind. */
    prose: Responsibility | null;
  }
  const info = new Map<Block, Info>();
  for (const b of blocks) {
    const joined = b.pieces.join('');
    const spans = findResponsibilitySpans(joined);
    let text = joined;
    let resp: Responsibility | null = null;
    let prose: Responsibility | null = null;
    if (spans.length > 0) {
      resp = emptyResponsibility();
      for (const s of spans) parseResponsibility(s.content, resp);
      for (const s of [...spans].reverse()) text = text.slice(0, s.start) + text.slice(s.end);
    } else if (b.children.length === 0) {
      // "…，由区住建局牵头，各街道配合，10月底前完成。": markup in the prose; the text stays as printed.
      const markup = proseMarkup(joined.replace(/\n/g, ''));
      if (markup) prose = parseResponsibility(markup, emptyResponsibility());
    }
    let body = text.replace(/\n/g, '').trim();
    const own = steps.get(b);
    if (own) body = `${body}${/[。；;：:！？!?]$/.test(body) || !body ? '' : '：'}${own.map((k) => `${stepLabel(k)}${stepText(k)}`).join('')}`;
    info.set(b, { text: b.extra.length ? `${body}${/[。；;！？!?]$/.test(body) ? '' : '。'}${b.extra.join('')}` : body, resp, prose });
  }
  /** Markup written on an enclosing item applies to the items under it that have none. */
  const inherited = (b: Block): Responsibility | null => {
    for (let p = b.parent; p; p = p.parent) if (info.get(p)!.resp) return info.get(p)!.resp;
    return null;
  };
  // Prose markup makes tasks when the document marks no item any other way, or beside marked
  // siblings; never under 保障措施 / 工作要求, whose "X牵头" lines are arrangements, not tasks.
  const anyExplicit = blocks.some((b) => info.get(b)!.resp != null);
  const underArrangements = (b: Block): boolean => {
    for (let p: Block | null = b; p; p = p.parent) if (ARRANGEMENT_HEADING.test(p.firstLine)) return true;
    return false;
  };
  for (const b of blocks) {
    const i = info.get(b)!;
    if (i.prose && !anyExplicit && !underArrangements(b)) i.resp = i.prose;
  }
  // Only leaf items are tasks; an item with items under it is a section, even with markup.
  const isTask = (b: Block): boolean => b.children.length === 0 && (info.get(b)!.resp != null || inherited(b) != null);
  const firstLineText = (b: Block): string => {
    const spans = findResponsibilitySpans(b.firstLine);
    let t = b.firstLine;
    for (const sp of [...spans].reverse()) t = t.slice(0, sp.start) + t.slice(sp.end);
    return t.trim();
  };
  const isHeading = (b: Block): boolean => !/[。；;!！?？]/.test(firstLineText(b)) && [...firstLineText(b)].length <= 40;

  // An unmarked item among marked siblings is still a task, with a warning — never dropped.
  // Tasks per parent and numbering style, counted once (not by scanning the siblings of every item).
  const taskCount = new Map<string, number>();
  const groupOf = new Map<Block | null, number>();
  const keyOf = (b: Block) => {
    if (!groupOf.has(b.parent)) groupOf.set(b.parent, groupOf.size);
    return `${groupOf.get(b.parent)}|${b.marker.style}`;
  };
  // Items of the same style at the same depth under other headings count for prose markup: "3.…，
  // 镇建设办负责，11月底前完成。" under 二、 beside 1. and 2. with bracketed markup under 一、.
  const tasksAtDepth = new Map<string, number>();
  for (const b of blocks) {
    if (!isTask(b)) continue;
    taskCount.set(keyOf(b), (taskCount.get(keyOf(b)) ?? 0) + 1);
    tasksAtDepth.set(`${b.level}|${b.marker.style}`, 1);
  }
  const taskBlocks = blocks.filter((b) => {
    if (isTask(b)) return true;
    if (b.children.length === 0 && !isHeading(b) && !(taskCount.get(keyOf(b)) ?? 0) && info.get(b)!.prose && tasksAtDepth.has(`${b.level}|${b.marker.style}`) && !underArrangements(b)) {
      info.get(b)!.resp = info.get(b)!.prose;
      return true;
    }
    if (b.children.length === 0 && !isHeading(b) && (taskCount.get(keyOf(b)) ?? 0) > 0) {
      const prose = info.get(b)!.prose;
      if (prose && !underArrangements(b)) {
        info.get(b)!.resp = prose;
        taskCount.set(keyOf(b), (taskCount.get(keyOf(b)) ?? 0) + 1);
        return true;
      }
      warnings.push({ line: b.line, code: 'untasked_item', message: `条目 ${b.marker.label} 没有写明责任单位或完成时限，已作为任务导入，请补充责任单位` });
      return true;
    }
    return false;
  });

  // Sections: every ancestor of a task.
  const sections: ParsedSection[] = [];
  const sectionKey = new Map<Block, string>();
  const sectionTitle = (b: Block): string => {
    if (isHeading(b)) return firstLineText(b);
    const text = info.get(b)!.text;
    const stop = text.search(/[。；;]/);
    return [...(stop > 0 ? text.slice(0, stop) : text)].slice(0, 40).join('');
  };
  const ensureSection = (b: Block): string => {
    const known = sectionKey.get(b);
    if (known) return known;
    const parentKey = b.parent ? ensureSection(b.parent) : null;
    const key = `${parentKey ? `${parentKey}/` : ''}${b.marker.label}`;
    sectionKey.set(b, key);
    sections.push({ key, parentKey, level: b.level + 1, ordinal: b.marker.value, label: b.marker.label, title: sectionTitle(b) });
    return key;
  };

  const leadPhrases = taskBlocks.map((b) => leadPhrase(info.get(b)!.text));
  const withPhrase = leadPhrases.filter(Boolean).length;
  // A document either opens its items with a lead phrase or it does not (003): decide once.
  const useTitles = taskBlocks.length > 0 && withPhrase / taskBlocks.length >= 0.6;

  const tasks: ParsedTask[] = taskBlocks.map((b, i) => {
    const { text, resp } = info.get(b)!;
    const stepMilestones = (steps.get(b) ?? []).map((k) => {
      const t = stepText(k);
      const due = findDateMentions(t, { year }).find((m) => m.date);
      return { dueOn: due?.date ?? null, deadlineText: due?.raw ?? '', text: `${stepLabel(k)}${t}` };
    });
    const own = resp ?? emptyResponsibility();
    const up = inherited(b) ?? emptyResponsibility();
    const r: Responsibility = {
      leaders: own.leaders.length ? own.leaders : up.leaders,
      units: own.units.length ? own.units : up.units,
      // No 完成时限: the last dated step's date, else a "…9月底前建成…" in the item's own words.
      deadlineText: own.deadlineText ?? up.deadlineText ?? stepMilestones.filter((m) => m.dueOn).pop()?.deadlineText ?? deadlineInText(text, { year }),
    };
    const ancestors: Block[] = [];
    for (let p = b.parent; p; p = p.parent) ancestors.unshift(p);
    const deadline = normaliseDeadline(r.deadlineText, { year });
    if (r.deadlineText && deadline.kind === 'none') {
      warnings.push({ line: b.line, code: 'deadline', message: `任务 ${b.marker.label} 的完成时限“${r.deadlineText}”无法换算成日期${year == null ? '（文件未写年份，可用 --year 指定）' : ''}` });
    }
    const milestones = stepMilestones.length > 0 ? stepMilestones : r.deadlineText ? milestonesFromDeadlineText(r.deadlineText, { year }) : [];
    return {
      no: b.marker.label,
      seq: i + 1,
      line: b.line,
      sectionKey: b.parent ? ensureSection(b.parent) : null,
      sections: ancestors.map(sectionTitle),
      title: useTitles ? (leadPhrases[i] ?? null) : null,
      text,
      leaders: r.leaders,
      units: r.units.map((u, ordinal) => ({ role: u.role, rawName: u.name, ordinal, collective: false, resolved: null, suggestions: [] })),
      deadline,
      milestones: milestones.length > 0 ? milestones : extractMilestones(text, { year }),
    };
  });

  // Numbers repeat when items are numbered per section (1. under （一）, 1. again under （二）) or
  // nest ((1) under 1.): the deeper of two equal numbers takes its parent's number as a prefix.
  if (new Set(tasks.map((t) => t.no)).size < tasks.length) {
    const owner = taskBlocks.map((b) => b.parent);
    for (let round = 0; round < 6 && new Set(tasks.map((t) => t.no)).size < tasks.length; round++) {
      const groups = new Map<string, number[]>();
      tasks.forEach((t, i) => (groups.get(t.no) ?? groups.set(t.no, []).get(t.no)!).push(i));
      const prefixParents = new Set<Block>();
      for (const idx of groups.values()) {
        if (idx.length < 2) continue;
        const depth = (i: number) => taskBlocks[i]!.level;
        const shallowest = Math.min(...idx.map(depth));
        const deeper = idx.filter((i) => depth(i) > shallowest);
        for (const i of deeper.length ? deeper : idx) if (owner[i]) prefixParents.add(owner[i]!);
      }
      if (prefixParents.size === 0) break;
      // Every task under a prefixed parent gets the prefix, so siblings read alike (1.1, 1.2).
      tasks.forEach((t, i) => {
        const p = owner[i];
        if (p && prefixParents.has(p)) {
          t.no = `${p.marker.label}.${t.no}`;
          owner[i] = p.parent;
        }
      });
    }
    warnings.push({ code: 'numbering', message: `任务编号有重复（各部分重新编号或多级编号），已加上上级序号以保持唯一：${tasks.map((t) => t.no).slice(0, 6).join('、')}${tasks.length > 6 ? '…' : ''}` });
    const seen = new Set<string>();
    for (const t of tasks) {
      if (seen.has(t.no)) {
        warnings.push({ line: t.line ?? undefined, code: 'numbering', message: `任务编号 ${t.no} 重复，已改为 ${t.no}#${t.seq}` });
        t.no = `${t.no}#${t.seq}`;
      }
      seen.add(t.no);
    }
  }

  // Consecutive lines after one item's markup make one warning.
  for (let i = 0; i < unplaced.length; ) {
    let j = i;
    while (j + 1 < unplaced.length && unplaced[j + 1]!.after === unplaced[i]!.after && unplaced[j + 1]!.line <= unplaced[j]!.line + 1) j++;
    const first = unplaced[i]!;
    const text = unplaced.slice(i, j + 1).map((u) => u.text).join('');
    const shown = [...text].length > 30 ? `${[...text].slice(0, 30).join('')}…` : text;
    warnings.push({
      line: first.line,
      code: 'unplaced_text',
      message: `${j > i ? `（至第${unplaced[j]!.line}行）` : ''}“${shown}”写在条目 ${first.after.marker.label} 的分工标记之后，未作为任务内容导入；如属于该任务，请移到括号之前`,
    });
    i = j + 1;
  }

  const untaskedLines = new Set(warnings.filter((w) => w.code === 'untasked_item').map((w) => w.line ?? null));
  for (const t of tasks) {
    if (t.units.length === 0 && !untaskedLines.has(t.line)) {
      warnings.push({ line: t.line ?? undefined, code: 'no_units', message: `任务 ${t.no} 没有写明责任单位` });
    }
  }
  if (tasks.length === 0) {
    warnings.push({
      code: 'no_tasks',
      message: blocks.length > 0
        ? `找到 ${blocks.length} 个编号条目，但都没有“牵头单位/责任单位/完成时限”等分工标记，未识别出任务（这可能是工作报告而不是责任分工方案）`
        : '没有找到编号条目（一、/（一）/1.），未识别出任务',
    });
  }

  const allText = source.map((l) => cleanLine(l.text)).filter(Boolean).join('');
  return {
    document: opts.document,
    title,
    issuer: header.issuer,
    docNumber: header.docNumber,
    issuedOn: header.issuedOn,
    year,
    sections,
    tasks,
    roster: extractRoster(source),
    mechanisms: findMechanisms(allText),
    warnings,
  };
}

const ARRANGEMENT_HEADING = /^(保障措施|工作要求|组织保障|工作保障|组织实施|实施保障|有关要求|相关要求|工作机制|推进机制|督查考核|考核问责)/;

/** A labelled line that belongs to the item above it: 工作目标：… / 具体措施：… */
const FIELD_LINE = /^(工作目标|目标任务|具体目标|主要目标|年度目标|工作内容|主要内容|建设内容|具体措施|工作措施|主要措施|工作举措|推进措施|考核指标|预期成效|工作要求|建设规模|总投资|年度计划)[:：]/;

function endsWithMarkup(text: string): boolean {
  const t = text.replace(/\s+$/, '');
  const spans = findResponsibilitySpans(t);
  const last = spans[spans.length - 1];
  return last != null && last.end === t.length && /[）)〕】\]]$/.test(t);
}

export function yearFrom(text: string): number | null {
  const m = /((?:19|20)\d{2})\s*年/.exec(text);
  return m ? Number(m[1]) : null;
}

/** "加快惠企政策落实落地。聚焦…" → 加快惠企政策落实落地: a short phrase closed by 。 with more text after. */
export function leadPhrase(text: string): string | null {
  const i = text.indexOf('。');
  if (i <= 0) return null;
  const phrase = text.slice(0, i).trim();
  const rest = text.slice(i + 1).trim();
  if ([...phrase].length > LEAD_PHRASE_MAX || rest.length === 0) return null;
  return phrase;
}
