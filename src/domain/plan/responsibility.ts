import type { AssignmentRole } from './plan-types.ts';
import { findDateMentions } from './normalise-deadline.ts';
import { splitPersonList, splitUnitList, stripLeadMarker } from './split-names.ts';

/**
 * The responsibility markup of the genre: 牵头领导 / 责任领导 / 分管领导, 牵头单位 / 责任单位 / 参加单位 /
 * 配合单位 / 协办单位, and 完成时限 / 时间节点 / 完成时间, written in a bracket after the item
 * (（）〔〕() 【】) or on lines of their own.
 */

// 牵头领导, and the county / city / town forms of it (牵头县领导, 责任市领导 …).
const LEADER_KEYS = ['牵头', '责任', '分管', '联系', '挂点', '包保', '督办', '挂帅'].flatMap((k) => ['', '区', '县', '市', '镇', '乡', '街道'].map((level) => `${k}${level}领导`));
const LEAD_KEYS = ['牵头单位', '主责单位', '牵头部门', '主责部门'];
const RESPONSIBLE_KEYS = ['责任单位', '承办单位', '落实单位', '责任部门', '主办单位', '实施单位', '责任主体'];
const PARTICIPATING_KEYS = ['参加单位', '配合单位', '协办单位', '参与单位', '协助单位', '配合部门', '参加部门', '协办部门', '协同单位'];
const DEADLINE_KEYS = ['完成时限', '时间节点', '完成时间', '时限要求', '办结时限', '截止时间', '完成期限', '时限'];

type KeyKind = 'leaders' | AssignmentRole | 'deadline';

const KEY_KIND = new Map<string, KeyKind>([
  ...LEADER_KEYS.map((k) => [k, 'leaders'] as const),
  ...LEAD_KEYS.map((k) => [k, 'lead'] as const),
  ...RESPONSIBLE_KEYS.map((k) => [k, 'responsible'] as const),
  ...PARTICIPATING_KEYS.map((k) => [k, 'participating'] as const),
  ...DEADLINE_KEYS.map((k) => [k, 'deadline'] as const),
]);

/** Longest keys first so 牵头区领导 wins over 牵头领导-like prefixes. */
const KEY_SOURCE = [...KEY_KIND.keys()].sort((a, b) => b.length - a.length).join('|');
const KEY_RE = () => new RegExp(`(${KEY_SOURCE})\\s*[:：]`, 'g');
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
  const keys = [...s.matchAll(KEY_RE())];
  keys.forEach((m, i) => {
    const kind = KEY_KIND.get(m[1]!)!;
    const start = m.index! + m[0].length;
    const end = i + 1 < keys.length ? keys[i + 1]!.index! : s.length;
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

/**
 * "（区发改委牵头，区财政局、区商务局配合）": the same markup without keys, rewritten with them.
 */
export function keylessMarkup(content: string): string | null {
  const m = /^\s*([\u4e00-\u9fa5（）()、，,]{2,80}?)\s*(牵头|负责)(?:\s*[，,；;]\s*([\u4e00-\u9fa5（）()、，,]{2,120}?)\s*(配合|参与|协助|协同|协办))?\s*[。.]?\s*$/.exec(content);
  // Only unit names lead: "（由群众监督）" is prose.
  if (!m || !/[局委办部室处心院司队所府会站位门区镇道]$/.test(m[1]!) || /^由/.test(m[1]!)) return null;
  const first = `${m[2] === '牵头' ? '牵头单位' : '责任单位'}：${m[1]}`;
  return m[3] ? `${first}；配合单位：${m[3]}` : first;
}

const UNIT_END = /[局委办部室处心院司队所府会站位门区镇道]$/;
const looksLikeUnits = (list: string): boolean =>
  list.split(/[、和及与]/).every((n) => UNIT_END.test(n.trim()) || /^各(相关|有关)?[\u4e00-\u9fa5（）()]{1,12}$/.test(n.trim()));

/**
 * "整治背街小巷30条，区城管局牵头，各街道配合，10月底前完成。": markup written as clauses of the
 * item's prose, with no keys and no brackets, rewritten with keys. Only clauses whose subject reads
 * as unit names count, so "群众参与" or "统筹负责" stay prose.
 */
export function proseMarkup(text: string): string | null {
  const clauses = text.split(/[，,。；;]/).map((c) => c.trim().replace(/^由/, '')).filter(Boolean);
  const parts: string[] = [];
  for (const c of clauses) {
    const lead = /^(.{2,60}?)\s*(牵头|(?:分别|共同|具体)?负责)$/.exec(c);
    if (lead && looksLikeUnits(lead[1]!)) parts.push(`${lead[2] === '牵头' ? '牵头单位' : '责任单位'}：${lead[1]}`);
    const help = /^(.{2,80}?)\s*(配合|参与|协助|协办|协同)$/.exec(c);
    if (help && looksLikeUnits(help[1]!)) parts.push(`配合单位：${help[1]}`);
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
          const firstKey = content.search(KEY_RE());
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
  const keys = [...text.matchAll(KEY_RE())];
  const atBoundary = keys.find((m) => m.index === 0 || /[。；;.!！\n\s]/.test(text[m.index - 1]!));
  // A scrape can lose the opening bracket and the full stop before it: "…攻坚战责任单位:区发改委)".
  const lastResort = keys.find((m) => /[)）〕】\]]\s*$/.test(text) || m.index > text.length / 2);
  const m = atBoundary ?? lastResort;
  if (!m) return [];
  // Keys just before it in the same run belong to the same markup.
  const first = keys.find((k) => k.index! <= m.index! && !/[。]/.test(text.slice(k.index, m.index))) ?? m;
  return [{ start: first.index!, end: text.length, content: text.slice(first.index) }];
}
