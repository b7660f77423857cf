import { z } from 'zod';
import { DEFAULT_REPORTING_ROLES } from '../work/owing.ts';

/** HH:mm on a 24-hour clock, Asia/Shanghai. */
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time');

/** When a cadence's slots fall, before the workday calendar moves them. */
export const cadenceRuleSchema = z.discriminatedUnion('type', [
  /** Every week on an ISO weekday (1 = Monday … 7 = Sunday). */
  z.object({ type: z.literal('weekly'), weekday: z.number().int().min(1).max(7) }),
  /** Fixed days of the month, e.g. 旬会商 on 1, 11, 21; a day the month lacks is left out. */
  z.object({ type: z.literal('monthly'), days: z.array(z.number().int().min(1).max(31)).min(1) }),
  /** The last workday of each month (月通报). */
  z.object({ type: z.literal('last_workday_of_month') }),
  /** Every workday, 调休 weekends included (deadline countdown). */
  z.object({ type: z.literal('workdays') }),
  /** A number of workdays after the due time of another (weekly reminder) cadence: 催报, 督办. */
  z.object({ type: z.literal('after_due'), of: z.string().min(1), offsetWorkdays: z.number().int().min(1).max(20) }),
]);

/** What a slot does; the processors in src/engine/jobs implement each. */
export const CADENCE_JOBS = ['reminder', 'chase', 'escalation', 'countdown', 'lagging_report', 'digest', 'agenda', 'bulletin'] as const;
export type CadenceJob = (typeof CADENCE_JOBS)[number];

/** A slot that lands on a non-workday moves to the next (or previous) workday, or is dropped. */
export const HOLIDAY_POLICIES = ['next_workday', 'previous_workday', 'skip'] as const;
export type HolidayPolicy = (typeof HOLIDAY_POLICIES)[number];

export const cadenceSpecSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'key'),
  /** The name people see: 周调度提醒, 旬会商 … */
  title: z.string().min(1).max(40),
  job: z.enum(CADENCE_JOBS),
  rule: cadenceRuleSchema,
  time,
  holiday: z.enum(HOLIDAY_POLICIES).default('next_workday'),
  enabled: z.boolean().default(true),
  /** Reminder: progress is due on this ISO weekday of the same week, at this time. */
  due: z.object({ weekday: z.number().int().min(1).max(7), time }).optional(),
  /** Countdown: remind this many workdays before a deadline or milestone. */
  countdownDays: z.array(z.number().int().min(1).max(60)).optional(),
  /** Which assignments count as the unit's tasks. */
  roles: z.array(z.enum(['lead', 'responsible', 'participating'])).min(1).default([...DEFAULT_REPORTING_ROLES]),
  /** Restrict to these units (names); empty or absent = every unit. */
  units: z.array(z.string().min(1)).optional(),
  /**
   * Agenda and bulletin: also sent privately to these leaders — a registered leader's name, or a role
   * of a plan's leadership group (组长, 常务副组长 …), or 牵头领导 (every leader with tasks). For the
   * 旬会商 agenda, absent means the meeting's usual hosts: 组长 and 常务副组长; [] sends to the office only.
   */
  leaders: z.array(z.string().min(1).max(20)).optional(),
});

export type CadenceSpec = z.infer<typeof cadenceSpecSchema>;
export type CadenceSpecInput = z.input<typeof cadenceSpecSchema>;
export type CadenceRule = z.infer<typeof cadenceRuleSchema>;

export const cadenceFileSchema = z.object({ cadences: z.array(cadenceSpecSchema).min(1) });
