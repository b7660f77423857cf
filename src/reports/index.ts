/**
 * The reports leaders read: the weekly digest per lead leader, the 旬会商 agenda and the 月通报
 * bulletin. Cadence jobs call these three builders; each reads the database as of `date`.
 */
export { buildWeeklyDigests } from './weekly-digest.ts';
export { buildConsultAgenda } from './consult-agenda.ts';
export { buildMonthlyBulletin } from './monthly-bulletin.ts';
export { splitForWeChat, WECHAT_TEXT_LIMIT } from './split-for-wechat.ts';
export type { ReportOptions, WeeklyDigest, ConsultAgenda, MonthlyBulletin } from './report-types.ts';
