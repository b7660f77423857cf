import { addDays } from '../calendar/shanghai-time.ts';
import { SPRING_FESTIVAL } from '../calendar/statutory-holidays.ts';
import type { DeadlineInfo, ParsedMilestone } from './plan-types.ts';

/**
 * Chinese deadline phrases → calendar dates, keeping the words. Pure: the year a bare phrase
 * (年底前, 6月30日前) belongs to is passed in, never read from a clock.
 */
export interface DeadlineOptions {
  /** The plan's year, for phrases that print no year. */
  year?: number | null | undefined;
}

export interface DateMention {
  index: number;
  raw: string;
  /** YYYY-MM-DD, or null when the phrase names no year and none was given. */
  date: string | null;
}

const CN_DIGIT: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const CN_NUM = '(?:十[一二]?|[一二三四五六七八九])';
const NUM = `(?:\\d{1,2}|${CN_NUM})`;
// 次年/明年/翌年: the year after the plan's.
const YEAR = '(?:(\\d{4}|次|明|翌)\\s*年\\s*)?';

/** Full-width digits and letters to ASCII, so one grammar covers both. */
export function toHalfWidthDigits(s: string): string {
  return s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function cnNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const ten = s.indexOf('十');
  if (ten < 0) return s.length === 1 ? (CN_DIGIT[s] ?? NaN) : NaN;
  const tens = ten === 0 ? 1 : (CN_DIGIT[s.slice(0, ten)] ?? NaN);
  const ones = ten === s.length - 1 ? 0 : (CN_DIGIT[s.slice(ten + 1)] ?? NaN);
  return tens * 10 + ones;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function ymd(y: number, m: number, d: number): string | null {
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m))) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * The deadline phrases of the genre, as a table: each rule a pattern (matched at a position), how it
 * becomes a date, and examples with the date they mean in a plan of 2026 — the tests read every
 * example, so adding a phrase means adding its example.
 */
export interface Rule {
  name: string;
  examples: [text: string, date: string][];
  re: RegExp;
  /** year → date for this match (null when impossible). */
  resolve(m: RegExpExecArray, year: number | null): string | null | undefined;
}

const yearOf = (m: RegExpExecArray, fallback: number | null): number | null => {
  if (!m[1]) return fallback;
  if (/^\d+$/.test(m[1])) return Number(m[1]);
  return fallback == null ? null : fallback + 1;
};

// Order matters: the longest, most specific forms first at any position.
export const DEADLINE_PHRASES: readonly Rule[] = [
  {
    name: 'date in figures',
    examples: [['2026-06-30', '2026-06-30'], ['2026.9.1', '2026-09-01']],
    re: /(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)/y,
    resolve: (m) => ymd(Number(m[1]), Number(m[2]), Number(m[3])),
  },
  {
    // 2026.12 / 2026-09 / 2026/6: a month written in figures is its last day.
    name: 'month in figures',
    examples: [['2026.12', '2026-12-31'], ['2027-02', '2027-02-28']],
    re: /(\d{4})[-./．](\d{1,2})(?![\d.．/-])/y,
    resolve: (m) => {
      const y = Number(m[1]);
      const month = Number(m[2]);
      return month >= 1 && month <= 12 ? ymd(y, month, daysInMonth(y, month)) : undefined;
    },
  },
  {
    name: 'day of a month',
    examples: [['6月30日前', '2026-06-30'], ['2027年3月1日', '2027-03-01'], ['十二月二十日', '2026-12-20']],
    re: new RegExp(`${YEAR}(${NUM})\\s*月\\s*(\\d{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\\s*[日号]`, 'y'),
    resolve: (m, fy) => {
      const y = yearOf(m, fy);
      return y == null ? null : ymd(y, cnNumber(m[2]!), cnNumber(m[3]!));
    },
  },
  {
    name: 'month, its end or a part of it',
    examples: [['9月底前', '2026-09-30'], ['2026年11月', '2026-11-30'], ['9月中旬', '2026-09-20'], ['3月上旬', '2026-03-10'], ['5月初', '2026-05-10'], ['次年3月', '2027-03-31']],
    re: new RegExp(`${YEAR}(${NUM})\\s*月\\s*(底|末|份|中旬|上旬|下旬|初|中)?`, 'y'),
    resolve: (m, fy) => {
      const y = yearOf(m, fy);
      if (y == null) return null;
      const month = cnNumber(m[2]!);
      if (!(month >= 1 && month <= 12)) return undefined;
      const part = m[3];
      const day = part === '上旬' || part === '初' ? 10 : part === '中旬' || part === '中' ? 20 : daysInMonth(y, month);
      return ymd(y, month, day);
    },
  },
  {
    name: 'quarter',
    examples: [['三季度末', '2026-09-30'], ['第一季度', '2026-03-31'], ['2027年第2季度', '2027-06-30']],
    re: new RegExp(`${YEAR}第?\\s*([一二三四1-4])\\s*季度(?:末|底)?`, 'y'),
    resolve: (m, fy) => {
      const y = yearOf(m, fy);
      if (y == null) return null;
      const q = cnNumber(m[2]!);
      return ymd(y, q * 3, daysInMonth(y, q * 3));
    },
  },
  {
    name: 'half year or year end',
    examples: [['上半年', '2026-06-30'], ['年底前', '2026-12-31'], ['全年', '2026-12-31'], ['年内', '2026-12-31'], ['当年', '2026-12-31'], ['年度内', '2026-12-31']],
    re: new RegExp(`${YEAR}(上半年|下半年|年中|年底|年末|年内|全年|本年度|今年底|今年内|当年|年度内)`, 'y'),
    resolve: (m, fy) => {
      const y = yearOf(m, fy);
      if (y == null) return null;
      return m[2] === '上半年' || m[2] === '年中' ? `${y}-06-30` : `${y}-12-31`;
    },
  },
  {
    // 春节前 / 元旦前 / 国庆节前 / 五一前: the day before. Without a year, the next such day after the
    // plan's year has begun its work: 元旦 and 春节 of the following year, 国庆 and 五一 of the same.
    name: 'before a holiday',
    examples: [['春节前', '2027-02-05'], ['国庆节前', '2026-09-30'], ['五一前', '2026-04-30'], ['元旦前', '2026-12-31']],
    re: new RegExp(`${YEAR}(春节|元旦|国庆节?|五一|劳动节)\\s*(?:假期)?\\s*前`, 'y'),
    resolve: (m, fy) => {
      const explicit = m[1] !== undefined;
      const y = yearOf(m, fy);
      if (y == null) return null;
      switch (m[2]) {
        case '元旦':
          return explicit ? `${y - 1}-12-31` : `${y}-12-31`;
        case '春节': {
          const sy = explicit ? y : y + 1;
          const day = SPRING_FESTIVAL[sy];
          return day ? addDays(`${sy}-${day}`, -1) : undefined;
        }
        case '五一':
        case '劳动节':
          return `${y}-04-30`;
        default:
          return `${y}-09-30`;
      }
    },
  },
  {
    // 明年底 / 次年 alone: the end of the following year.
    name: 'the following year',
    examples: [['明年底前', '2027-12-31'], ['次年', '2027-12-31']],
    re: /(?:次|明|翌)\s*年(?:底|末|内|度)?(?!\s*(?:\d|[一二三四五六七八九十]+\s*月|第|[上下]半年|[一二三四]季度))/y,
    resolve: (_m, fy) => (fy == null ? null : `${fy + 1}-12-31`),
  },
  {
    // "2025年" / "2024年度" alone: the end of that year. Not when a month or season follows.
    name: 'a year alone',
    examples: [['2027年', '2027-12-31'], ['2026年度', '2026-12-31']],
    re: /(\d{4})\s*年度?(?!\s*(?:\d|[一二三四五六七八九十]+\s*月|第|[上下]半年|[一二三四]季度|年底|年末))/y,
    resolve: (m) => `${m[1]}-12-31`,
  },
];

/** Every date phrase in `text`, left to right, without overlaps. */
export function findDateMentions(text: string, opts: DeadlineOptions = {}): DateMention[] {
  const s = toHalfWidthDigits(text);
  const year = opts.year ?? null;
  const out: DateMention[] = [];
  let i = 0;
  while (i < s.length) {
    let matched = false;
    for (const rule of DEADLINE_PHRASES) {
      rule.re.lastIndex = i;
      const m = rule.re.exec(s);
      if (!m || m[0].trim() === '') continue;
      // A digit glued on the left means we are inside a longer number (12345年).
      if (i > 0 && /\d/.test(s[i - 1]!)) continue;
      // 说明年底 / 表明年内: the 明 belongs to the word before it.
      if (s[i] === '明' && i > 0 && /[说表证透文光阐标注查声申指写载发聪精鲜严分开]/.test(s[i - 1]!)) continue;
      const date = rule.resolve(m, year);
      if (date === undefined) continue;
      out.push({ index: i, raw: text.slice(i, i + m[0].length).trim(), date });
      i += m[0].length;
      matched = true;
      break;
    }
    if (!matched) i++;
  }
  return out;
}

const RECURRING = /(每(?:个)?(?:天|日|周|旬|月|季度|季|半年|年|学期|年度)[末底初中]?|按(?:周|旬|月|季度|季|年)|逐(?:日|周|旬|月|季)|定期|每半月)/;
const OPEN = /(长期坚持|长期|持续推进|持续开展|持续|常态化|长效|久久为功|动态推进|随时)/;

/**
 * 2024年12月底 → 2024-12-31; 年底前 → {year}-12-31; 三季度末 → {year}-09-30; 上半年 → {year}-06-30;
 * 6月30日前 → {year}-06-30; 2025年11月 → 2025-11-30. 每季度末 is recurring and 长期坚持 open: neither
 * gets a date. Several dates (6月底前…；9月底前…) → the last one is the deadline.
 */
export function normaliseDeadline(text: string | null | undefined, opts: DeadlineOptions = {}): DeadlineInfo {
  const raw = (text ?? '').trim();
  if (!raw || /^(无|—+|-+|\/)$/.test(raw)) return { kind: 'none', date: null, text: raw || null, recurrence: null };
  const mentions = findDateMentions(raw, opts);
  const rec = RECURRING.exec(raw);
  const dated = mentions.filter((m) => m.date);
  if (dated.length > 0) {
    const last = dated.reduce((a, b) => (b.date! > a.date! ? b : a));
    return { kind: 'date', date: last.date, text: raw, recurrence: rec ? recurrenceText(raw, rec.index) : null };
  }
  if (rec) return { kind: 'recurring', date: null, text: raw, recurrence: recurrenceText(raw, rec.index) };
  if (OPEN.test(raw)) return { kind: 'open', date: null, text: raw, recurrence: null };
  return { kind: 'none', date: null, text: raw, recurrence: null };
}

function recurrenceText(raw: string, at: number): string {
  const rest = raw.slice(at);
  const end = rest.search(/[，,；;。]/);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

/** Milestones written as a list in a deadline cell: "6月底前完成方案；12月底前全面完成". */
export function milestonesFromDeadlineText(text: string, opts: DeadlineOptions = {}): ParsedMilestone[] {
  let parts = text.split(/[；;\n]/).map((p) => p.trim()).filter(Boolean);
  // "9月底前完成项目申报，年底前完成资金争取": commas separate milestones when each part opens with a date.
  if (parts.length < 2) {
    const byComma = text.split(/[，,]/).map((p) => p.trim()).filter(Boolean);
    if (byComma.length >= 2 && byComma.every((p) => findDateMentions(p, opts)[0]?.index === 0)) parts = byComma;
  }
  // "6月底前完成申报12月底前完成认定": a PDF cell's two lines joined, no separator left; each step
  // still opens with a date and a verb.
  if (parts.length < 2) {
    const ms = findDateMentions(text, opts);
    // A piece ends before the next date, less a joining word ("，力争").
    const pieces = ms.map((m, i) => text.slice(m.index, ms[i + 1]?.index ?? text.length).replace(/[，,；;\s]*(力争|确保|争取|并|再)?[，,\s]*$/, ''));
    const isStep = (p: string, i: number) => {
      const verb = MILESTONE_VERB.exec(p.slice(ms[i]!.raw.length));
      // A verb with nothing after it takes the next date as its object ("12月底前完成2027年开工项目储备").
      return !!verb && p.slice(ms[i]!.raw.length + verb.index + verb[0].length).trim() !== '';
    };
    const ascending = ms.every((m, i) => i === 0 || (m.date ?? '') >= (ms[i - 1]!.date ?? ''));
    if (ms.length >= 2 && ms[0]!.index === 0 && ascending && pieces.every(isStep)) parts = pieces;
  }
  if (parts.length < 2) return [];
  const out: ParsedMilestone[] = [];
  for (const part of parts) {
    const m = findDateMentions(part, opts)[0];
    if (m) out.push({ dueOn: m.date, deadlineText: m.raw, text: part });
  }
  return out.length >= 2 ? out : [];
}

const MILESTONE_VERB =
  /^(?:前|以前|之前|底前)?\s*[，,]?\s*(?:要|须|必须|力争|确保|全面|全部|基本|初步|全力)?(完成|实现|启动|建成|开工|竣工|出台|制定|形成|达到|开展|推动|交付|投入使用|投用|上线|印发|召开|验收)/;

/**
 * Dated steps inside an item's text: clauses that open with a date and a verb
 * ("6月底前完成…；9月底前…"). A date in the middle of a clause is description, not a step.
 */
export function extractMilestones(text: string, opts: DeadlineOptions = {}): ParsedMilestone[] {
  const out: ParsedMilestone[] = [];
  for (const clause of text.split(/[；;。，,]/)) {
    const c = clause.trim().replace(/^(?:力争|确保|计划|并|在|于|到|截至)\s*/, '');
    const m = findDateMentions(c, opts)[0];
    if (!m || m.index !== 0) continue;
    const after = c.slice(m.raw.length);
    if (!MILESTONE_VERB.test(after)) continue;
    out.push({ dueOn: m.date, deadlineText: m.raw.replace(/前$/, '') + (after.match(/^(前|以前|之前|底前)/)?.[0] ?? ''), text: clause.trim() });
  }
  return out;
}

/**
 * A deadline written inside an item's prose when the item has no 完成时限: "…力争9月底前建成…",
 * "2022年10月底前编制并公布…" — a date phrase followed by 前 (before). Several: all of them, the last
 * date is the deadline (normaliseDeadline). A date without 前 ("2025年完成投资…") is description.
 */
export function deadlineInText(text: string, opts: DeadlineOptions = {}): string | null {
  const found: string[] = [];
  for (const m of findDateMentions(text, opts)) {
    const after = text.slice(m.index + m.raw.length, m.index + m.raw.length + 3);
    if (/前$/.test(m.raw)) found.push(m.raw);
    else if (/^(?:以前|之前|前)/.test(after)) found.push(`${m.raw}${/^(以前|之前)/.test(after) ? after.slice(0, 2) : '前'}`);
  }
  return found.length ? found.join('；') : null;
}
