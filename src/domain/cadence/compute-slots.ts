import type { WorkCalendar } from '../calendar/work-calendar.ts';
import { addDays, atLocal, daysBetween, toLocalDate, weekday, type LocalDate } from '../calendar/shanghai-time.ts';
import type { CadenceSpec, HolidayPolicy } from './cadence-spec.ts';

/** One moment a cadence fires. */
export interface Slot {
  cadenceKey: string;
  at: Date;
  /** The local date the slot runs on (after holiday moves). */
  date: LocalDate;
  /** The date the rule named before the calendar moved it. */
  nominalDate: LocalDate;
  /** For reminders and what follows them: the reporting cycle this slot belongs to. */
  cycle?: ReportCycle;
}

/** A weekly reporting round: reports since `start` count; they are due at `due`. */
export interface ReportCycle {
  /** The reminder slot that opened the cycle. */
  reminderAt: Date;
  start: Date;
  due: Date;
}

// How far a holiday can push a slot (National Day and Spring Festival span up to 9 days).
const MAX_SHIFT_DAYS = 15;

/** Every slot of `spec` with from <= at < to, in time order. */
export function slotsBetween(
  spec: CadenceSpec,
  calendar: WorkCalendar,
  from: Date,
  to: Date,
  cadences: ReadonlyMap<string, CadenceSpec> = new Map(),
): Slot[] {
  if (spec.rule.type === 'after_due') {
    const anchor = cadences.get(spec.rule.of);
    if (!anchor) return [];
    const offset = spec.rule.offsetWorkdays;
    // The anchor cycle that feeds a slot in [from, to) opened at most a few weeks before `from`.
    const anchors = slotsBetween(anchor, calendar, new Date(from.getTime() - 35 * 86400_000), to, cadences);
    return dedupe(
      anchors
        .filter((a) => a.cycle)
        .map((a) => {
          const date = calendar.addWorkdays(toLocalDate(a.cycle!.due), offset);
          return { cadenceKey: spec.key, at: atLocal(date, spec.time), date, nominalDate: date, cycle: a.cycle };
        })
        .filter((s) => s.at >= from && s.at < to),
    );
  }
  const first = addDays(toLocalDate(from), -MAX_SHIFT_DAYS);
  const last = addDays(toLocalDate(to), MAX_SHIFT_DAYS);
  const out: Slot[] = [];
  for (let d = first; daysBetween(d, last) >= 0; d = addDays(d, 1)) {
    if (!matchesRule(spec, calendar, d)) continue;
    const date = applyHoliday(spec.holiday, calendar, d);
    if (!date) continue;
    const at = atLocal(date, spec.time);
    if (at < from || at >= to) continue;
    const slot: Slot = { cadenceKey: spec.key, at, date, nominalDate: d };
    if (spec.job === 'reminder' && spec.due) slot.cycle = reportCycle(spec, calendar, d, date, at);
    out.push(slot);
  }
  return dedupe(out);
}

/** The slot of `spec` at exactly `at`, if the rule has one there. */
export function findSlot(
  spec: CadenceSpec,
  calendar: WorkCalendar,
  at: Date,
  cadences: ReadonlyMap<string, CadenceSpec> = new Map(),
): Slot | undefined {
  return slotsBetween(spec, calendar, at, new Date(at.getTime() + 1), cadences)[0];
}

/** Every slot of every enabled cadence in [from, to), in time order (ties by cadence order). */
export function planSlots(cadences: readonly CadenceSpec[], calendar: WorkCalendar, from: Date, to: Date): Slot[] {
  const byKey = new Map(cadences.map((c) => [c.key, c]));
  const order = new Map(cadences.map((c, i) => [c.key, i]));
  return cadences
    .filter((c) => c.enabled)
    .flatMap((c) => slotsBetween(c, calendar, from, to, byKey))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || order.get(a.cadenceKey)! - order.get(b.cadenceKey)!);
}

function matchesRule(spec: CadenceSpec, calendar: WorkCalendar, d: LocalDate): boolean {
  const r = spec.rule;
  switch (r.type) {
    case 'weekly':
      return isoWeekday(d) === r.weekday;
    case 'monthly':
      return r.days.includes(Number(d.slice(8, 10)));
    case 'last_workday_of_month':
      return d === calendar.lastWorkdayOfMonth(d);
    case 'workdays':
      return calendar.isWorkday(d);
    case 'after_due':
      return false;
  }
}

function applyHoliday(policy: HolidayPolicy, calendar: WorkCalendar, d: LocalDate): LocalDate | undefined {
  if (calendar.isWorkday(d)) return d;
  if (policy === 'skip') return undefined;
  if (policy === 'next_workday') return calendar.onOrAfter(d);
  return calendar.addWorkdays(d, -1);
}

/**
 * The cycle a weekly reminder opens: reports since Monday 00:00 of the nominal week count, and
 * progress is due on the due weekday of that week. A due day that is a holiday comes forward to the
 * last workday before it (people report before the break); when the reminder itself was pushed past
 * it, the unit gets two workdays.
 */
function reportCycle(spec: CadenceSpec, calendar: WorkCalendar, nominal: LocalDate, date: LocalDate, at: Date): ReportCycle {
  const monday = addDays(nominal, 1 - isoWeekday(nominal));
  let due = addDays(monday, spec.due!.weekday - 1);
  if (!calendar.isWorkday(due)) due = calendar.addWorkdays(due, -1);
  if (daysBetween(date, due) <= 0) due = calendar.addWorkdays(date, 2);
  return { reminderAt: at, start: atLocal(monday), due: atLocal(due, spec.due!.time) };
}

function isoWeekday(d: LocalDate): number {
  return weekday(d) || 7;
}

function dedupe(slots: Slot[]): Slot[] {
  const seen = new Set<number>();
  return slots.filter((s) => (seen.has(s.at.getTime()) ? false : (seen.add(s.at.getTime()), true)));
}

