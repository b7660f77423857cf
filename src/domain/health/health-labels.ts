import type { Health, HealthReason } from './task-health.ts';

export const HEALTH_LABEL: Record<Health, string> = {
  red: '红灯',
  yellow: '黄灯',
  green: '绿灯',
  done: '已完成待销号',
  closed: '已销号',
};

/** Two-character labels for narrow table columns. */
export const HEALTH_SHORT: Record<Health, string> = { red: '红灯', yellow: '黄灯', green: '绿灯', done: '已完成', closed: '已销号' };

export const HEALTH_ICON: Record<Health, string> = { red: '🔴', yellow: '🟡', green: '🟢', done: '✅', closed: '☑️' };

/** Order for lists: red first, then yellow, green, done, closed. */
export const HEALTH_ORDER: Record<Health, number> = { red: 0, yellow: 1, green: 2, done: 3, closed: 4 };

/** 12月31日; with the year (2024年12月31日) when it is not the year of `on`, the report date. */
const mmdd = (d: string, on: string): string => `${d.slice(0, 4) !== on.slice(0, 4) ? `${d.slice(0, 4)}年` : ''}${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/**
 * One short Chinese phrase per reason, as it reads in a report dated `on`: a date in another year
 * carries its year, or a deadline missed long ago would read as one in the coming weeks.
 */
export function describeReason(r: HealthReason, on: string): string {
  const md = (d: string): string => mmdd(d, on);
  switch (r.kind) {
    case 'blocked':
      return '推进受阻';
    case 'lagging':
      return '单位报告进度滞后';
    case 'overdue':
      return `已逾期${r.workdaysLate}个工作日（时限${md(r.due)}）`;
    case 'milestone_overdue':
      return `节点逾期${r.workdaysLate}个工作日（${r.text ? `${r.text}，` : ''}${md(r.due)}）`;
    case 'due_soon_behind':
      return `${r.what === 'deadline' ? '时限' : `节点${r.text ? `“${r.text}”` : ''}`}${md(r.due)}仅剩${r.workdaysLeft}个工作日，进度${r.percent}%落后于时序${r.expectedPercent}%`;
    case 'no_report':
      return `${md(r.since)}以来未报送进展`;
  }
}
