import type { LocalDate } from '../calendar/shanghai-time.ts';
import type { WorkCalendar } from '../calendar/work-calendar.ts';

/** The part of the workday calendar task health needs. */
export type HealthCalendar = Pick<WorkCalendar, 'onOrAfter' | 'workdaysBetween'>;

/**
 * Remembers the calendar's answers for one report run. Thousands of tasks share a few hundred
 * deadlines and one report date, and each answer walks day by day, so this turns a report over
 * 10,000 tasks from seconds of calendar walking into lookups. Make one per run: the calendar's
 * overrides may change between runs.
 */
export function memoCalendar(calendar: HealthCalendar): HealthCalendar {
  const after = new Map<LocalDate, LocalDate>();
  const between = new Map<string, number>();
  return {
    onOrAfter(date) {
      let d = after.get(date);
      if (d === undefined) after.set(date, (d = calendar.onOrAfter(date)));
      return d;
    },
    workdaysBetween(from, to) {
      const key = `${from}|${to}`;
      let n = between.get(key);
      if (n === undefined) between.set(key, (n = calendar.workdaysBetween(from, to)));
      return n;
    },
  };
}
