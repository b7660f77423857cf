import { addDays, type LocalDate } from './shanghai-time.ts';

/** 春节 (lunar new year's day) by year: the one lunar date the bot needs without a calendar file. */
export const SPRING_FESTIVAL: Readonly<Record<number, string>> = {
  2020: '01-25', 2021: '02-12', 2022: '02-01', 2023: '01-22', 2024: '02-10', 2025: '01-29', 2026: '02-17', 2027: '02-06',
  2028: '01-26', 2029: '02-13', 2030: '02-03', 2031: '01-23', 2032: '02-11', 2033: '01-31', 2034: '02-19', 2035: '02-08',
};

/**
 * For a year whose official schedule is not known yet: the days off that the law fixes by date
 * (《全国年节及纪念日放假办法》, 2025 revision) — 元旦, 春节 (除夕 to 初三), 劳动节 (5/1–5/2) and
 * 国庆节 (10/1–10/3). 清明, 端午 and 中秋 and every 调休 arrangement need the State Council's notice.
 */
export function statutoryHoliday(date: LocalDate): string | undefined {
  const md = date.slice(5);
  if (md === '01-01') return '元旦';
  if (md === '05-01' || md === '05-02') return '劳动节';
  if (md >= '10-01' && md <= '10-03') return '国庆节';
  const year = Number(date.slice(0, 4));
  const sf = SPRING_FESTIVAL[year];
  if (sf) {
    const day = `${year}-${sf}`;
    if (date >= addDays(day, -1) && date <= addDays(day, 3)) return '春节';
  }
  return undefined;
}
