const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

export const CN_NUMERAL_CLASS = '零〇一二两三四五六七八九十百千';

/**
 * Reads an arabic or Chinese numeral (十二, 一百零五, 60) as an integer; null when it is neither.
 * Only the small numbers task numbers and percents use are supported.
 */
export function parseNumeral(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (s.length === 0 || s.length > 8) return null;
  let total = 0;
  let current = 0;
  for (const ch of s) {
    const d = DIGITS[ch];
    const u = UNITS[ch];
    if (d !== undefined) current = d;
    else if (u !== undefined) {
      total += (current === 0 && total === 0 ? 1 : current) * u;
      current = 0;
    } else return null;
  }
  return total + current;
}
