import type { CadenceRule } from './cadence-spec.ts';

const WEEKDAYS = ['', '一', '二', '三', '四', '五', '六', '日'];

/** A cadence's days as an admin reads them: 每周一, 每月1、11、21日, 每月最后一个工作日 … */
export function describeRule(r: CadenceRule): string {
  switch (r.type) {
    case 'weekly':
      return `每周${WEEKDAYS[r.weekday]}`;
    case 'monthly':
      return `每月${r.days.join('、')}日`;
    case 'last_workday_of_month':
      return '每月最后一个工作日';
    case 'workdays':
      return '每个工作日';
    case 'after_due':
      return `${r.of} 报送截止后第 ${r.offsetWorkdays} 个工作日`;
  }
}
