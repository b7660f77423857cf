import { outboxKey } from '../domain/cadence/slot-keys.ts';
import { toLocalDate, toLocalTime } from '../domain/calendar/shanghai-time.ts';
import { renderTemplate } from '../messages/render-template.ts';
import type { OutboxItem } from '../outbox/enqueue-outbox.ts';
import type { PlanContext } from './plan-context.ts';
import { cnDate } from './open-tasks.ts';

export function slotLabel(at: Date): string {
  return `${cnDate(toLocalDate(at))} ${toLocalTime(at)}`;
}

const NOTICE_KEY = /:admin-(noGroup|undeliverable)-/;

/** Whether a planned message is one of these notices (its key says so), not a reminder or report. */
export const isAdminNotice = (item: Pick<OutboxItem, 'idempotencyKey'>): boolean => NOTICE_KEY.test(item.idempotencyKey);

/** Tells every admin, once per slot and kind, what could not go the normal way. */
export function adminNotices(ctx: PlanContext, kind: 'noGroup' | 'undeliverable', values: { units?: string[]; list?: string[] }): OutboxItem[] {
  const units = values.units ?? [];
  const list = values.list ?? [];
  if (!units.length && !list.length) return [];
  const text = renderTemplate(ctx.templates.admin[kind], {
    title: ctx.spec.title,
    slot: slotLabel(ctx.slot.at),
    units: units.join('、'),
    list: list.map((l) => `- ${l}`).join('\n'),
  });
  return ctx.admins.map((chatId) => ({
    idempotencyKey: outboxKey(ctx.spec.key, ctx.slot.at, `admin-${kind}-${chatId}`),
    target: { kind: 'person', ref: chatId },
    text,
    cadence: ctx.spec.key,
    slotAt: ctx.slot.at,
    notBefore: ctx.slot.at,
  }));
}
