import path from 'node:path';
import { outboxKey } from '../domain/cadence/slot-keys.ts';
import { splitMessage } from '../messages/split-message.ts';
import type { OutboxItem } from '../outbox/enqueue-outbox.ts';
import type { ChatTarget } from '../ports/chat.ts';
import { adminNotices } from './admin-notices.ts';
import type { PlanContext, SlotPlan } from './plan-context.ts';

/** 周汇总: each lead leader's digest, privately. */
export async function planDigest(ctx: PlanContext): Promise<SlotPlan> {
  const digests = await ctx.reports.buildWeeklyDigests(ctx.prisma, reportArgs(ctx));
  const items: OutboxItem[] = [];
  const missing: string[] = [];
  for (const d of digests) {
    if (!d.chatId) {
      missing.push(`周汇总致${d.leaderName ?? `领导#${d.leaderId}`}：领导未绑定微信身份`);
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
    where: which === 'agenda' ? { isOffice: true } : { OR: [{ isOffice: true }, { isAllUnits: true }] },
    orderBy: { id: 'asc' },
  });
  const items: OutboxItem[] = [];
  for (const g of groups) items.push(...reportItems(ctx, `g${g.id}`, { kind: 'group', ref: g.roomId ?? g.topic }, report));
  // With no office group set up, the admins still get it.
  if (!groups.length) for (const a of ctx.admins) items.push(...reportItems(ctx, `a-${a}`, { kind: 'person', ref: a }, report));
  return { items, escalations: [], note: `${which === 'agenda' ? '旬会商议程' : '月通报'}发送 ${groups.length || ctx.admins.length} 处` };
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

