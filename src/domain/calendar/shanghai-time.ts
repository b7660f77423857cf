/** China has one time zone and no DST, so Asia/Shanghai is a fixed UTC+8 offset. */
const OFFSET_MS = 8 * 3600_000;

/** A local calendar date, 'YYYY-MM-DD', as people in China read it. */
export type LocalDate = string;

export function toLocalDate(d: Date): LocalDate {
  // Reports turn tens of thousands of report times into dates; they fall on a few hundred days.
  const day = Math.floor((d.getTime() + OFFSET_MS) / 86400_000);
  let s = dayNames.get(day);
  if (s === undefined) {
    s = new Date(d.getTime() + OFFSET_MS).toISOString().slice(0, 10);
    if (dayNames.size >= 20_000) dayNames.clear();
    dayNames.set(day, s);
  }
  return s;
}

const dayNames = new Map<number, LocalDate>();

/** 'HH:mm' of a moment in Asia/Shanghai. */
export function toLocalTime(d: Date): string {
  return new Date(d.getTime() + OFFSET_MS).toISOString().slice(11, 16);
}

/** The moment of a local date and time ('HH:mm', default 00:00) in Asia/Shanghai. */
export function atLocal(date: LocalDate, time = '00:00'): Date {
  return new Date(`${date}T${time}:00+08:00`);
}

export function addDays(date: LocalDate, n: number): LocalDate {
  const t = new Date(`${date}T00:00:00Z`).getTime() + n * 86400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: LocalDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function lastDayOfMonth(date: LocalDate): LocalDate {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((new Date(`${b}T00:00:00Z`).getTime() - new Date(`${a}T00:00:00Z`).getTime()) / 86400_000);
}

export function isLocalDate(s: string): s is LocalDate {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(new Date(`${s}T00:00:00Z`).getTime()) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}
