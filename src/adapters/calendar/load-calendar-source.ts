import { chineseDaysSource, readCalendarOverrides, withOverrides } from './calendar-sources.ts';
import type { CalendarSource } from '../../domain/calendar/work-calendar.ts';

export function calendarSourcesFromFile(overrideFile?: string): CalendarSource {
  const base = chineseDaysSource();
  if (!overrideFile) return base;
  const { days, years } = readCalendarOverrides(overrideFile);
  return withOverrides(base, days, years);
}
