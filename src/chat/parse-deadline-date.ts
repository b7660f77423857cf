import { lastDayOfMonth, type LocalDate } from '../domain/calendar/shanghai-time.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A date as people write it in a 申请延期: 2026-12-31, 2026/12/31, 2026年12月31日, 12月31日, 12月底.
 * A date without a year is the next such date on or after `today`. Null when it is not a date.
 */
export function parseDeadlineDate(raw: string, today: LocalDate): LocalDate | null {
  const s = raw.normalize('NFKC').trim();
  let y: number | undefined;
  let mo: number;
  let d: number | 'end';
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$/.exec(s))) [y, mo, d] = [m[1] ? Number(m[1]) : undefined, Number(m[2]), Number(m[3])];
  else if ((m = /^(?:(\d{4})年)?(\d{1,2})月(底|末)$/.exec(s))) [y, mo, d] = [m[1] ? Number(m[1]) : undefined, Number(m[2]), 'end'];
  else return null;
  if (mo < 1 || mo > 12) return null;
  const build = (year: number): LocalDate | null => {
    const first = `${year}-${pad(mo)}-01`;
    const last = lastDayOfMonth(first);
    if (d === 'end') return last;
    if (d < 1 || d > Number(last.slice(8))) return null;
    return `${year}-${pad(mo)}-${pad(d)}`;
  };
  if (y !== undefined) return build(y);
  const thisYear = Number(today.slice(0, 4));
  const candidate = build(thisYear);
  return candidate && candidate >= today ? candidate : build(thisYear + 1);
}
