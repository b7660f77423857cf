import { calendarSourcesFromFile } from './load-calendar-source.ts';
import { WorkCalendar, type UnknownYearPolicy } from '../../domain/calendar/work-calendar.ts';

/** The workday calendar the bot runs on: chinese-days + the admin override file. */
export function createCalendar(opts: { overrideFile?: string; unknownYear?: UnknownYearPolicy; onWarn?: (m: string) => void } = {}): WorkCalendar {
  return new WorkCalendar(calendarSourcesFromFile(opts.overrideFile), opts);
}
