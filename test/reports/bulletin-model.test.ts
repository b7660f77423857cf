import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { taskHealth } from '../../src/domain/health/index.ts';
import { bulletinModel, reportingWeeks } from '../../src/reports/bulletin-model.ts';
import { bulletinText } from '../../src/reports/bulletin-text.ts';
import type { ReportData, ReportTask } from '../../src/reports/report-data.ts';

const calendar = createCalendar();
const DATE = '2026-11-27';

function data(unitNames: string[], tasksPerUnit: (i: number) => number): ReportData {
  const units = new Map(unitNames.map((name, i) => [i + 1, { id: i + 1, name, kind: 'department' }]));
  const tasks: ReportTask[] = [];
  unitNames.forEach((name, i) => {
    for (let k = 0; k < tasksPerUnit(i); k++) {
      const unit = { id: i + 1, name };
      const input = { status: 'in_progress' as const, deadline: '2026-12-31', startOn: '2026-09-01', percent: 50, milestones: [], lastReportedOn: '2026-11-25' };
      tasks.push({
        id: tasks.length + 1, no: String(tasks.length + 1), name: '任务', trackedFrom: input.startOn, deadline: input.deadline, deadlineText: null, status: input.status, percent: 50, closedOn: null,
        health: taskHealth(input, DATE, calendar), leadUnits: [unit], dutyUnits: [unit], leaderIds: [], plan: '测试', ref: `测试·${tasks.length + 1}`,
        assignments: [{ unit, role: 'lead', state: 'in_progress', percent: 50, lastReportedOn: '2026-11-25' }],
        updates: ['2026-11-04', '2026-11-11', '2026-11-18', '2026-11-25'].map((d) => ({ taskId: tasks.length + 1, unitId: i + 1, reportedAt: new Date(`${d}T02:00:00Z`), reportedOn: d, text: '', percent: 50, status: null, problems: null })),
      });
    }
  });
  return { date: DATE, cycleStart: '2026-11-21', tasks, units, leaders: [], pendingRequests: [] };
}

describe('bulletin ranking edge cases', () => {
  it('one unit: scores 10 and the bulletin says why', () => {
    const m = bulletinModel(data(['区发改委'], () => 2), calendar);
    expect(m.rows.map((r) => [r.unitName, r.localValue, r.score, r.rank])).toEqual([['区发改委', 85, 10, 1]]);
    expect(bulletinText(m)).toContain('本期仅1个单位参与计分，最大值等于最小值，按最高计10分');
  });

  it('all equal (max = min): every unit 10, no ranks given, no one singled out', () => {
    const m = bulletinModel(data(['甲局', '乙局', '丙局', '丁局'], () => 1), calendar);
    expect(m.rows.map((r) => [r.score, r.rank])).toEqual([[10, null], [10, null], [10, null], [10, null]]);
    expect(m.best).toEqual([]);
    expect(bulletinText(m)).toContain('各单位本地值相同，均计10分，本期不排名次');
    expect(bulletinText(m)).not.toContain('第1名');
  });

  it('nobody reported: the bulletin says so and praises no one', () => {
    const d = data(['甲局', '乙局'], (i) => i + 1);
    for (const t of d.tasks) t.updates = [];
    d.tasks[0]!.assignments[0]!.percent = 90;
    const m = bulletinModel(d, calendar);
    expect(m.nobodyReported).toBe(true);
    expect(m.best).toEqual([]);
    const text = bulletinText(m);
    expect(text).toContain('均未按时报送');
    expect(text).not.toContain('得分居前');
  });

  it('a shared task: the unit that did the work gains, the silent unit does not', () => {
    const d = data(['甲局', '乙局'], (i) => (i === 0 ? 1 : 0));
    const t = d.tasks[0]!;
    const yi = { id: 2, name: '乙局' };
    // 甲局 reported every week and its part is 销号; 乙局, responsible on the same task, never reported.
    t.assignments = [
      { unit: { id: 1, name: '甲局' }, role: 'lead', state: 'closed', percent: 100, lastReportedOn: '2026-11-25' },
      { unit: yi, role: 'responsible', state: 'not_started', percent: null, lastReportedOn: null },
    ];
    t.dutyUnits.push(yi);
    const m = bulletinModel(d, calendar);
    const row = (n: string) => m.rows.find((r) => r.unitName === n)!;
    expect(row('甲局')).toMatchObject({ completed: 1, meanProgress: 1, rank: 1 });
    expect(row('乙局')).toMatchObject({ completed: 0, meanProgress: 0, reportsOnTime: 0, rank: 2 });
    expect(row('乙局').reportsDue).toBeGreaterThan(0);
  });

  it('owes reports only for the weeks since a task was imported', () => {
    const d = data(['区发改委'], () => 1);
    const full = bulletinModel(d, calendar).rows[0]!.reportsDue;
    d.tasks[0]!.trackedFrom = '2026-11-20';
    const late = bulletinModel(d, calendar).rows[0]!;
    expect(full).toBeGreaterThan(late.reportsDue);
    expect(late.reportsDue).toBe(bulletinModel(d, calendar).weeks.filter((w) => w.to >= '2026-11-20').length);
  });

  it('praises the best units only when their reports were on time and nothing is overdue', () => {
    const d = data(['甲局', '乙局'], (i) => i + 1);
    d.tasks[0]!.assignments[0]!.percent = 90;
    expect(bulletinText(bulletinModel(d, calendar))).toContain('甲局（10分）、乙局（6分）得分居前，任务推进有力、报送及时，予以通报表扬');
    // 甲局 misses its reports: it may still score best, but it is not praised for 报送及时.
    d.tasks[0]!.updates = [];
    const late = bulletinText(bulletinModel(d, calendar));
    expect(late).toContain('得分居前。');
    expect(late).not.toContain('予以通报表扬');
  });

  it('no unit with tasks: no ranking', () => {
    const m = bulletinModel(data(['甲局'], () => 0), calendar);
    expect(m.rows[0]).toMatchObject({ unitName: '甲局', localValue: null, score: null, rank: null });
    expect(bulletinText(m)).toContain('本月无承担任务的单位，不予排名');
  });
});

describe('reportingWeeks', () => {
  it('skips the 国庆 week (no workday) and counts the 调休 Saturday 10月10日', () => {
    expect(reportingWeeks('2026-10-01', '2026-10-31', calendar)).toEqual([
      { from: '2026-10-05', to: '2026-10-11' },
      { from: '2026-10-12', to: '2026-10-18' },
      { from: '2026-10-19', to: '2026-10-25' },
      { from: '2026-10-26', to: '2026-10-31' },
    ]);
  });

  it('does not count the week still under way', () => {
    expect(reportingWeeks('2026-11-01', '2026-11-25', calendar).map((w) => w.from)).toEqual(['2026-11-02', '2026-11-09', '2026-11-16']);
  });
});
