export { taskHealth, expectedByNow, DEFAULT_WARN_WORKDAYS } from './task-health.ts';
export type { Health, HealthReason, HealthInput, HealthMilestone, HealthOptions, HealthResult, TaskStatusValue } from './task-health.ts';
export { HEALTH_LABEL, HEALTH_SHORT, HEALTH_ICON, HEALTH_ORDER, describeReason } from './health-labels.ts';
export { memoCalendar } from './memo-calendar.ts';
export type { HealthCalendar } from './memo-calendar.ts';
