import type { AssignmentRole } from './plan-types.ts';
import { CLAUSE_ENDINGS, LABEL_ROLE, LABEL_SOURCE, type LabelRole } from './labels.ts';
import { findDateMentions } from './normalise-deadline.ts';
import { looksLikeUnit, splitPersonList, splitUnitList, stripLeadMarker } from './split-names.ts';

/**
 * The responsibility markup of the genre: 牵头领导 / 责任领导 / 分管领导, 牵头单位 / 责任单位 / 参加单位 /
 * 配合单位 / 协办单位, and 完成时限 / 时间节点 / 完成时间, written in a bracket after the item
 * (（）〔〕() 【】) or on lines of their own.
 */

type KeyKind = LabelRole;

const KEY_KIND = LABEL_ROLE;
const KEY_SOURCE = LABEL_SOURCE;
const LONGEST_LABEL = Math.max(...[...KEY_KIND.keys()].map((k) => k.length));

interface KeyMatch {
  /** Where the label starts. */
  index: number;
  label: string;
  /** Just after the colon. */
  end: number;
}

/**
 * Every "label：" in the text, left to right: found from the colons, each checked against the
 * labels table by the words just before it — linear in the text, whatever the table's size (one
 * regular expression of ~150 alternatives tried at every position was the slowest step of import).
 */
export function findKeys(text: string): KeyMatch[] {
  const out: KeyMatch[] = [];
  const colons = /[:：]/g;
  for (let hit = colons.exec(text); hit; hit = colons.exec(text)) {
    const c = hit.index;
    let before = c;
    while (before > 0 && /\s/.test(text[before - 1]!)) before--;
    for (let len = Math.min(LONGEST_LABEL, before); len >= 2; len--) {
      const label = text.slice(before - len, before);
      if (KEY_KIND.has(label)) {
        // Not the tail of a longer word: 协同责任单位 is found as itself, not as 责任单位.
        if (out.length === 0 || out[out.length - 1]!.end <= before - len) out.push({ index: before - len, label, end: c + 1 });
        break;
      }
    }
  }
  return out;
}
export const STARTS_WITH_KEY = new RegExp(`^\\s*[（(〔【\\[]?\\s*(?:${KEY_SOURCE})\\s*[:：]`);

export interface Responsibility {
  leaders: string[];
  units: { role: AssignmentRole; name: string }[];
  deadlineText: string | null;
}

export function emptyResponsibility(): Responsibility {
  return { leaders: [], units: [], deadlineText: null };
}

/** Reads "牵头领导：杨峰；责任单位：区科工局；参加单位：…。完成时限：2024年12月底". */
export function parseResponsibility(content: string, into: Responsibility = emptyResponsibility()): Responsibility {
  const s = content.replace(/\*\*/g, '');
  const keys = findKeys(s);
  keys.forEach((m, i) => {
    const kind: KeyKind = KEY_KIND.get(m.label)!;
    const start = m.end;
    const end = i + 1 < keys.length ? keys[i + 1]!.index : s.length;
    const value = dropUnmatchedClosers(s.slice(start, end).replace(/[\s；;。.，,]+$/u, '')).trim();
    if (!value) return;
    if (kind === 'leaders') into.leaders.push(...splitPersonList(value));
    else if (kind === 'deadline') into.deadlineText = into.deadlineText ? `${into.deadlineText}；${value}` : value;
    else {
      for (const raw of splitUnitList(value)) {
        // "责任单位：区发改委，2024年6月底前完成" — a date among the units is the deadline.
        if (isDatePhrase(raw)) {
          into.deadlineText ??= raw;
          continue;
        }
        const { name, lead, helps } = stripLeadMarker(raw);
        into.units.push({ role: lead ? 'lead' : helps ? 'participating' : kind, name });
      }
    }
  });
  return into;
}

const ROLE_KEY: Record<AssignmentRole, string> = { lead: '牵头单位', responsible: '责任单位', participating: '配合单位' };

const looksLikeUnits = (list: string): boolean => {
  const names = splitUnitList(list);
  return names.length > 0 && names.every(looksLikeUnit);
};

/**
 * One clause of markup without labels ("区住建局牵头", "各县市区政府按职责分工负责") → its role and
 * units, when its subject reads as unit names; "群众参与" and "统筹负责" are prose.
 */
function markupClause(clause: string): { role: AssignmentRole; units: string } | null {
  const c = clause.trim().replace(/^由/, '');
  for (const { ending, role } of CLAUSE_ENDINGS) {
    const m = ending.exec(c);
    if (!m || m.index < 2) continue;
    const units = c.slice(0, m.index).trim();
    if (looksLikeUnits(units)) return { role, units };
  }
  return null;
}

/**
 * "（区发改委牵头，区财政局、区商务局配合）" / "（X、Y牵头，Z按职责分工负责）": the markup of the genre
 * without keys, rewritten with keys. Every clause must be markup, the first one a lead or a
 * responsible unit.
 */
export function keylessMarkup(content: string): string | null {
  const clauses = content.split(/[，,；;。]/).map((c) => c.trim()).filter(Boolean);
  if (clauses.length === 0 || clauses.length > 6) return null;
  const read = clauses.map(markupClause);
  if (read.some((r) => r == null) || read[0]!.role === 'participating') return null;
  return read.map((r) => `${ROLE_KEY[r!.role]}：${r!.units}`).join('；');
}

/**
 * "整治背街小巷30条，区城管局牵头，各街道配合，10月底前完成。": markup written as clauses of the
 * item's prose, with no keys and no brackets, rewritten with keys. Only clauses whose subject reads
 * as unit names count, so "群众参与" or "统筹负责" stay prose.
 */
export function proseMarkup(text: string): string | null {
  const clauses = text.split(/[，,。；;]/).map((c) => c.trim()).filter(Boolean);
  const parts: string[] = [];
  for (const c of clauses) {
    const r = markupClause(c);
    if (r) parts.push(`${ROLE_KEY[r.role]}：${r.units}`);
  }
  if (!parts.some((p) => !p.startsWith('配合'))) return null;
  // "2026年12月底前完成征收签约", "年底前完成", "汛期前完成" (kept as written, even without a date).
  const due = [...clauses].reverse().find((c) => [...c].length <= 24 && (isDeadlineClause(c) || /^[\u4e00-\u9fa5]{1,8}前(完成|到位|建成|办结|完工)$/.test(c)));
  if (due) parts.push(`完成时限：${due}`);
  return parts.join('；');
}

function isDeadlineClause(c: string): boolean {
  const m = findDateMentions(c, { year: 2000 })[0];
  return m != null && m.index === 0 && /^(前|底前|以前|之前)?(完成|到位|建成|办结|完工)?/.test(c.slice(m.raw.length)) && /前|完成|到位|建成|办结|完工|底|末/.test(c);
}

/** "区发改委)" after a lost "(" — the closer is not part of the name. */
function dropUnmatchedClosers(v: string): string {
  let out = v;
  const count = (re: RegExp) => (out.match(re) ?? []).length;
  while (/[)）〕】\]]$/.test(out) && count(/[)）〕】\]]/g) > count(/[(（〔【\[]/g)) out = out.slice(0, -1).replace(/[\s；;。.，,]+$/u, '');
  return out;
}

function isDatePhrase(s: string): boolean {
  const m = findDateMentions(s, { year: 2000 })[0];
  return m != null && m.index === 0 && /^[^\u4e00-\u9fa5]*\d|^(年底|年内|上半年|下半年|[一二三四]季度)/.test(s) && !/(局|委|办|中心|镇|街道|公司|部|处|单位)$/.test(s);
}

const OPEN = '（(〔【[';
const CLOSE = '）)〕】]';

export interface Span {
  start: number;
  end: number;
  content: string;
}

/**
 * The spans of `text` that hold responsibility markup: bracketed groups that open with a key, or —
 * when none is bracketed (a scrape that lost its brackets, or keys on their own lines) — the tail
 * from the first key that starts a sentence.
 */
export function findResponsibilitySpans(text: string): Span[] {
  const spans: Span[] = [];
  let depth = 0;
  let openAt = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (OPEN.includes(ch)) {
      if (depth === 0) openAt = i;
      depth++;
    } else if (CLOSE.includes(ch) && depth > 0) {
      depth--;
      if (depth === 0) {
        const content = text.slice(openAt + 1, i);
        if (STARTS_WITH_KEY.test(content)) spans.push({ start: openAt, end: i + 1, content });
        else {
          // "（区发改委牵头，区财政局配合；完成时限：…）": keyless units, then keys.
          const firstKey = findKeys(content)[0]?.index ?? -1;
          const head = firstKey >= 0 ? content.slice(0, firstKey).replace(/[；;，,。\s]+$/u, '') : content;
          const keyless = keylessMarkup(head);
          if (keyless) spans.push({ start: openAt, end: i + 1, content: firstKey >= 0 ? `${keyless}；${content.slice(firstKey)}` : keyless });
        }
      }
    }
  }
  if (depth > 0 && openAt >= 0) {
    // A bracket that never closed (damaged text): keep it if it is markup.
    const content = text.slice(openAt + 1);
    if (STARTS_WITH_KEY.test(content)) spans.push({ start: openAt, end: text.length, content });
  }
  if (spans.length > 0) return spans;
  const keys = findKeys(text);
  const atBoundary = keys.find((m) => m.index === 0 || /[。；;.!！\n\s]/.test(text[m.index - 1]!));
  // A scrape can lose the opening bracket and the full stop before it: "…攻坚战责任单位:区发改委)".
  const closesAtEnd = /[)）〕】\]]\s*$/.test(text.slice(-50));
  const lastResort = keys.find((m) => closesAtEnd || m.index > text.length / 2);
  const m = atBoundary ?? lastResort;
  if (!m) return [];
  // Keys just before it in the same run belong to the same markup.
  const first = keys.find((k) => k.index! <= m.index! && !/[。]/.test(text.slice(k.index, m.index))) ?? m;
  return [{ start: first.index!, end: text.length, content: text.slice(first.index) }];
}
