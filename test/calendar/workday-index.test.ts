import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { addDays, daysBetween } from '../../src/domain/calendar/shanghai-time.ts';

describe('workdays between two dates, from the workday index', () => {
  const calendar = createCalendar();
  // The definition, walked day by day: workdays in (from, to].
  const walk = (from: string, to: string): number => {
    const [a, b, sign] = daysBetween(from, to) >= 0 ? [from, to, 1] : [to, from, -1];
    let n = 0;
    for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (calendar.isWorkday(d)) n++;
    return sign * n;
  };

  it('agrees with walking the days, across holidays, 调休 weekends and year ends', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const cases: [string, string][] = [['2025-12-31', '2026-01-05'], ['2026-09-30', '2026-10-09'], ['2026-02-13', '2026-02-28'], ['2026-05-01', '2026-05-01'], ['2026-06-01', '2025-06-01']];
    for (let i = 0; i < 300; i++) cases.push([addDays('2025-01-01', rand(700)), addDays('2025-01-01', rand(700))]);
    for (const [a, b] of cases) expect(calendar.workdaysBetween(a, b), `${a} → ${b}`).toBe(walk(a, b));
  });

  it('still refuses a year whose holidays are unknown', () => {
    expect(() => calendar.workdaysBetween('2026-06-01', '2099-06-01')).toThrow('2099 年的法定节假日和调休安排未知');
  });
});
