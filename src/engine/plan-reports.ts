import path from 'node:path';
import { outboxKey } from '../domain/cadence/slot-keys.ts';
import { splitMessage } from '../messages/split-message.ts';
import type { OutboxItem } from '../outbox/enqueue-outbox.ts';
import type { ChatTarget } from '../ports/chat.ts';
import { addressableGroups } from '../store/office-groups.ts';
import { adminNotices } from './admin-notices.ts';
import type { PlanContext, SlotPlan } from './plan-context.ts';

/** 周汇总: each lead leader's digest, privately. */
export async function planDigest(ctx: PlanContext): Promise<SlotPlan> {
  const digests = await ctx.reports.buildWeeklyDigests(ctx.prisma, reportArgs(ctx));
  const items: OutboxItem[] = [];
  const missing: string[] = [];
  for (const d of digests) {
    if (!d.chatId) {
      missing.push(`周汇总致${d.leaderName ?? `领导#${d.leaderId}`}：领导未登记账号`);
      continue;
    }
    items.push(...reportItems(ctx, `l${d.leaderId}`, { kind: 'person', ref: d.chatId }, d));
  }
  items.push(...adminNotices(ctx, 'undeliverable', { list: missing }));
  return { items, escalations: [], note: `周汇总 ${digests.length} 份` };
}

/** 旬会商 agenda and 月通报 bulletin: to the office groups (and, for the bulletin, the all-units groups). */
export async function planGroupReport(ctx: PlanContext, which: 'agenda' | 'bulletin'): Promise<SlotPlan> {
  const report = which === 'agenda' ? await ctx.reports.buildConsultAgenda(ctx.prisma, reportArgs(ctx)) : await ctx.reports.buildMonthlyBulletin(ctx.prisma, reportArgs(ctx));
  const groups = await ctx.prisma.chatGroup.findMany({
    where: { ...(which === 'agenda' ? { isOffice: true } : { OR: [{ isOffice: true }, { isAllUnits: true }] }), ...addressableGroups(ctx.groupsByTopic) },
    orderBy: { id: 'asc' },
  });
  const items: OutboxItem[] = [];
  for (const g of groups) items.push(...reportItems(ctx, `g${g.id}`, { kind: 'group', ref: g.roomId ?? g.topic }, report));
  // With no office group set up, the admins still get it.
  if (!groups.length) for (const a of ctx.admins) items.push(...reportItems(ctx, `a-${a}`, { kind: 'person', ref: a }, report));
  // The leaders who hold the meeting (or read the bulletin) get it privately too.
  const wanted = ctx.spec.leaders ?? (which === 'agenda' ? DEFAULT_AGENDA_LEADERS : []);
  const { reached, missing } = await reportLeaders(ctx, wanted);
  for (const l of reached) items.push(...reportItems(ctx, `l${l.id}`, { kind: 'person', ref: l.chatId }, report));
  items.push(...adminNotices(ctx, 'undeliverable', { list: missing.map((m) => `${which === 'agenda' ? '旬会商议题' : '月通报'}致${m}：领导未登记账号`) }));
  return { items, escalations: [], note: `${which === 'agenda' ? '旬会商议程' : '月通报'}发送 ${groups.length || ctx.admins.length} 处，领导 ${reached.length} 位` };
}

/** 旬会商 is held by the leadership group's 组长 and 常务副组长 unless the cadence names others. */
export const DEFAULT_AGENDA_LEADERS = ['组长', '常务副组长'];

/**
 * The leaders a cadence's `leaders` names: by name, by leadership-group role (Person.role), or all
 * leaders with tasks (牵头领导). Identity is the registered chat id; those without one are reported.
 */
export async function reportLeaders(ctx: Pick<PlanContext, 'prisma'>, wanted: readonly string[]): Promise<{ reached: Array<{ id: number; name: string; chatId: string }>; missing: string[] }> {
  if (!wanted.length) return { reached: [], missing: [] };
  const everyLead = wanted.includes('牵头领导');
  const people = await ctx.prisma.person.findMany({
    where: { kind: 'leader', OR: [{ name: { in: [...wanted] } }, { role: { in: [...wanted] } }, ...(everyLead ? [{ leads: { some: {} } }] : [])] },
    select: { id: true, name: true, chatId: true },
    orderBy: { id: 'asc' },
  });
  return {
    reached: people.filter((p): p is typeof p & { chatId: string } => !!p.chatId),
    missing: people.filter((p) => !p.chatId).map((p) => p.name),
  };
}

function reportArgs(ctx: PlanContext) {
  return { date: ctx.slot.date, calendar: ctx.calendar, ...(ctx.reportsDir ? { outDir: path.join(ctx.reportsDir, ctx.slot.date) } : {}) };
}

function reportItems(ctx: PlanContext, recipient: string, target: ChatTarget, r: { text: string; parts?: string[]; imagePath?: string; docxPath?: string }): OutboxItem[] {
  const texts = r.parts?.length ? r.parts : splitMessage(r.text.split('\n').map((text) => ({ text }))).map((p) => p.text);
  const files = [r.imagePath, r.docxPath].filter((f): f is string => !!f);
  const items: OutboxItem[] = texts.map((text, index) => ({
    idempotencyKey: outboxKey(ctx.spec.key, ctx.slot.at, recipient, { index, total: texts.length }),
    target,
    text,
    cadence: ctx.spec.key,
    slotAt: ctx.slot.at,
    notBefore: ctx.slot.at,
  }));
  // Each file is its own message, sent after the text, with a key of its own.
  files.forEach((file, i) =>
    items.push({
      idempotencyKey: outboxKey(ctx.spec.key, ctx.slot.at, `${recipient}-file${i + 1}`),
      target,
      text: `附件：${path.basename(file)}`,
      attachment: file,
      cadence: ctx.spec.key,
      slotAt: ctx.slot.at,
      notBefore: ctx.slot.at,
    }),
  );
  return items;
}

