import { addDays, lastDayOfMonth, weekday, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import { normalisedScores, type ScoreResult } from '../domain/scoring/index.ts';
import { DEFAULT_REPORTING_ROLES, isReportingPart, partPercent, stillToDo } from '../domain/work/index.ts';
import type { ReportAssignment, ReportData, ReportTask } from './report-data.ts';
import { isOverdue } from './report-facts.ts';

/** How the 本地值 is made from the three measures; printed in the bulletin so anyone can check it. */
export const LOCAL_VALUE_RULE = '本地值 = 按时报送率 × 40 + 平均完成进度 × 30 + 未逾期率 × 30（各率按小数计入，如80%计为0.8；本地值保留两位小数；本月无应报进展的单位，按时报送率按100%计）';

export interface UnitRow {
  unitId: number;
  unitName: string;
  /** Tasks the unit leads or is responsible for (its own assignments). */
  tasks: number;
  /** Weekly reports it owed this month on its open assignments (× reporting weeks), and those it made in their week. */
  reportsDue: number;
  reportsOnTime: number;
  /** Its own parts closed (销号) after review. */
  completed: number;
  /** Mean percent of its own parts (销号 and 报完成待核 count 100), 0–1. */
  meanProgress: number;
  overdue: number;
  overdueTaskNos: string[];
  localValue: number | null;
  score: number | null;
  rank: number | null;
}

export interface BulletinModel {
  date: LocalDate;
  monthStart: LocalDate;
  year: number;
  month: number;
  weeks: Array<{ from: LocalDate; to: LocalDate }>;
  totals: { tasks: number; red: number; yellow: number; green: number; done: number; closed: number; reportsDue: number; reportsOnTime: number; overdue: number };
  /** Ranked rows first (best first), then units with no tasks (不计分). */
  rows: UnitRow[];
  scoring: ScoreResult<number>;
  best: UnitRow[];
  withOverdue: UnitRow[];
  /** Units with overdue tasks report their remedy by this date (5 workdays on). */
  remedyBy: LocalDate;
  /** Reports were owed and none came in on time: the ranking then says nothing about the work. */
  nobodyReported: boolean;
}

/**
 * The reporting weeks of the month that are due by `date`: Monday–Sunday weeks clipped to the
 * month, each due on its last workday (a clipped piece with no workday, like a lone Sunday on the
 * 1st, is no reporting week); the week still under way is not yet counted.
 */
export function reportingWeeks(monthStart: LocalDate, date: LocalDate, calendar: WorkCalendar): Array<{ from: LocalDate; to: LocalDate }> {
  const monthEnd = lastDayOfMonth(monthStart);
  const weeks: Array<{ from: LocalDate; to: LocalDate }> = [];
  for (let from = monthStart; from <= monthEnd; ) {
    const sunday = addDays(from, (7 - weekday(from)) % 7);
    const to = sunday < monthEnd ? sunday : monthEnd;
    let lastWorkday: LocalDate | undefined;
    for (let d = from; d <= to; d = addDays(d, 1)) if (calendar.isWorkday(d)) lastWorkday = d;
    if (lastWorkday && lastWorkday > date) break;
    if (lastWorkday) weeks.push({ from, to: to < date ? to : date });
    from = addDays(to, 1);
  }
  return weeks;
}

export function bulletinModel(data: ReportData, calendar: WorkCalendar): BulletinModel {
  const date = data.date;
  const monthStart = `${date.slice(0, 8)}01`;
  const weeks = reportingWeeks(monthStart, date, calendar);
  const weekIndex = (d: LocalDate): number => weeks.findIndex((w) => d >= w.from && d <= w.to);

  // Every measure is over the unit's own assignments: a unit never gains from another unit's work.
  const acc = new Map<number, { parts: Array<{ task: ReportTask; a: ReportAssignment }>; due: number; onTime: number }>();
  for (const task of data.tasks) {
    const reported = new Set<string>();
    for (const u of task.updates) if (u.unitId !== null && u.reportedOn >= monthStart) reported.add(`${u.unitId}:${weekIndex(u.reportedOn)}`);
    for (const a of task.assignments) {
      if (!DEFAULT_REPORTING_ROLES.includes(a.role)) continue;
      const e = acc.get(a.unit.id) ?? { parts: [], due: 0, onTime: 0 };
      e.parts.push({ task, a });
      if (isReportingPart(a)) {
        // Only the weeks the task existed in: a plan imported mid-month owes no report for the weeks before.
        for (let w = 0; w < weeks.length; w++) {
          if (weeks[w]!.to < task.trackedFrom) continue;
          e.due++;
          if (reported.has(`${a.unit.id}:${w}`)) e.onTime++;
        }
      }
      acc.set(a.unit.id, e);
    }
  }
  const partOverdue = (p: { task: ReportTask; a: ReportAssignment }) => stillToDo(p.a) && isOverdue(p.task);

  const rows: UnitRow[] = [...data.units.values()].map((unit) => {
    const a = acc.get(unit.id);
    const parts = a?.parts ?? [];
    const completed = parts.filter((p) => p.a.state === 'closed').length;
    const overdueParts = parts.filter(partOverdue);
    const meanProgress = parts.length ? parts.reduce((s, p) => s + partPercent(p.a), 0) / parts.length / 100 : 0;
    // With no report due (all its parts finished), reporting is not held against the unit.
    const onTimeRate = a && a.due > 0 ? a.onTime / a.due : 1;
    const localValue = parts.length ? round2(onTimeRate * 40 + meanProgress * 30 + (1 - overdueParts.length / parts.length) * 30) : null;
    return {
      unitId: unit.id,
      unitName: unit.name,
      tasks: parts.length,
      reportsDue: a?.due ?? 0,
      reportsOnTime: a?.onTime ?? 0,
      completed,
      meanProgress,
      overdue: overdueParts.length,
      overdueTaskNos: overdueParts.map((p) => p.task.no),
      localValue,
      score: null,
      rank: null,
    };
  });
  const scoring = normalisedScores(rows.map((r) => ({ key: r.unitId, value: r.localValue })));
  const byId = new Map(rows.map((r) => [r.unitId, r]));
  const ranked = scoring.entries.map((e) => {
    const r = byId.get(e.key)!;
    r.score = e.score;
    r.rank = e.rank;
    return r;
  });

  const scored = ranked.filter((r) => r.rank !== null);
  const reportsDue = rows.reduce((s, r) => s + r.reportsDue, 0);
  const nobodyReported = reportsDue > 0 && rows.every((r) => r.reportsOnTime === 0);
  // Name the top three places unless nothing sets them apart: a tie of all, or nobody reporting.
  const best = nobodyReported || scoring.case === 'all_equal' ? [] : scored.filter((r) => r.rank! <= 3);
  const withOverdue = ranked.filter((r) => r.overdue > 0).sort((a, b) => b.overdue - a.overdue || (a.rank ?? 1e9) - (b.rank ?? 1e9));

  const h = (k: string) => data.tasks.filter((t) => t.health.health === k).length;
  return {
    date,
    monthStart,
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    weeks,
    totals: {
      tasks: data.tasks.length,
      red: h('red'),
      yellow: h('yellow'),
      green: h('green'),
      done: h('done'),
      closed: h('closed'),
      reportsDue: rows.reduce((s, r) => s + r.reportsDue, 0),
      reportsOnTime: rows.reduce((s, r) => s + r.reportsOnTime, 0),
      overdue: data.tasks.filter(isOverdue).length,
    },
    rows: ranked,
    scoring,
    best,
    withOverdue,
    remedyBy: calendar.addWorkdays(date, 5),
    nobodyReported,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
