import type { Config } from '../config/config-schema.ts';
import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import { decideDelivery, type DeliveryPolicyConfig } from '../domain/delivery/index.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { HealthCheck } from '../health/health-checks.ts';
import type { Logger } from '../log/create-logger.ts';
import type { ChatPort } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import { createWebhookAlert } from './alert-webhook.ts';
import { createChannelWatch } from './channel-watch.ts';
import type { OutboxSenderOptions } from './create-outbox-sender.ts';
import { countDeliveryProblems } from './delivery-problems.ts';

/** The delivery guarantees as the app wires them: the gate and hooks for the outbox sender, the channel watch, a health check. */
export function createDeliveryWiring(o: { config: Config; prisma: PrismaClient; chat: ChatPort; clock: Clock; calendar: WorkCalendar; logger: Logger }) {
  const { config, prisma, chat, clock, calendar, logger } = o;
  const policy: DeliveryPolicyConfig = { window: config.sendWindow, perKind: config.deliveryPolicy };
  const watch = createChannelWatch({
    chat, clock, logger, prisma, alertAfterMs: config.channelDownAlertMinutes * 60_000,
    ...(config.alertWebhookUrl ? { alert: createWebhookAlert(config.alertWebhookUrl) } : {}),
  });
  const senderHooks: Pick<OutboxSenderOptions, 'gate' | 'onRateLimited' | 'onSent' | 'mentionNames'> = {
    gate: (row, now) => decideDelivery(row, now, calendar, policy),
    onRateLimited: (until) => watch.noteRateLimited(until),
    onSent: () => watch.noteSent(),
    mentionNames: async (ids) => {
      const people = await prisma.person.findMany({ where: { chatId: { in: ids } }, select: { chatId: true, name: true } });
      return Object.fromEntries(people.map((p) => [p.chatId!, p.name]));
    },
  };
  const problemsCheck: HealthCheck = async () => {
    const n = await countDeliveryProblems(prisma);
    // Listed, not failing: these need an admin's eye but the bot itself is healthy.
    return { name: 'delivery', ok: true, detail: `未送达：${n.superseded} 条已过时未发，${n.failed} 条发送失败${n.held ? `，${n.held} 条因对方未开通私聊暂缓` : ''}（见“异常消息”）` };
  };
  return { watch, senderHooks, problemsCheck };
}
