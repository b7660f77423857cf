import { addDays, atLocal, daysBetween, toLocalDate } from '../calendar/shanghai-time.ts';
import type { WorkCalendar } from '../calendar/work-calendar.ts';

/**
 * When a message may go out, and when it is too late to send at all. Pure: the calendar is the
 * work calendar (holidays, 调休 workdays), times are Asia/Shanghai.
 *
 * - The send window: pushes go out only inside working hours on workdays (default 08:30–18:00);
 *   outside, a message waits for the next window. Only the answer to someone who just wrote
 *   (reply) goes out at once by default: the person is there now. Notices to others (notify)
 *   wait like any push.
 * - Staleness: a message whose moment (its slot, else when it was queued) has passed by more than
 *   its kind allows is not sent but superseded. Lateness counts working time only (minutes inside
 *   the window on workdays), so a Friday 16:00 digest held over the weekend by the window is not
 *   stale on Monday morning, while one held by a five-day outage is.
 */
export type SendWindow = 'always' | { start: string; end: string };

export interface KindPolicy {
  window: SendWindow;
  /** Working minutes of lateness after which the message is superseded; null: never stale. */
  staleAfterMinutes: number | null;
}

export interface DeliveryPolicyConfig {
  /** The window for every kind not listed otherwise, e.g. `08:30-18:00`. */
  window: string;
  perKind?: Record<string, { window?: string; staleAfterMinutes?: number }>;
}

/** One working day of the default window, in minutes. */
const WORKDAY = 570;

/** Defaults per kind (cadence key, or the idempotency-key prefix for replies and notices). */
export const DEFAULT_KIND_POLICY: Record<string, { window?: string; staleAfterMinutes: number | null }> = {
  // A weekly reminder is stale two working days after its slot: by then its reporting deadline is close or past.
  weekly_reminder: { staleAfterMinutes: 2 * WORKDAY },
  weekly_chase: { staleAfterMinutes: WORKDAY },
  weekly_escalation: { staleAfterMinutes: WORKDAY },
  deadline_countdown: { staleAfterMinutes: WORKDAY },
  // A digest reports a moment; a day late, a fresh one is better (周汇总 / 立即推送 on demand).
  weekly_digest: { staleAfterMinutes: WORKDAY },
  consult_agenda: { staleAfterMinutes: WORKDAY },
  monthly_bulletin: { staleAfterMinutes: 2 * WORKDAY },
  monthly_report: { staleAfterMinutes: 2 * WORKDAY },
  // The engine telling admins about missed slots: late is still worth knowing.
  engine_missed: { staleAfterMinutes: null },
  // The answer to whoever just wrote (and what goes with it, keyed reply: too): they are there now.
  reply: { window: 'always', staleAfterMinutes: null },
  // A notice to others (a 批示 relayed to a unit's group, a question passed to admins): a push like
  // any other, so it waits for the window; never stale, since it records something that happened.
  notify: { staleAfterMinutes: null },
};
const UNKNOWN_KIND_STALE = 2 * WORKDAY;

export function parseWindow(s: string): SendWindow {
  if (s === 'always') return 'always';
  const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(s);
  if (!m || m[1]! >= m[2]!) throw new Error(`send window "${s}" should be like 08:30-18:00 (start before end) or always`);
  return { start: m[1]!, end: m[2]! };
}

/** The kind of an outbox row: its cadence key, else what its idempotency key starts with (reply, notify …). */
export function messageKind(row: { cadence: string | null; idempotencyKey: string }): string {
  return (row.cadence ?? row.idempotencyKey).split(':')[0]!;
}

export function kindPolicy(kind: string, config: DeliveryPolicyConfig): KindPolicy {
  const base = DEFAULT_KIND_POLICY[kind];
  const over = config.perKind?.[kind];
  return {
    window: parseWindow(over?.window ?? base?.window ?? config.window),
    staleAfterMinutes: over?.staleAfterMinutes ?? (base ? base.staleAfterMinutes : UNKNOWN_KIND_STALE),
  };
}

export function inWindow(at: Date, window: SendWindow, calendar: WorkCalendar): boolean {
  if (window === 'always') return true;
  const day = toLocalDate(at);
  return calendar.isWorkday(day) && at >= atLocal(day, window.start) && at < atLocal(day, window.end);
}

/** `at` itself when inside the window, else the start of the next one (skipping weekends and holidays). */
export function nextWindowStart(at: Date, window: SendWindow, calendar: WorkCalendar): Date {
  if (window === 'always' || inWindow(at, window, calendar)) return at;
  let day = toLocalDate(at);
  if (at >= atLocal(day, window.start)) day = addDays(day, 1);
  return atLocal(calendar.onOrAfter(day), window.start);
}

/** Minutes of working time (inside the window on workdays) between two moments; capped at 60 days. */
export function workingMinutesBetween(from: Date, to: Date, window: SendWindow, calendar: WorkCalendar): number {
  if (to <= from) return 0;
  if (window === 'always') return (to.getTime() - from.getTime()) / 60_000;
  const first = toLocalDate(from);
  const last = toLocalDate(to);
  if (daysBetween(first, last) > 60) return Number.POSITIVE_INFINITY;
  let ms = 0;
  for (let d = first; daysBetween(d, last) >= 0; d = addDays(d, 1)) {
    if (!calendar.isWorkday(d)) continue;
    const a = Math.max(from.getTime(), atLocal(d, window.start).getTime());
    const b = Math.min(to.getTime(), atLocal(d, window.end).getTime());
    if (b > a) ms += b - a;
  }
  return ms / 60_000;
}

export type DeliveryDecision =
  | { action: 'send' }
  | { action: 'defer'; until: Date; reason: string }
  | { action: 'supersede'; reason: string };

export interface DeliveryRow {
  cadence: string | null;
  idempotencyKey: string;
  slotAt: Date | null;
  createdAt: Date;
}

export function decideDelivery(row: DeliveryRow, now: Date, calendar: WorkCalendar, config: DeliveryPolicyConfig): DeliveryDecision {
  const kind = messageKind(row);
  const p = kindPolicy(kind, config);
  const moment = row.slotAt ?? row.createdAt;
  if (p.staleAfterMinutes !== null) {
    // Lateness is measured against the default working window even for kinds sent around the clock.
    const late = workingMinutesBetween(moment, now, p.window === 'always' ? parseWindow(config.window) : p.window, calendar);
    if (late > p.staleAfterMinutes) {
      return { action: 'supersede', reason: `已过时：${kind} 原定 ${moment.toISOString()}，已晚 ${Math.round(late)} 个工作分钟（上限 ${p.staleAfterMinutes}），不再发送` };
    }
  }
  if (!inWindow(now, p.window, calendar)) {
    const until = nextWindowStart(now, p.window, calendar);
    return { action: 'defer', until, reason: `不在发送时段，顺延到 ${until.toISOString()}` };
  }
  return { action: 'send' };
}
