import { DubanError } from '../../errors.ts';
import { addDays, daysBetween, weekday, type LocalDate } from './shanghai-time.ts';
import { statutoryHoliday } from './statutory-holidays.ts';

/** One day's official status: an override, a holiday or a 调休 working weekend. */
export interface DayRule {
  date: LocalDate;
  work: boolean;
  name?: string;
}

/** Where the official calendar comes from: the chinese-days package, plus admin overrides. */
export interface CalendarSource {
  /** The official status of a date, or undefined for an ordinary day (weekday rule applies). */
  rule(date: LocalDate): DayRule | undefined;
  /** Years whose official holidays and 调休 are known. */
  coveredYears(): ReadonlySet<number>;
}

export type UnknownYearPolicy = 'throw' | 'warn';

/**
 * Chinese workdays: Monday–Friday unless a public holiday, plus the 调休 weekends that are worked.
 * For a year with no official data it refuses (or warns and falls back to weekdays), because the
 * calendar library silently answers by weekday and would send reminders on New Year's Day.
 */
export class WorkCalendar {
  private warned = new Set<number>();

  constructor(
    private readonly source: CalendarSource,
    private readonly opts: { unknownYear?: UnknownYearPolicy; onWarn?: (msg: string) => void } = {},
  ) {}

  isWorkday(date: LocalDate): boolean {
    const rule = this.source.rule(date);
    if (rule) return rule.work;
    const year = Number(date.slice(0, 4));
    this.checkYear(year);
    // An unknown year still keeps the holidays the law fixes by date: never a reminder on 元旦.
    if (!this.source.coveredYears().has(year) && statutoryHoliday(date)) return false;
    const wd = weekday(date);
    return wd !== 0 && wd !== 6;
  }

  /** The holiday name of a non-working official day (国庆节 …), if any. */
  holidayName(date: LocalDate): string | undefined {
    const rule = this.source.rule(date);
    if (rule) return rule.work ? undefined : rule.name;
    return this.source.coveredYears().has(Number(date.slice(0, 4))) ? undefined : statutoryHoliday(date);
  }

  /** `date` itself when it is a workday, else the next workday. */
  onOrAfter(date: LocalDate): LocalDate {
    let d = date;
    for (let i = 0; i < 60 && !this.isWorkday(d); i++) d = addDays(d, 1);
    return d;
  }

  /** The n-th workday after (n > 0) or before (n < 0) `date`. */
  addWorkdays(date: LocalDate, n: number): LocalDate {
    let d = date;
    const step = n >= 0 ? 1 : -1;
    for (let left = Math.abs(n); left > 0; ) {
      d = addDays(d, step);
      if (this.isWorkday(d)) left--;
    }
    return d;
  }

  /** Workdays in (from, to]: how many working days remain from `from` until `to`. Negative if to < from. */
  workdaysBetween(from: LocalDate, to: LocalDate): number {
    const sign = daysBetween(from, to) >= 0 ? 1 : -1;
    const [a, b] = sign > 0 ? [from, to] : [to, from];
    // From a workday index (a running count per year), not day by day: a report over 10,000 tasks
    // asks this tens of thousands of times. Only the years the range touches are consulted.
    const ya = Number(a.slice(0, 4));
    const yb = Number(b.slice(0, 4));
    if (ya === yb) return sign * (this.countThrough(b) - this.countThrough(a));
    let n = this.countThrough(b);
    for (let y = ya + 1; y < yb; y++) n += this.yearIndex(y).at(-1)!;
    // (a, 31 Dec]: nothing to count, and no need to know a's year, when a is the last day.
    if (a.slice(5) !== '12-31') n += this.yearIndex(ya).at(-1)! - this.countThrough(a);
    return sign * n;
  }

  /** Workdays from 1 January through `date`, inclusive. */
  private countThrough(date: LocalDate): number {
    const y = Number(date.slice(0, 4));
    return this.yearIndex(y)[daysBetween(`${y}-01-01`, date)]!;
  }

  private readonly index = new Map<number, Int16Array>();

  /** Running workday counts of a year, day by day (built once per year, asking isWorkday for each day). */
  private yearIndex(year: number): Int16Array {
    let idx = this.index.get(year);
    if (idx) return idx;
    const days = daysBetween(`${year}-01-01`, `${year + 1}-01-01`);
    idx = new Int16Array(days);
    let n = 0;
    for (let i = 0, d = `${year}-01-01`; i < days; i++, d = addDays(d, 1)) idx[i] = n += this.isWorkday(d) ? 1 : 0;
    this.index.set(year, idx);
    return idx;
  }

  /** The last workday of the month that `date` is in. */
  lastWorkdayOfMonth(date: LocalDate): LocalDate {
    const [y, m] = date.split('-').map(Number) as [number, number];
    let d = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    while (!this.isWorkday(d)) d = addDays(d, -1);
    return d;
  }

  coversYear(year: number): boolean {
    return this.source.coveredYears().has(year);
  }

  private checkYear(year: number): void {
    if (this.source.coveredYears().has(year)) return;
    const message = `${year} 年的法定节假日和调休安排未知（日历数据只覆盖到 ${Math.max(...this.source.coveredYears())} 年）`;
    const hint = '在日历覆盖文件（DUBAN_CALENDAR_OVERRIDE_FILE，默认 config/calendar-overrides.json）中加入该年的节假日与调休上班日，或升级 chinese-days';
    if ((this.opts.unknownYear ?? 'throw') === 'throw') throw new DubanError('CALENDAR_UNKNOWN_YEAR', message, hint);
    if (!this.warned.has(year)) {
      this.warned.add(year);
      this.opts.onWarn?.(`${message}；暂按周一至周五计算，并避开法定固定日期的元旦、春节、劳动节、国庆节。${hint}`);
    }
  }
}
