import { expect, it } from 'vitest';
import { describeRule } from '../../src/domain/cadence/index.ts';

it('says a cadence rule the way an admin reads it, for the CLI and the console alike', () => {
  expect(describeRule({ type: 'weekly', weekday: 1 })).toBe('每周一');
  expect(describeRule({ type: 'weekly', weekday: 7 })).toBe('每周日');
  expect(describeRule({ type: 'monthly', days: [1, 11, 21] })).toBe('每月1、11、21日');
  expect(describeRule({ type: 'last_workday_of_month' })).toBe('每月最后一个工作日');
  expect(describeRule({ type: 'workdays' })).toBe('每个工作日');
});
