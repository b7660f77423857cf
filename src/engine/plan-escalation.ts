import { templatesFor } from '../messages/load-templates.ts';
import { renderTemplate } from '../messages/render-template.ts';
import { addressUnits, privateItems, type UnitMessage } from './address-units.ts';
import { adminNotices } from './admin-notices.ts';
import { cnDate, deadlineLabel, loadOpenTasksByUnit, unitsHeardFrom, type OpenTask } from './open-tasks.ts';
import type { EscalationRow, PlanContext, SlotPlan } from './plan-context.ts';
import { dueLabel, sortedUnits } from './plan-unit-rounds.ts';

/**
 * 督办单, the last step of the ladder: for each unit still silent after the 催报 (no progress report
 * since the cycle opened) and each task past its deadline, a 督办单 to the unit and a private one
 * to every lead leader of the task. Each (task, unit) step is recorded as an Escalation.
 */
export async function planEscalation(ctx: PlanContext): Promise<SlotPlan> {
  const cycle = ctx.slot.cycle;
  const today = ctx.slot.date;
  const tasks = await loadOpenTasksByUnit(ctx.prisma, { roles: ctx.spec.roles, unitIds: ctx.unitIds, asOf: ctx.slot.at });
  const reported = cycle ? await unitsHeardFrom(ctx.prisma, cycle.start, ctx.slot.at) : new Set<number>();
  const signed = cycle ? await unitsHeardFrom(ctx.prisma, cycle.start, ctx.slot.at, true) : new Set<number>();
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
    const silent = cycle && !reported.has(unitId);
    for (const t of list) {
      const silentAfterSlip = silent && chased.has(`${t.taskId}:${unitId}`);
      const overdue = t.deadlineKind === 'date' && t.deadline && t.deadline < today;
      const reasons = [
        ...(silentAfterSlip ? [`经催报仍未报送${signed.has(unitId) ? '（已签收）' : ''}`] : []),
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
      footer: tpl.footer,
    });
  }
  const addressed = addressUnits(ctx.dir, messages, ctx.spec.key, ctx.slot.at);
  const items = [...addressed.items];
  const undeliverable = addressed.unreachable.map((u) => `${u}：未绑定微信群且联络员无微信身份`);
  for (const [leaderId, leader] of [...leaders].sort((a, b) => a[0] - b[0])) {
    const mine = flagged.filter((f) => f.task.leaderIds.includes(leaderId));
    if (!mine.length) continue;
    const text = [
      renderTemplate(tpl.leaderHeader, { title: ctx.spec.title, leader: leader.name, count: mine.length }),
      ...mine.map((f) => line(tpl.task, f, ctx.dir.get(f.unitId)!.name)),
    ].join('\n');
    if (leader.chatId) items.push(...privateItems(ctx.spec.key, ctx.slot.at, `l${leaderId}`, leader.chatId, text));
    else undeliverable.push(`督办单致${leader.name}：领导未绑定微信身份`);
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
  return renderTemplate(tpl, { no: f.task.no, taskTitle: f.task.shortTitle, unit, reason: f.reason, deadline: deadlineLabel(f.task), last: f.task.last ?? '暂无' });
}
