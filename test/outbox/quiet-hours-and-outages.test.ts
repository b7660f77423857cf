import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { createWecomChat } from '../../src/adapters/chat/create-wecom-chat.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { decideDelivery } from '../../src/domain/delivery/index.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { createWebhookAlert } from '../../src/outbox/alert-webhook.ts';
import { createChannelWatch } from '../../src/outbox/channel-watch.ts';
import { createOutboxSender } from '../../src/outbox/create-outbox-sender.ts';
import { listDeliveryProblems } from '../../src/outbox/delivery-problems.ts';
import { enqueueOutbox, type OutboxItem } from '../../src/outbox/enqueue-outbox.ts';
import type { ChatPort } from '../../src/ports/chat.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { until } from '../chat/chat-port-conformance.ts';
import { FakeWecomServer } from '../channels/fake-wecom-server.ts';
import { startFakeWebhook } from '../channels/fake-webhook-server.ts';
import { openTestDatabase } from '../helpers/databases.ts';

const GROUP = 'wrkSWj01';
const calendar = createCalendar({});
const policy = { window: '08:30-18:00' };

/**
 * The delivery guarantees on the injected clock, with the real outbox sender on a real database,
 * the real WeCom SDK against the fake WeCom server, and a fake webhook as the admins' second path.
 */
describe('delivery an office can trust (WeCom, injected clock)', () => {
  let db: Database;
  let server: FakeWecomServer;
  let chat: ChatPort;
  let clock: ManualClock;
  let webhook: Awaited<ReturnType<typeof startFakeWebhook>>;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    webhook = await startFakeWebhook();
  });
  afterAll(async () => {
    await db.close();
    await webhook.close();
  });
  beforeEach(async () => {
    await db.prisma.outbox.deleteMany();
    clock = new ManualClock(atLocal('2026-05-15', '10:00')); // a Friday
    server = new FakeWecomServer('bot', 'secret', { now: () => clock.now().getTime() });
    chat = createWecomChat({ botId: 'bot', secret: 'secret', wsUrl: await server.start(), botName: '督办助手', logger: silentLogger, reconnectBaseMs: 20, now: () => clock.now().getTime() });
    await chat.start();
    await until(() => chat.status() === 'logged_in');
    server.groupMessage(GROUP, 'wang', '绑定'); // the group has spoken: it may be pushed to
    return async () => {
      await chat.close();
      await server.close();
    };
  });

  const sender = () =>
    createOutboxSender({ prisma: db.prisma, chat, clock, logger: silentLogger, sendPerMinute: 0, sendJitterMs: 0, maxAttempts: 5, gate: (r, now) => decideDelivery(r, now, calendar, policy) });
  const item = (cadence: string, slot: Date, text: string, ref = GROUP): OutboxItem => ({ idempotencyKey: `${cadence}:${slot.toISOString()}:${ref}`, target: { kind: 'group', ref }, text, cadence, slotAt: slot, notBefore: slot });

  it('sends nothing in quiet hours, at weekends or on holidays; it goes out at the next window', async () => {
    clock.set(atLocal('2026-09-30', '18:30')); // the eve of 国庆
    await enqueueOutbox(db.prisma, [item('weekly_digest', atLocal('2026-09-30', '17:50'), '本周汇总')]);
    const s = sender();
    expect(await s.flushOnce()).toBe(0);
    for (const day of ['2026-10-01', '2026-10-03', '2026-10-05']) {
      clock.set(atLocal(day, '10:00'));
      expect(await s.flushOnce()).toBe(0);
    }
    expect(server.pushedTo(GROUP)).toEqual([]);
    const row = await db.prisma.outbox.findFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(calendar.isWorkday(row.notBefore.toISOString().slice(0, 10))).toBe(true);
    clock.set(row.notBefore);
    expect(await s.flushOnce()).toBe(1);
    expect(server.pushedTo(GROUP).map((p) => p.content)).toEqual(['本周汇总']);
    expect((await db.prisma.outbox.findFirstOrThrow()).attempts).toBe(1);
  });

  it('a five-day outage sends no stale reminder or digest, and admins learn of it through the webhook', async () => {
    const watch = createChannelWatch({ chat, clock, logger: silentLogger, prisma: db.prisma, alertAfterMs: 15 * 60_000, alert: createWebhookAlert(webhook.url) });
    const s = sender();
    // Friday 10:00: the connection drops and stays down (the tenant is unreachable).
    server.drop(true);
    await until(() => chat.status() === 'logged_out');
    await watch.check();
    expect(webhook.received).toHaveLength(0); // not yet: short blips are not alarms
    await enqueueOutbox(db.prisma, [item('weekly_digest', atLocal('2026-05-15', '16:00'), '周汇总（5月15日）')]);
    clock.set(atLocal('2026-05-15', '10:20'));
    await watch.check();
    expect(webhook.texts()).toHaveLength(1);
    expect(webhook.texts()[0]).toMatch(/企业微信通道中断.*20 分钟/);
    await enqueueOutbox(db.prisma, [item('weekly_reminder', atLocal('2026-05-18', '09:00'), '周调度提醒（5月18日）')]);
    for (const t of [atLocal('2026-05-15', '16:00'), atLocal('2026-05-18', '09:00'), atLocal('2026-05-19', '12:00')]) {
      clock.set(t);
      expect(await s.flushOnce()).toBe(0); // down: nothing is attempted
      await watch.check();
    }
    expect(webhook.received).toHaveLength(1); // one alert per outage
    // Wednesday 23:40 the bot is back.
    clock.set(atLocal('2026-05-20', '23:40'));
    server.login();
    await until(() => chat.status() === 'logged_in');
    expect(await s.flushOnce()).toBe(0); // quiet hours: nothing at 23:40
    clock.set(atLocal('2026-05-21', '08:30'));
    expect(await s.flushOnce()).toBe(0);
    expect(server.pushedTo(GROUP)).toEqual([]);
    const rows = await db.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.cadence, r.status])).toEqual([['weekly_digest', 'superseded'], ['weekly_reminder', 'superseded']]);
    const listed = await listDeliveryProblems(db.prisma);
    expect(listed.map((r) => r.cadence).sort()).toEqual(['weekly_digest', 'weekly_reminder']);
    expect(listed.every((r) => r.lastError?.startsWith('已过时'))).toBe(true);
    await until(() => webhook.received.length === 2);
    expect(webhook.texts()[1]).toContain('已恢复');
    expect(await db.prisma.auditLog.count({ where: { action: 'channel.down_alert' } })).toBe(1);
    await watch.close();
  });

  it('a permanent refusal (unknown group) is not retried', async () => {
    await enqueueOutbox(db.prisma, [item('weekly_reminder', clock.now(), '提醒', 'wrkNEVERSPOKE')]);
    const s = sender();
    expect(await s.flushOnce()).toBe(0);
    const row = await db.prisma.outbox.findFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.lastError).toContain('不再重试');
    clock.set(atLocal('2026-05-15', '17:00'));
    expect(await s.flushOnce()).toBe(0);
    expect((await db.prisma.outbox.findFirstOrThrow()).attempts).toBe(1);
    expect(server.received.filter((f) => f.cmd === 'aibot_send_msg')).toHaveLength(1);
  });

  /** The sender with the channel watch's hooks, as src/outbox/delivery-wiring.ts wires them. */
  const watchedSender = (watch: ReturnType<typeof createChannelWatch>) =>
    createOutboxSender({ prisma: db.prisma, chat, clock, logger: silentLogger, sendPerMinute: 0, sendJitterMs: 0, maxAttempts: 5, onRateLimited: (u) => watch.noteRateLimited(u), onSent: () => watch.noteSent() });

  it('twenty minutes of the platform answering 45009 is one rate-limit spell: one alert, then one all-clear', async () => {
    const texts = () => webhook.texts().slice(before);
    const before = webhook.received.length;
    const watch = createChannelWatch({ chat, clock, logger: silentLogger, alertAfterMs: 15 * 60_000, alert: createWebhookAlert(webhook.url) });
    const s = watchedSender(watch);
    await enqueueOutbox(db.prisma, [{ ...item('weekly_reminder', clock.now(), '提醒'), idempotencyKey: 'weekly_reminder:limited' }]);
    server.failNext = { errcode: 45009, errmsg: 'api freq out of limit', count: 1_000 };
    // Each retry after the platform's 60 s hold is answered 45009 again; the watch checks every minute.
    for (let minute = 0; minute < 20; minute++) {
      expect(await s.flushOnce()).toBe(0);
      await clock.advance(30_000);
      await watch.check(); // inside the hold
      await clock.advance(30_000);
      await watch.check(); // the hold just ended, before the retry: still the same spell
    }
    const tried = server.received.filter((f) => f.cmd === 'aibot_send_msg').length;
    expect(tried).toBeGreaterThanOrEqual(20);
    await until(() => texts().length >= 1);
    expect(texts()).toHaveLength(1);
    expect(texts()[0]).toMatch(/企业微信被平台持续限流.*自 2026-05-15 10:00 起/);
    expect(watch.state()).toMatchObject({ ok: false, rateLimited: { since: atLocal('2026-05-15', '10:00') }, alerted: { delivered: true } });
    // The platform lets it through: the spell is over and those who were told hear so, once.
    server.failNext = undefined;
    expect(await s.flushOnce()).toBe(1);
    await watch.check();
    await watch.check();
    expect(texts()).toHaveLength(2);
    expect(texts()[1]).toContain('已恢复');
    expect(watch.state()).toMatchObject({ ok: true, rateLimited: undefined, alerted: undefined });
  });

  it('our own per-chat pacing is not the platform limiting us: no rate-limit state, no alert', async () => {
    const before = webhook.received.length;
    const watch = createChannelWatch({ chat, clock, logger: silentLogger, alertAfterMs: 60_000, alert: createWebhookAlert(webhook.url) });
    const s = watchedSender(watch);
    // 70 messages for one group: the adapter's 30-a-minute window refuses the rest each minute.
    await enqueueOutbox(db.prisma, Array.from({ length: 70 }, (_, n) => ({ ...item('weekly_reminder', clock.now(), `提醒${n}`), idempotencyKey: `weekly_reminder:paced${n}` })));
    let sent = 0;
    for (let minute = 0; minute < 3; minute++) {
      sent += await s.flushOnce();
      expect(watch.state()).toMatchObject({ ok: true, rateLimited: undefined });
      await clock.advance(61_000);
      await watch.check();
    }
    expect(sent).toBe(70);
    expect(await db.prisma.outbox.count({ where: { status: 'sent', attempts: 1 } })).toBe(70);
    expect(webhook.received.length).toBe(before);
  });

  it('a rate-limit answer slows sending without losing anything or counting a failure', async () => {
    await enqueueOutbox(db.prisma, [1, 2, 3].map((n) => ({ ...item('weekly_reminder', clock.now(), `提醒${n}`), idempotencyKey: `weekly_reminder:r${n}` })));
    server.failNext = { errcode: 45009, errmsg: 'api freq out of limit', count: 1 };
    const s = sender();
    expect(await s.flushOnce()).toBe(0); // the first answer is "slow down": the sender holds
    const held = await db.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(held.map((r) => [r.status, r.attempts])).toEqual([['pending', 0], ['pending', 0], ['pending', 0]]);
    expect(held[0]!.notBefore.getTime()).toBe(clock.now().getTime() + 60_000);
    await clock.advance(30_000);
    expect(await s.flushOnce()).toBe(0); // still holding
    await clock.advance(30_000);
    expect(await s.flushOnce()).toBe(3);
    expect(server.pushedTo(GROUP).map((p) => p.content).sort()).toEqual(['提醒1', '提醒2', '提醒3']);
    expect((await db.prisma.outbox.findMany()).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });
});
