import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import chineseDays from 'chinese-days';
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import { isLocalDate, type LocalDate } from '../../domain/calendar/shanghai-time.ts';
import type { CalendarSource, DayRule } from '../../domain/calendar/work-calendar.ts';

/** The official calendar shipped by chinese-days; its data files tell which years it really knows. */
export function chineseDaysSource(): CalendarSource {
  const years = packagedYears();
  return {
    rule(date) {
      if (!years.has(Number(date.slice(0, 4)))) return undefined;
      const detail = chineseDays.getDayDetail(date);
      const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
      const weekend = wd === 0 || wd === 6;
      // Only days that differ from the weekday rule are rules: holidays on weekdays, 调休 weekends.
      if (detail.work === !weekend) return undefined;
      return { date, work: detail.work, name: detail.name.split(',')[1] ?? detail.name };
    },
    coveredYears: () => years,
  };
}

function packagedYears(): Set<number> {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('chinese-days/package.json')), 'dist', 'years');
  return new Set(
    fs
      .readdirSync(dir)
      .map((f) => /^(\d{4})\.json$/.exec(f)?.[1])
      .filter((y): y is string => !!y)
      .map(Number),
  );
}

const overrideFileSchema = z.object({
  /** Years the file fully describes (all holidays and 调休 days listed). */
  years: z.array(z.number().int().min(2000).max(2100)).default([]),
  days: z
    .array(
      z.object({
        date: z.string().refine(isLocalDate, '日期格式应为 YYYY-MM-DD'),
        work: z.boolean(),
        name: z.string().optional(),
      }),
    )
    .default([]),
});

/** Admin overrides layered over another source: they win for their dates and add their years. */
export function withOverrides(base: CalendarSource, days: DayRule[], years: number[]): CalendarSource {
  const byDate = new Map<LocalDate, DayRule>(days.map((d) => [d.date, d]));
  const covered = new Set([...base.coveredYears(), ...years]);
  return {
    rule: (date) => byDate.get(date) ?? base.rule(date),
    coveredYears: () => covered,
  };
}

/** Reads the admin override file; a missing file means no overrides. */
export function readCalendarOverrides(file: string): { days: DayRule[]; years: number[] } {
  if (!fs.existsSync(file)) return { days: [], years: [] };
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError('IMPORT_INVALID', `日历覆盖文件 ${file} 不是合法的 JSON：${(e as Error).message}`, '格式见 config/calendar-overrides.json 示例', { cause: e });
  }
  const parsed = overrideFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError('IMPORT_INVALID', `日历覆盖文件 ${file} 第 ${issue.path.join('.')} 项无效：${issue.message}`, '每项形如 {"date": "2027-01-01", "work": false, "name": "元旦"}');
  }
  return { days: parsed.data.days as DayRule[], years: parsed.data.years };
}
