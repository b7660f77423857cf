import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { describeReason, expectedByNow, taskHealth, type HealthInput } from '../../src/domain/health/index.ts';

const calendar = createCalendar();
const base: HealthInput = { status: 'in_progress', deadline: null, startOn: '2026-03-02', percent: 50, milestones: [], lastReportedOn: null };
const task = (over: Partial<HealthInput>): HealthInput => ({ ...base, ...over });

describe('taskHealth', () => {
  it('keeps done and closed apart even when overdue or blocked', () => {
    expect(taskHealth(task({ status: 'done', deadline: '2026-01-05' }), '2026-06-01', calendar).health).toBe('done');
    expect(taskHealth(task({ status: 'closed', deadline: '2026-01-05' }), '2026-06-01', calendar).health).toBe('closed');
  });

  it('is red when blocked, with no deadline at all', () => {
    const r = taskHealth(task({ status: 'blocked' }), '2026-06-01', calendar);
    expect(r.health).toBe('red');
    expect(r.reasons).toEqual([{ kind: 'blocked' }]);
  });

  it('moves a deadline on 劳动节 to the next workday: not overdue until after 5月6日', () => {
    const t = task({ deadline: '2026-05-01', percent: 95 });
    const onHoliday = taskHealth(t, '2026-05-05', calendar);
    expect(onHoliday.effectiveDeadline).toBe('2026-05-06');
    expect(onHoliday.health).not.toBe('red');
    expect(taskHealth(t, '2026-05-06', calendar).health).not.toBe('red');
    const late = taskHealth(t, '2026-05-07', calendar);
    expect(late.health).toBe('red');
    expect(late.reasons[0]).toEqual({ kind: 'overdue', due: '2026-05-06', workdaysLate: 1 });
  });

  it('counts lateness in workdays across 国庆 (10月1日–7日 off, 10月10日 调休 worked)', () => {
    const r = taskHealth(task({ deadline: '2026-09-30' }), '2026-10-12', calendar);
    expect(r.health).toBe('red');
    // workdays after 9/30 up to 10/12: 10/8, 10/9, 10/10 (调休), 10/12
    expect(r.reasons[0]).toMatchObject({ kind: 'overdue', workdaysLate: 4 });
    expect(describeReason(r.reasons[0]!, '2026-10-12')).toBe('已逾期4个工作日（时限9月30日）');
  });

  it('prints the year of a date in another year than the report, and only then', () => {
    const r = taskHealth(task({ deadline: '2024-12-31' }), '2026-05-15', calendar);
    expect(describeReason(r.reasons[0]!, '2026-05-15')).toMatch(/^已逾期\d+个工作日（时限2024年12月31日）$/);
    expect(describeReason({ kind: 'no_report', since: '2025-12-29' }, '2026-01-04')).toBe('2025年12月29日以来未报送进展');
    expect(describeReason({ kind: 'milestone_overdue', due: '2026-03-02', text: '开工', workdaysLate: 3 }, '2026-03-05')).toBe('节点逾期3个工作日（开工，3月2日）');
  });

  it('is yellow when the deadline is within the warning window and progress is behind time', () => {
    // start 2026-09-01, deadline 2026-10-09: the 国庆 break does not count as working time.
    const t = task({ startOn: '2026-09-01', deadline: '2026-10-09', percent: 60, lastReportedOn: '2026-09-29' });
    const r = taskHealth(t, '2026-09-30', calendar, { warnWorkdays: 5 });
    expect(calendar.workdaysBetween('2026-09-30', '2026-10-09')).toBe(2);
    expect(r.health).toBe('yellow');
    expect(r.reasons).toEqual([
      { kind: 'due_soon_behind', due: '2026-10-09', what: 'deadline', workdaysLeft: 2, percent: 60, expectedPercent: expectedByNow(calendar, '2026-09-01', '2026-09-30', '2026-10-09') },
    ]);
    // Sep 2–30: 21 workdays (中秋 9/25 off, Sunday 9/20 调休 worked), then 10/8, 10/9: 21 of 23 → 91%
    expect(calendar.workdaysBetween('2026-09-01', '2026-09-30')).toBe(21);
    expect(expectedByNow(calendar, '2026-09-01', '2026-09-30', '2026-10-09')).toBe(91);
    // ahead of time → green; outside the window (warnWorkdays 1) → green
    expect(taskHealth({ ...t, percent: 95 }, '2026-09-30', calendar).health).toBe('green');
    expect(taskHealth(t, '2026-09-30', calendar, { warnWorkdays: 1 }).health).toBe('green');
  });

  it('uses the next unfinished milestone, and a missed milestone is red', () => {
    const milestones = [
      { dueOn: '2026-04-30', text: '完成立项', doneOn: '2026-04-28' },
      { dueOn: '2026-05-09', text: '完成招标', doneOn: null },
      { dueOn: '2026-12-31', text: '竣工', doneOn: null },
    ];
    const t = task({ startOn: '2026-04-01', deadline: '2026-12-31', percent: 30, milestones });
    // 5月6日: 招标 due 5月9日 (a 调休 Saturday, a workday) is 3 workdays away; 30% < elapsed share
    const soon = taskHealth(t, '2026-05-06', calendar);
    expect(soon.health).toBe('yellow');
    expect(soon.reasons[0]).toMatchObject({ kind: 'due_soon_behind', what: 'milestone', text: '完成招标', due: '2026-05-09', workdaysLeft: 3 });
    const missed = taskHealth(t, '2026-05-11', calendar);
    expect(missed.health).toBe('red');
    expect(missed.reasons[0]).toEqual({ kind: 'milestone_overdue', due: '2026-05-09', text: '完成招标', workdaysLate: 1 });
    // done milestone never counts
    const done = taskHealth({ ...t, milestones: [milestones[0]!] }, '2026-05-11', calendar);
    expect(done.health).toBe('green');
  });

  it('is yellow for no report this cycle, but not for a task that started within the cycle', () => {
    const t = task({ lastReportedOn: '2026-06-01' });
    expect(taskHealth(t, '2026-06-12', calendar, { cycleStart: '2026-06-06' }).reasons).toEqual([{ kind: 'no_report', since: '2026-06-06' }]);
    expect(taskHealth(t, '2026-06-12', calendar, { cycleStart: '2026-06-01' }).health).toBe('green');
    expect(taskHealth(task({ startOn: '2026-06-10', lastReportedOn: null }), '2026-06-12', calendar, { cycleStart: '2026-06-06' }).health).toBe('green');
    expect(taskHealth(t, '2026-06-12', calendar).health).toBe('green');
  });

  it('lists red reasons first and keeps the yellow ones', () => {
    const r = taskHealth(task({ status: 'blocked', deadline: '2026-06-01', lastReportedOn: null }), '2026-06-12', calendar, { cycleStart: '2026-06-06' });
    expect(r.reasons.map((x) => x.kind)).toEqual(['blocked', 'overdue', 'no_report']);
  });

  it('without a start date treats anything short of done as behind near the deadline', () => {
    expect(expectedByNow(calendar, null, '2026-06-10', '2026-06-12')).toBe(100);
    expect(taskHealth(task({ startOn: null, deadline: '2026-06-12', percent: 99 }), '2026-06-10', calendar).health).toBe('yellow');
  });
});

describe('taskHealth far from the date', () => {
  it('does not consult the calendar for a deadline in a year it does not know (2027)', () => {
    expect(() => calendar.isWorkday('2027-06-30')).toThrow(/2027/);
    const r = taskHealth(task({ deadline: '2027-06-30', lastReportedOn: '2026-11-25' }), '2026-11-27', calendar, { cycleStart: '2026-11-21' });
    expect(r).toEqual({ health: 'green', reasons: [], effectiveDeadline: '2027-06-30' });
  });

  it('a wide warning window still sees dates across a holiday', () => {
    const r = taskHealth(task({ startOn: '2026-09-01', deadline: '2026-10-09', percent: 10 }), '2026-09-10', calendar, { warnWorkdays: 20 });
    // 9/11–9/30: 14 workdays (中秋 off, Sunday 9/20 worked) + 10/8, 10/9 after 国庆
    expect(r.reasons[0]).toMatchObject({ kind: 'due_soon_behind', workdaysLeft: 16 });
  });
});
