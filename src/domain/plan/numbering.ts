/**
 * Item numbering of Chinese official documents: 一、 / （一） / 1. / 1、 / （1） / ①. Which level a style
 * sits at is learnt from the document (003 numbers its top level 1、), so the levels live on a stack.
 */

export type NumberStyle = '第cn' | 'cn、' | '(cn)' | 'n.n' | 'n.' | 'n、' | '(n)' | 'n)' | 'circled';

export interface Marker {
  style: NumberStyle;
  value: number;
  /** The numeral as printed, without punctuation: 一 / 1 / 1.2. */
  label: string;
  /** For 1.2-style numbers, the 1. */
  major?: number;
  /** Characters taken by the marker at the start of the line. */
  length: number;
}

const CN = '[一二三四五六七八九十百零〇]+';
const PATTERNS: { style: NumberStyle; re: RegExp }[] = [
  { style: '第cn', re: new RegExp(`^第(${CN})(?:部分|章|篇|节)\\s*[、：:.．]?\\s*`) },
  { style: '(cn)', re: new RegExp(`^[（(]?\\s*(${CN})\\s*[）)]\\s*`) },
  { style: '(n)', re: /^[（(]\s*(\d+)\s*[）)]\s*/ },
  { style: 'cn、', re: new RegExp(`^(${CN})\\s*[、．.]\\s*`) },
  // 1.1 / 2.3: not 1.5万元 wrapped onto a new line.
  { style: 'n.n', re: /^(\d{1,2})\s*[.．]\s*(\d{1,2})(?![.．\d%％万亿元个千百倍米吨户人家座所项条公亩平])\s*/ },
  { style: 'n.', re: /^(\d+)\s*[.．](?!\d)\s*/ },
  { style: 'n、', re: /^(\d+)\s*、\s*/ },
  { style: 'n)', re: /^(\d+)\s*[)）](?!\d)\s*/ },
  { style: 'circled', re: /^([①-⑳])\s*/ },
];

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

export function chineseNumeral(s: string): number {
  let total = 0;
  let digit = 0;
  for (const ch of s) {
    if (ch === '十') {
      total += (digit || 1) * 10;
      digit = 0;
    } else if (ch === '百') {
      total += (digit || 1) * 100;
      digit = 0;
    } else {
      const d = CN_DIGIT[ch];
      if (d === undefined) return NaN;
      digit = d;
    }
  }
  return total + digit;
}

export function readMarker(line: string): Marker | null {
  for (const { style, re } of PATTERNS) {
    const m = re.exec(line);
    if (!m) continue;
    if (style === 'n.n') {
      if (m[0].length >= line.trim().length) return null;
      return { style, value: Number(m[2]), major: Number(m[1]), label: `${Number(m[1])}.${Number(m[2])}`, length: m[0].length };
    }
    const label = m[1]!;
    const value = style === 'circled' ? label.charCodeAt(0) - 0x2460 + 1 : /\d/.test(label) ? Number(label) : chineseNumeral(label);
    if (!Number.isFinite(value) || value < 1) return null;
    // A marker with nothing after it is a stray numeral, not an item.
    if (m[0].length >= line.trim().length) return null;
    // "二、三产业融合" wrapped onto a new line is a list of numerals, not an item.
    if ((style === 'cn、' || style === 'n、') && /^[一二三四五六七八九十\d]+\s*[、，,]/.test(line.slice(m[0].length))) return null;
    return { style, value, label, length: m[0].length };
  }
  return null;
}

/** Styles that stand in for each other at the same level (003 prints 1、 where 一、 is meant). */
const SAME_FAMILY: Record<NumberStyle, NumberStyle[]> = {
  'cn、': ['n、'],
  'n、': ['cn、'],
  '(cn)': ['(n)'],
  '(n)': ['(cn)', 'n)'],
  'n.': [],
  'n.n': [],
  'n)': ['(n)'],
  '第cn': [],
  circled: [],
};

export interface LevelEntry {
  style: NumberStyle;
  value: number;
  major?: number | undefined;
}

/** The next number after `prev` at one level: 3 after 2; 1.3 after 1.2, or 2.1 when the major moves on. */
function follows(prev: { value: number; major?: number | undefined }, marker: Marker): boolean {
  if (marker.major === undefined) return marker.value === prev.value + 1;
  return (marker.major === prev.major && marker.value === prev.value + 1) || (marker.major === (prev.major ?? 0) + 1 && marker.value === 1);
}

/** The open levels, and the last value each style reached when its level closed. */
export interface NumberingState {
  stack: LevelEntry[];
  closed: Map<NumberStyle, { value: number; major?: number | undefined; level: number }>;
}

export function newNumberingState(): NumberingState {
  return { stack: [], closed: new Map() };
}

function cloneState(s: NumberingState): NumberingState {
  return { stack: s.stack.map((e) => ({ ...e })), closed: new Map(s.closed) };
}

function truncate(s: NumberingState, level: number): void {
  for (let i = s.stack.length - 1; i >= level; i--) s.closed.set(s.stack[i]!.style, { value: s.stack[i]!.value, major: s.stack[i]!.major, level: i });
  s.stack.length = level;
}

/**
 * Decides where a marker goes: the level index it takes (0 = top), or null when it cannot be an
 * item here (a wrapped line that happens to start with "5." while the list is at 2). Items may
 * number on across sections (1.–23. under （一）…（八）). Returns the new state; the old is untouched.
 */
export function placeMarker(state: NumberingState, marker: Marker): { level: number; state: NumberingState; repeat?: true } | null {
  const s = cloneState(state);
  const { stack } = s;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i]!.style !== marker.style) continue;
    // The same number again (250 lines of "（一）…"): a repeated item, kept — the caller warns.
    if (marker.major === undefined && marker.value === stack[i]!.value) {
      truncate(s, i + 1);
      return { level: i, state: s, repeat: true };
    }
    if (!follows(stack[i]!, marker)) return null;
    truncate(s, i);
    stack.push({ style: marker.style, value: marker.value, major: marker.major });
    return { level: i, state: s };
  }
  const before = s.closed.get(marker.style);
  // Numbers run on across headings even when a sub-heading opened a level between them: 1.–3.
  // under 一、, then 二、（一） and 4. — 4. goes under （一）, it is not text of （一）.
  const continues = before != null && follows(before, marker);
  // 1、2、 under 一、, then 3、 under 二、: the numbers run on under the new heading. That reading
  // comes before 3、 as a stand-in for 三、 beside 二、.
  if (!continues) {
    for (let i = stack.length - 1; i >= 0; i--) {
      if (SAME_FAMILY[marker.style].includes(stack[i]!.style) && marker.value === stack[i]!.value + 1) {
        truncate(s, i);
        stack.push({ style: marker.style, value: marker.value });
        return { level: i, state: s };
      }
    }
  }
  if (marker.value !== 1 && !continues) return null;
  stack.push({ style: marker.style, value: marker.value, major: marker.major });
  return { level: stack.length - 1, state: s };
}
