import { addDays, atLocal, toLocalDate, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import { memoCalendar, taskHealth, type HealthResult, type TaskStatusValue } from '../domain/health/index.ts';
import { applyReport, deriveTask, isOpen, type Assignment, type AssignmentRole, type AssignmentState } from '../domain/work/index.ts';
import type { Db } from '../store/open-database.ts';
import { loadPlanShortNames } from '../store/plan-short-names.ts';
import { loadAssignmentRows, loadTaskRows, loadUpdateRows, type UpdateRow } from './report-rows.ts';

/** One progress report as the reports need it. Receipts (签收) are not reports and are left out. */
export interface ReportUpdate {
  taskId: number;
  unitId: number | null;
  reportedAt: Date;
  reportedOn: LocalDate;
  text: string;
  percent: number | null;
  status: TaskStatusValue | null;
  problems: string | null;
}

export interface ReportUnitRef {
  id: number;
  name: string;
}

/** One unit's part of the task as of the report date, replayed from its own reports and requests. */
export interface ReportAssignment {
  unit: ReportUnitRef;
  role: AssignmentRole;
  state: AssignmentState;
  percent: number | null;
  lastReportedOn: LocalDate | null;
}

export interface ReportTask {
  /** The day the bot began tracking the task (its import): reports are owed from then on. */
  trackedFrom: LocalDate;
  id: number;
  no: string;
  /** Short name for lists: the title, else the start of the text. */
  name: string;
  deadline: LocalDate | null;
  deadlineText: string | null;
  /** Status and percent as of the report date. */
  status: TaskStatusValue;
  percent: number | null;
  /** The day of 销号, if closed by the report date. */
  closedOn: LocalDate | null;
  health: HealthResult;
  leadUnits: ReportUnitRef[];
  /** Units expected to report: lead and responsible (participating units do not report). */
  dutyUnits: ReportUnitRef[];
  /**
   * The lead and responsible units as the document prints them, resolved or not (各项目相关责任单位):
   * what reports show when no directory unit stands for them, instead of "未明确".
   */
  printedUnits?: { lead: string[]; responsible: string[] };
  planId?: number;
  /** Each unit's part, as of the report date: the task's status and percent are derived from these. */
  assignments: ReportAssignment[];
  /** The plan's short name (《政府工作报告》), so two plans' 第2项 read apart. */
  plan: string;
  /** How lists name the task: 政府工作报告·2. */
  ref: string;
  leaderIds: number[];
  /** Reports on or before the report date, oldest first; text and problems only for the last TEXT_WINDOW_DAYS. */
  updates: ReportUpdate[];
}

export interface PendingRequest {
  taskId: number;
  kind: 'close' | 'extension' | 'transfer';
  unitId: number | null;
  requestedBy: string;
  reason: string | null;
  newDeadline: LocalDate | null;
  createdOn: LocalDate;
}

export interface ReportData {
  date: LocalDate;
  /** First day of the weekly reporting cycle that ends on `date` (date − 6). */
  cycleStart: LocalDate;
  tasks: ReportTask[];
  /** With the directory's aliases, for pictures that print the short name (区发改委). */
  units: Map<number, ReportUnitRef & { kind: string; aliases?: string[] }>;
  leaders: Array<{ id: number; name: string; title: string | null; chatId: string | null }>;
  pendingRequests: PendingRequest[];
}

const isoDate = (d: Date): LocalDate => d.toISOString().slice(0, 10);

/** A problem raised longer ago than this, and not raised again, is no longer on the table. */
export const PROBLEM_WINDOW_DAYS = 30;

/** Report text and problems are read for this many days back (the digest's week, the agenda's open problems). */
export const TEXT_WINDOW_DAYS = PROBLEM_WINDOW_DAYS + 1;

/**
 * Reads everything the three reports need, as of the end of `date` (Asia/Shanghai), in a handful
 * of queries so 10,000 tasks take one pass. Status and percent come from the reports made up to
 * that date, so a past report can be regenerated as it would have read then.
 */
export async function loadReportData(prisma: Db, opts: { date: LocalDate; calendar: WorkCalendar; warnWorkdays?: number; texts?: boolean }): Promise<ReportData> {
  const { date, calendar } = opts;
  const end = atLocal(addDays(date, 1));
  const cycleStart = addDays(date, -6);
  const textFrom = atLocal(addDays(date, -TEXT_WINDOW_DAYS));
  const [taskRows, assignmentRows, unitRows, leaderRows, olderUpdates, recentUpdates, requestRows, closeRows, planNames] = await Promise.all([
    // The large reads as set-based statements (report-rows.ts); the small ones stay with Prisma.
    loadTaskRows(prisma, end),
    loadAssignmentRows(prisma, end),
    prisma.unit.findMany({ select: { id: true, name: true, kind: true, aliases: true }, orderBy: { id: 'asc' } }),
    prisma.person.findMany({ where: { kind: 'leader', leads: { some: {} } }, select: { id: true, name: true, title: true, chatId: true }, orderBy: { id: 'asc' } }),
    // Older reports only decide status, percent and the last report date; their text is not read.
    loadUpdateRows(prisma, { to: textFrom }, false),
    // The 月通报 reads no report text (`texts: false`): leaving it out halves what its largest statement returns.
    loadUpdateRows(prisma, { from: textFrom, to: end }, opts.texts !== false),
    prisma.taskRequest.findMany({
      where: { status: 'pending', createdAt: { lt: end } },
      orderBy: { createdAt: 'asc' },
      select: { taskId: true, kind: true, unitId: true, requestedBy: true, reason: true, newDeadline: true, createdAt: true },
    }),
    // 销号 requests and decisions move an assignment to 报完成待核 and back, or close it.
    prisma.taskRequest.findMany({
      where: { kind: 'close', createdAt: { lt: end } },
      select: { taskId: true, unitId: true, assignmentId: true, status: true, createdAt: true, decidedAt: true },
    }),
    loadPlanShortNames(prisma),
  ]);
  const assignmentsByTask = new Map<number, typeof assignmentRows>();
  for (const a of assignmentRows) (assignmentsByTask.get(a.taskId) ?? assignmentsByTask.set(a.taskId, []).get(a.taskId)!).push(a);
  const closeByAssignment = new Map<string, typeof closeRows>();
  for (const r of closeRows) {
    const k = r.assignmentId !== null ? `a${r.assignmentId}` : `t${r.taskId}:${r.unitId}`;
    (closeByAssignment.get(k) ?? closeByAssignment.set(k, []).get(k)!).push(r);
  }

  const units = new Map(unitRows.map((u) => [u.id, u]));
  const ref = (id: number | null): ReportUnitRef | undefined => {
    const u = id === null ? undefined : units.get(id);
    return u ? { id: u.id, name: u.name } : undefined;
  };
  const updatesByTask = new Map<number, ReportUpdate[]>();
  // Rows are built field by field (not by spreading): 70,000 spreads cost more than the rest of the loop.
  const addUpdate = (u: UpdateRow, text: string, problems: string | null): void => {
    const list = updatesByTask.get(u.taskId);
    const row: ReportUpdate = { taskId: u.taskId, unitId: u.unitId, reportedAt: u.reportedAt, text, percent: u.percent, status: u.status, problems, reportedOn: toLocalDate(u.reportedAt) };
    if (list) list.push(row);
    else updatesByTask.set(u.taskId, [row]);
  };
  for (const u of olderUpdates) addUpdate(u, '', null);
  for (const u of recentUpdates) addUpdate(u, u.text, u.problems);
  const closesOf = (taskId: number, a: { id: number; unitId: number }): readonly CloseRow[] => {
    if (!closeRows.length) return NONE;
    const byId = closeByAssignment.get(`a${a.id}`);
    const byUnit = closeByAssignment.get(`t${taskId}:${a.unitId}`);
    return byId && byUnit ? [...byId, ...byUnit] : (byId ?? byUnit ?? NONE);
  };

  const healthCalendar = memoCalendar(calendar);
  const tasks = taskRows.map((t): ReportTask => {
    const trackedFrom = toLocalDate(t.createdAt);
    const parts = assignmentsByTask.get(t.id) ?? [];
    const updates = updatesByTask.get(t.id) ?? [];
    const byUnit = new Map<number | null, ReportUpdate[]>();
    for (const u of updates) (byUnit.get(u.unitId) ?? byUnit.set(u.unitId, []).get(u.unitId)!).push(u);
    const replayed = parts.map((a) => assignmentAt(a, byUnit.get(a.unitId) ?? NONE, closesOf(t.id, a), end));
    const derived = parts.length
      ? deriveTask(
          replayed.map((r, i) => ({ state: r.state, percent: r.percent, lastReportedAt: r.lastReportedAt, closedAt: r.closedAt, id: i, taskId: t.id, unitId: parts[i]!.unitId, role: parts[i]!.role, receivedAt: null })),
          { state: t.status, percent: t.percent, closedAt: t.closedAt },
        )
      : null;
    // A task no unit could be assigned to (its units did not resolve) shows what is stored on it.
    const { status, percent } = derived
      ? { status: derived.state, percent: derived.percent }
      : { status: t.closedAt && t.closedAt >= end ? ('in_progress' as const) : t.status, percent: t.percent };
    const deadline = t.deadlineKind === 'date' && t.deadline ? isoDate(t.deadline) : null;
    const health = taskHealth(
      {
        status,
        deadline,
        startOn: t.plan.issuedOn ? isoDate(t.plan.issuedOn) : toLocalDate(t.createdAt),
        percent,
        milestones: t.milestones.map((m) => ({ dueOn: m.dueOn ? isoDate(m.dueOn) : null, text: m.text, doneOn: m.doneAt && m.doneAt < end ? toLocalDate(m.doneAt) : null })),
        lastReportedOn: updates.at(-1)?.reportedOn ?? null,
      },
      date,
      healthCalendar,
      { cycleStart, ...(opts.warnWorkdays !== undefined ? { warnWorkdays: opts.warnWorkdays } : {}) },
    );
    // The units as they stand now (after 转办 and collective expansion), else as the document printed them.
    const byRole = (roles: string[]) =>
      dedupe((parts.length ? parts : t.units).filter((u) => roles.includes(u.role)).map((u) => ref(u.unitId)));
    return {
      trackedFrom,
      id: t.id,
      no: t.no,
      name: taskName(t.title, t.text),
      deadline,
      deadlineText: t.deadlineText,
      status,
      percent,
      closedOn: t.closedAt && t.closedAt < end ? toLocalDate(t.closedAt) : null,
      health,
      leadUnits: byRole(['lead']),
      dutyUnits: byRole(['lead', 'responsible']),
      printedUnits: {
        lead: [...new Set(t.units.filter((u) => u.role === 'lead').map((u) => u.rawName))],
        responsible: [...new Set(t.units.filter((u) => u.role === 'responsible').map((u) => u.rawName))],
      },
      planId: t.planId,
      assignments: parts.flatMap((a, i) => {
        const unit = ref(a.unitId);
        const r = replayed[i]!;
        return unit ? [{ unit, role: a.role, state: r.state, percent: r.percent, lastReportedOn: r.lastReportedAt ? toLocalDate(r.lastReportedAt) : null }] : [];
      }),
      plan: planNames.get(t.planId) ?? '',
      ref: planNames.get(t.planId) ? `${planNames.get(t.planId)}·${t.no}` : t.no,
      leaderIds: t.leaders.map((l) => l.personId),
      updates,
    };
  });

  return {
    date,
    cycleStart,
    tasks,
    units,
    leaders: leaderRows,
    pendingRequests: requestRows.map((r) => ({
      taskId: r.taskId,
      kind: r.kind,
      unitId: r.unitId,
      requestedBy: r.requestedBy,
      reason: r.reason,
      newDeadline: r.newDeadline ? isoDate(r.newDeadline) : null,
      createdOn: toLocalDate(r.createdAt),
    })),
  };
}

type AssignmentRow = { state: AssignmentState; percent: number | null; lastReportedAt: Date | null; closedAt: Date | null; createdAt: Date };
type CloseRow = { status: string; createdAt: Date; decidedAt: Date | null };
type Replayed = Pick<Assignment, 'state' | 'percent' | 'lastReportedAt' | 'closedAt'>;
const NONE: readonly never[] = [];

const replayReport = (s: Replayed, u: ReportUpdate): void => {
  Object.assign(s, applyReport(s, { percent: u.percent, status: u.status === 'closed' ? 'done' : u.status }, u.reportedAt).patch);
};

/**
 * One assignment as of `end`, replayed through the same rule the bot applies live (`applyReport`):
 * the unit's own reports, its 销号 request (报完成待核) and the decision on it. An assignment with
 * no event at all keeps its stored state (as imported), unless it came into being after `end`.
 */
export function assignmentAt(a: AssignmentRow, updates: readonly ReportUpdate[], closes: readonly CloseRow[], end: Date): Replayed {
  const s: Replayed = { state: 'not_started', percent: null, lastReportedAt: null, closedAt: null };
  // The common case, reports only and oldest first (as loadReportData reads them): replayed as they
  // come, without building and sorting events (10,000 tasks' worth of closures cost ~100 ms).
  if (!closes.length && updates.every((u, i) => i === 0 || u.reportedAt >= updates[i - 1]!.reportedAt)) {
    let replayedAny = false;
    for (const u of updates) if (u.reportedAt < end) (replayReport(s, u), (replayedAny = true));
    return replayedAny ? closedAnyway(a, s, end) : unreplayed(a, end);
  }
  type Ev = { at: Date; apply: (s: Replayed) => void };
  const events: Ev[] = [];
  for (const u of updates) {
    if (u.reportedAt >= end) continue;
    events.push({ at: u.reportedAt, apply: (s) => replayReport(s, u) });
  }
  for (const c of closes) {
    if (c.createdAt < end) events.push({ at: c.createdAt, apply: (s) => { if (isOpen(s)) s.state = 'reported_done'; } });
    if (c.decidedAt && c.decidedAt < end && c.status !== 'pending') {
      const approved = c.status === 'approved';
      events.push({ at: c.decidedAt, apply: (s) => Object.assign(s, approved ? { state: 'closed', percent: 100, closedAt: c.decidedAt } : s.state === 'reported_done' ? { state: 'in_progress' } : {}) });
    }
  }
  if (!events.length) return unreplayed(a, end);
  for (const e of events.sort((x, y) => x.at.getTime() - y.at.getTime())) e.apply(s);
  return closedAnyway(a, s, end);
}

/** An assignment with no event by `end` keeps its stored state, unless it came into being after `end`. */
function unreplayed(a: AssignmentRow, end: Date): Replayed {
  if (a.createdAt >= end) return { state: 'not_started', percent: null, lastReportedAt: null, closedAt: null };
  const closed = a.closedAt && a.closedAt < end;
  return { state: a.closedAt && !closed ? 'in_progress' : a.state, percent: a.percent, lastReportedAt: a.lastReportedAt && a.lastReportedAt < end ? a.lastReportedAt : null, closedAt: closed ? a.closedAt : null };
}

/** Closed by then with no request on record (a ledger import, an admin's direct 销号): closed all the same. */
function closedAnyway(a: AssignmentRow, s: Replayed, end: Date): Replayed {
  if (a.closedAt && a.closedAt < end && isOpen(s)) Object.assign(s, { state: 'closed', closedAt: a.closedAt, percent: 100 });
  return s;
}

function taskName(title: string | null, text: string): string {
  const s = (title ?? '').trim() || text.replace(/\s+/g, '');
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

function dedupe(list: Array<ReportUnitRef | undefined>): ReportUnitRef[] {
  const seen = new Set<number>();
  const out: ReportUnitRef[] = [];
  for (const u of list) if (u && !seen.has(u.id)) (seen.add(u.id), out.push(u));
  return out;
}
