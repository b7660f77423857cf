import { addDays, atLocal, toLocalDate, toLocalTime, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import { templatesFor } from '../messages/load-templates.ts';
import type { LineRef } from '../messages/fit-section.ts';
import { renderTemplate } from '../messages/render-template.ts';
import { addressUnits, type UnitMessage } from './address-units.ts';
import { adminNotices } from './admin-notices.ts';
import { stillToDo, whoOwesReport } from '../domain/work/index.ts';
import { cnDate, deadlineLabel, loadOpenTasksByUnit, type OpenTask } from './open-tasks.ts';
import type { PlanContext, SlotPlan } from './plan-context.ts';
import { unansweredInstructions } from '../store/instructions.ts';

const ALL_ROLES = ['lead', 'responsible', 'participating'] as const;

const WEEKDAY = ['日', '一', '二', '三', '四', '五', '六'];

/** 5月7日（周四）17:00 */
export function dueLabel(due: Date): string {
  const d = toLocalDate(due);
  return `${cnDate(d)}（周${WEEKDAY[new Date(`${d}T00:00:00Z`).getUTCDay()]}）${toLocalTime(due)}`;
}

function taskLine(tpl: string, t: OpenTask, extra: Record<string, string | number> = {}): string {
  return renderTemplate(tpl, { no: t.no, plan: t.plan, taskTitle: t.shortTitle, deadline: deadlineLabel(t), last: t.last ?? '暂无', ...extra });
}

/**
 * 周调度 reminder and 催报: every unit that owes a report on some of its tasks this cycle (see
 * `owesReport`), listing only the tasks it still owes — what it said about its other tasks does not
 * excuse these. The chase (after the due time) records a 提醒单 per owed task.
 */
export async function planReminderRound(ctx: PlanContext, kind: 'reminder' | 'chase'): Promise<SlotPlan> {
  const cycle = ctx.slot.cycle;
  if (!cycle) return { items: [], escalations: [], note: '无报送周期' };
  const tasks = await withInstructions(ctx);
  const round = { since: cycle.start, roles: ctx.spec.roles };
  const tpl = templatesFor(ctx.templates, kind, ctx.spec.key);
  const due = dueLabel(cycle.due);
  const messages: UnitMessage[] = [];
  const owed = whoOwesReport([...tasks.values()].flat(), round, (t) => t.assignment);
  let settled = 0;
  for (const [unitId, all] of sortedUnits(ctx, tasks)) {
    const list = owed.get(unitId) ?? [];
    if (!list.length) {
      if (all.length) settled++;
      continue;
    }
    const unit = ctx.dir.get(unitId)!.name;
    messages.push({
      unitId,
      header: renderTemplate(tpl.header, { title: ctx.spec.title, unit, due, count: list.length }),
      lines: list.map((t) => taskLine(tpl.task, t) + (t.assignment.instructedAt ? INSTRUCTED : '')),
      refs: list.map(lineRef),
      footer: renderTemplate(tpl.footer, { due }),
    });
  }
  const addressed = addressUnits(ctx.dir, messages, ctx.spec.key, ctx.slot.at);
  const escalations =
    kind === 'chase'
      ? messages.flatMap((m) =>
          owed.get(m.unitId)!.map((t) => ({ taskId: t.taskId, unitId: m.unitId, level: 'reminder' as const, reason: `截至${due}未报送进展`, outboxKey: addressed.keyByUnit.get(m.unitId) ?? null })),
        )
      : [];
  return {
    items: [
      ...addressed.items,
      ...adminNotices(ctx, 'noGroup', { units: addressed.noGroup }),
      ...adminNotices(ctx, 'undeliverable', { list: addressed.unreachable.map((u) => `${u}：未绑定单位群且联络员未登记账号`) }),
    ],
    escalations,
    note: `单位 ${messages.length}，应报 ${messages.reduce((n, m) => n + owed.get(m.unitId)!.length, 0)} 项，已全部报送跳过 ${settled}，消息 ${addressed.items.length}`,
  };
}

const INSTRUCTED = '【领导批示待反馈】';

/**
 * The round's open parts, each marked with the oldest leader's 批示 it has not answered: such a part
 * is owed whatever its role (see owesReport), so parts of other roles come in when a 批示 names them.
 */
async function withInstructions(ctx: PlanContext): Promise<Map<number, Array<OpenTask & { assignment: { instructedAt?: Date | null } }>>> {
  const pending = await unansweredInstructions(ctx.prisma, ctx.slot.at);
  const roles = pending.size ? ALL_ROLES : ctx.spec.roles;
  const loaded = await loadOpenTasksByUnit(ctx.prisma, { roles, unitIds: ctx.unitIds, asOf: ctx.slot.at });
  if (!pending.size) return loaded;
  const out = new Map<number, Array<OpenTask & { assignment: { instructedAt?: Date | null } }>>();
  for (const [unitId, list] of loaded) {
    const kept = list
      .map((t) => ({ ...t, assignment: { ...t.assignment, instructedAt: pending.get(`${t.taskId}:${unitId}`) ?? null } }))
      .filter((t) => ctx.spec.roles.includes(t.assignment.role) || t.assignment.instructedAt);
    if (kept.length) out.set(unitId, kept);
  }
  return out;
}

/** 时限倒计时: tasks and milestones that fall due in exactly one of the configured workday counts. */
export async function planCountdown(ctx: PlanContext): Promise<SlotPlan> {
  const days = new Set(ctx.spec.countdownDays ?? [7, 3, 1]);
  const today = ctx.slot.date;
  const tasks = await loadOpenTasksByUnit(ctx.prisma, { roles: ctx.spec.roles, unitIds: ctx.unitIds, asOf: ctx.slot.at });
  const milestones = await ctx.prisma.milestone.findMany({
    where: { doneAt: null, dueOn: { gt: atLocal(today), lte: atLocal(addDays(today, 120)) } },
    select: { taskId: true, dueOn: true, text: true },
  });
  const msByTask = new Map<number, { due: LocalDate; text: string }[]>();
  for (const m of milestones) msByTask.set(m.taskId, [...(msByTask.get(m.taskId) ?? []), { due: toLocalDate(m.dueOn!), text: m.text }]);
  const tpl = templatesFor(ctx.templates, 'countdown', ctx.spec.key);
  const left = (d: LocalDate) => (d > today ? ctx.calendar.workdaysBetween(today, d) : -1);
  const messages: UnitMessage[] = [];
  for (const [unitId, all] of sortedUnits(ctx, tasks)) {
    const lines: string[] = [];
    const refs: LineRef[] = [];
    for (const t of all.filter((x) => stillToDo(x.assignment))) {
      if (t.deadlineKind === 'date' && t.deadline && days.has(left(t.deadline))) {
        lines.push(taskLine(tpl.task, t, { days: left(t.deadline) }));
        refs.push(lineRef(t));
      }
      for (const m of msByTask.get(t.taskId) ?? []) {
        if (!days.has(left(m.due))) continue;
        lines.push(taskLine(tpl.task, { ...t, shortTitle: `${t.shortTitle}·节点：${m.text.slice(0, 20)}`, deadline: m.due }, { days: left(m.due) }));
        refs.push(lineRef(t));
      }
    }
    if (!lines.length) continue;
    const unit = ctx.dir.get(unitId)!.name;
    messages.push({ unitId, header: renderTemplate(tpl.header, { title: ctx.spec.title, unit, count: lines.length }), lines, refs, footer: tpl.footer });
  }
  const addressed = addressUnits(ctx.dir, messages, ctx.spec.key, ctx.slot.at);
  return {
    items: [...addressed.items, ...adminNotices(ctx, 'undeliverable', { list: addressed.unreachable.map((u) => `${u}：未绑定单位群且联络员未登记账号`) })],
    escalations: [],
    note: `倒计时单位 ${messages.length}，消息 ${addressed.items.length}`,
  };
}

/** 一月一汇报: units with lagging tasks (受阻, or past the deadline) report in writing for the month. */
export async function planLaggingReport(ctx: PlanContext): Promise<SlotPlan> {
  const today = ctx.slot.date;
  const tasks = await loadOpenTasksByUnit(ctx.prisma, { roles: ctx.spec.roles, unitIds: ctx.unitIds, asOf: ctx.slot.at });
  const tpl = templatesFor(ctx.templates, 'lagging_report', ctx.spec.key);
  const due = dueLabel(atLocal(ctx.calendar.addWorkdays(today, 3), '17:00'));
  const month = `${Number(today.slice(5, 7))}月`;
  const messages: UnitMessage[] = [];
  for (const [unitId, list] of sortedUnits(ctx, tasks)) {
    const lagging = list.filter((t) => stillToDo(t.assignment) && isLagging(t, today));
    if (!lagging.length) continue;
    const unit = ctx.dir.get(unitId)!.name;
    messages.push({
      unitId,
      header: renderTemplate(tpl.header, { title: ctx.spec.title, unit, month, count: lagging.length, due }),
      lines: lagging.map((t) => taskLine(tpl.task, t)),
      refs: lagging.map(lineRef),
      footer: renderTemplate(tpl.footer, { due }),
    });
  }
  const addressed = addressUnits(ctx.dir, messages, ctx.spec.key, ctx.slot.at);
  return {
    items: [...addressed.items, ...adminNotices(ctx, 'noGroup', { units: addressed.noGroup })],
    escalations: [],
    note: `滞后单位 ${messages.length}，消息 ${addressed.items.length}`,
  };
}

/** How a left-out line is named in a shared group: 《方案》第3项. */
export function lineRef(t: Pick<OpenTask, 'plan' | 'no'>): LineRef {
  return { plan: t.plan, no: t.no };
}

/** 滞后 for the monthly written report: the unit said 滞后 or 受阻, or the deadline has passed. */
export function isLagging(t: Pick<OpenTask, 'assignment' | 'deadline' | 'deadlineKind'>, today: LocalDate): boolean {
  return t.assignment.state === 'blocked' || t.assignment.state === 'lagging' || (t.deadlineKind === 'date' && !!t.deadline && t.deadline < today);
}

/** Units in the cadence's scope that exist in the directory, in name order for stable output. */
export function sortedUnits<T>(ctx: PlanContext, byUnit: Map<number, T>): [number, T][] {
  return [...byUnit]
    .filter(([u]) => ctx.dir.has(u) && (!ctx.unitIds || ctx.unitIds.includes(u)))
    .sort((a, b) => a[0] - b[0]);
}
