import { CN_NUMERAL_CLASS, parseNumeral } from './chinese-number.ts';

export interface TaskRef {
  /** The number as referenced (arabic). */
  n: number;
  index: number;
  end: number;
}

const CN = `[${CN_NUMERAL_CLASS}]{1,4}`;
const NUM = `(?:\\d{1,4}|${CN})`;
const LIST = `${NUM}(?:\\s*[、,，和及与]\\s*${NUM})*`;

// Each pattern captures a list of numbers; the order is by specificity.
const PATTERNS: RegExp[] = [
  // 第3项 / 第三条 / 第3、4项 / 第(三)项
  new RegExp(`第\\s*\\(?(${LIST})\\)?\\s*(?:项|条|个任务|号任务|号|点)`, 'g'),
  // "2、3两项正常推进" / "5和6项": a list of two or more opening a clause, then 项
  new RegExp(`(?:^|[\\s,;:。；：!?])(${NUM}(?:\\s*[、,，和及与]\\s*${NUM})+)\\s*(?:[两二三四五六七八九十]|\\d{1,2})?\\s*项`, 'g'),
  // 任务3 / 事项三 / 任务第3
  new RegExp(`(?:任务|事项)\\s*(?:编号)?\\s*(\\d{1,4})(?![\\d.%]|\\s*[件个项家座户宗条])`, 'g'),
  // 3号 / 3号任务 — not a date like 5月3号
  new RegExp(`(?<![月\\d路街巷道村组弄里])(\\d{1,4})\\s*号(?:任务|事项)?(?!楼|线|地块|院|门|令|文|厂房|机)`, 'g'),
  // (三) / (3) — how some plans number their tasks
  new RegExp(`\\((${NUM})\\)`, 'g'),
  // "3." / "3、" at the start of a line or clause, not a decimal
  new RegExp(`(?:^|[\\s,;:。；：!?])(\\d{1,3})\\s*[.、](?![\\d%])`, 'g'),
  // 三、 at the start of a line
  new RegExp(`(?:^|\\n)\\s*(${CN})、`, 'g'),
  // Terse: "5 完成40%", "3 80%" — a number and a space opening a line, then words or a share, not a count ("3 个项目")
  /(?:^|\n)\s*(\d{1,3})\s+(?=\d{1,3}(?:\.\d+)?\s*%|(?![个项家座户月日号年万亿成件处栋套台条名人批次期层])\p{Script=Han})/gu,
];

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
      // A number right before % or 成 is a share, not a task (3.5%, 3、5成).
      if (/^\s*[%成]/.test(text.slice(end))) continue;
      taken.push([start, end]);
      for (const part of (m[1] ?? '').split(/\s*[、,，和及与]\s*/)) {
        const n = parseNumeral(part);
        if (n !== null && n > 0) refs.push({ n, index: start, end });
      }
    }
  }
  return refs.sort((a, b) => a.index - b.index);
}

/** "老旧小区改造（第一项）": the number follows the name it belongs to, in brackets. */
export function isTrailingRef(text: string, r: TaskRef): boolean {
  return text[r.index - 1] === '(' && text[r.end] === ')';
}

/** The task number as an integer when it is printed as one (3, 三, (三)); else null. */
export function taskNumber(no: string): number | null {
  return parseNumeral(no.replace(/[()（）.、\s]/g, ''));
}
