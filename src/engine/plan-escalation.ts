import { templatesFor } from '../messages/load-templates.ts';
import { renderTemplate } from '../messages/render-template.ts';
import { addressUnits, privateItems, type UnitMessage } from './address-units.ts';
import { adminNotices } from './admin-notices.ts';
import { owesReport, stillToDo } from '../domain/work/index.ts';
import { cnDate, deadlineLabel, loadOpenTasksByUnit, type OpenTask } from './open-tasks.ts';
import type { EscalationRow, PlanContext, SlotPlan } from './plan-context.ts';
import { dueLabel, lineRef, sortedUnits } from './plan-unit-rounds.ts';

/**
 * 督办单, the last step of the ladder: for each assignment still owed after its 催报 (no report on
 * that task since the cycle opened, whatever the unit said about its other tasks) and each one past
 * its deadline, a 督办单 to the unit and a private one
 * to every lead leader of the task. Each (task, unit) step is recorded as an Escalation.
 */
export async function planEscalation(ctx: PlanContext): Promise<SlotPlan> {
  const cycle = ctx.slot.cycle;
  const today = ctx.slot.date;
  const tasks = await loadOpenTasksByUnit(ctx.prisma, { roles: ctx.spec.roles, unitIds: ctx.unitIds, asOf: ctx.slot.at });
  // The ladder: silence earns a 督办单 only after this cycle's 提醒单 (催报) went out.
  const slips = cycle
    ? await ctx.prisma.escalation.findMany({ where: { level: 'reminder', issuedAt: { gte: cycle.start, lt: ctx.slot.at } }, select: { taskId: true, unitId: true } })
    : [];
  const chased = new Set(slips.map((e) => `${e.taskId}:${e.unitId}`));
  const tpl = templatesFor(ctx.templates, 'escalation', ctx.spec.key);
  const leaderIds = new Set([...tasks.values()].flat().flatMap((t) => t.leaderIds));
  const leaders = new Map(
    (await ctx.prisma.person.findMany({ where: { id: { in: [...leaderIds] } }, select: { id: true, name: true, chatId: true } })).map((p) => [p.id, p]),
  );

  const flagged: { unitId: number; task: OpenTask; reason: string }[] = [];
  for (const [unitId, list] of sortedUnits(ctx, tasks)) {
    for (const t of list) {
      const silentAfterSlip = !!cycle && owesReport(t.assignment, { since: cycle.start, roles: ctx.spec.roles }) && chased.has(`${t.taskId}:${unitId}`);
      const overdue = stillToDo(t.assignment) && t.deadlineKind === 'date' && t.deadline && t.deadline < today;
      const signed = !!cycle && !!t.assignment.receivedAt && t.assignment.receivedAt >= cycle.start;
      const reasons = [
        ...(silentAfterSlip ? [`经催报仍未报送${signed ? '（已签收）' : ''}`] : []),
        ...(overdue ? [`已超过完成时限${cnDate(t.deadline!)}`] : []),
      ];
      if (reasons.length) flagged.push({ unitId, task: t, reason: reasons.join('；') });
    }
  }

  const messages: UnitMessage[] = [];
  for (const unitId of [...new Set(flagged.map((f) => f.unitId))]) {
    const mine = flagged.filter((f) => f.unitId === unitId);
    const names = [...new Set(mine.flatMap((f) => f.task.leaderIds).map((id) => leaders.get(id)?.name).filter(Boolean))];
    const unit = ctx.dir.get(unitId)!.name;
    messages.push({
      unitId,
      header: renderTemplate(tpl.unitHeader, { title: ctx.spec.title, unit, leaders: names.length ? `（${names.join('、')}）` : '', count: mine.length }),
      lines: mine.map((f) => line(tpl.task, f, unit)),
      refs: mine.map((f) => lineRef(f.task)),
      footer: tpl.footer,
    });
  }
  const addressed = addressUnits(ctx.dir, messages, ctx.spec.key, ctx.slot.at);
  const items = [...addressed.items];
  const undeliverable = addressed.unreachable.map((u) => `${u}：未绑定单位群且联络员未登记账号`);
  for (const [leaderId, leader] of [...leaders].sort((a, b) => a[0] - b[0])) {
    const mine = flagged.filter((f) => f.task.leaderIds.includes(leaderId));
    if (!mine.length) continue;
    const text = [
      renderTemplate(tpl.leaderHeader, { title: ctx.spec.title, leader: leader.name, count: mine.length }),
      ...mine.map((f) => line(tpl.task, f, ctx.dir.get(f.unitId)!.name)),
    ].join('\n');
    if (leader.chatId) items.push(...privateItems(ctx.spec.key, ctx.slot.at, `l${leaderId}`, leader.chatId, text));
    else undeliverable.push(`督办单致${leader.name}：领导未登记账号`);
  }
  items.push(...adminNotices(ctx, 'noGroup', { units: addressed.noGroup }), ...adminNotices(ctx, 'undeliverable', { list: undeliverable }));
  const escalations: EscalationRow[] = flagged.map((f) => ({
    taskId: f.task.taskId,
    unitId: f.unitId,
    level: 'supervision',
    reason: f.reason,
    outboxKey: addressed.keyByUnit.get(f.unitId) ?? null,
  }));
  return { items, escalations, note: `督办 ${flagged.length} 项，单位 ${messages.length}${cycle ? `，周期截止 ${dueLabel(cycle.due)}` : ''}` };
}

function line(tpl: string, f: { task: OpenTask; reason: string }, unit: string): string {
  return renderTemplate(tpl, { no: f.task.no, plan: f.task.plan, taskTitle: f.task.shortTitle, unit, reason: f.reason, deadline: deadlineLabel(f.task), last: f.task.last ?? '暂无' });
}
