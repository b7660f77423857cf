import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { issueLoginLink, redeemLoginLink } from '../../src/console/console-auth.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { enqueueOutbox } from '../../src/outbox/enqueue-outbox.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { FakeWecomServer } from '../channels/fake-wecom-server.ts';
import { startFakeWebhook } from '../channels/fake-webhook-server.ts';
import { freePort } from '../helpers/bot-process.ts';
import { createPgDatabase } from '../helpers/databases.ts';
import { seedOfficialChannelPlan } from '../helpers/official-channels-seed.ts';
import { until } from '../helpers/until.ts';

/**
 * The delivery guarantees as the app wires them (src/outbox/delivery-wiring.ts): configuration
 * through loadConfig, createApp with the real WeCom SDK against the fake WeCom server, the injected
 * clock, the alert webhook from DUBAN_ALERT_WEBHOOK_URL, /healthz and the console's 通道状态 page.
 */
describe('delivery wiring through createApp (WeCom, injected clock)', () => {
  const clock = new ManualClock(atLocal('2026-05-14', '10:00')); // a Thursday
  const server = new FakeWecomServer('bot-dw', 'secret-dw', { now: () => clock.now().getTime() });
  const GROUP = 'wrkSHANGWU02';
  let app: App;
  let drop: () => Promise<void>;
  let webhook: Awaited<ReturnType<typeof startFakeWebhook>>;
  const pushed = (s: string) => server.pushedTo(GROUP).filter((p) => p.content?.includes(s));
  const healthz = async () => {
    const res = await fetch(`http://127.0.0.1:${app.healthPort}/healthz`);
    return { status: res.status, body: (await res.json()) as { checks: { name: string; ok: boolean; detail?: string }[] } };
  };
  const consolePage = async (url: string) => {
    const token = await issueLoginLink(app.prisma, '李主任', { now: clock.now(), actor: 'test' });
    const session = (await redeemLoginLink(app.prisma, token, clock.now(), 'test'))!;
    const res = await fetch(`${app.consoleUrl}${url}`, { headers: { cookie: `duban_session=${session}` }, redirect: 'manual' });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    webhook = await startFakeWebhook();
    const wsUrl = await server.start();
    const pg = await createPgDatabase();
    drop = pg.drop;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-delivery-wiring-'));
    const config = loadConfig({
      env: {
        DUBAN_CHANNEL: 'wecom', WECOM_BOT_ID: 'bot-dw', WECOM_BOT_SECRET: 'secret-dw', WECOM_WS_URL: wsUrl,
        DUBAN_ALERT_WEBHOOK_URL: webhook.url, DUBAN_SEND_PER_MINUTE: '0', DUBAN_SEND_JITTER_MS: '0', DUBAN_HTTP_PORT: String(await freePort()), LOG_LEVEL: 'silent',
      },
      overrides: { databaseUrl: pg.url, dataDir },
    });
    app = await createApp(config, { clock, logger: silentLogger });
    await seedOfficialChannelPlan(app.prisma, { wang: 'WangKeZhang', admin: 'LiZhuRen' });
    const unit = await app.prisma.unit.findFirstOrThrow({ where: { name: '区商务局' } });
    await app.prisma.chatGroup.create({ data: { roomId: GROUP, topic: '区商务局督办群', units: { create: [{ unitId: unit.id }] } } });
    await app.start();
    await until(() => app.chat.status() === 'logged_in');
    server.groupMessage(GROUP, 'WangKeZhang', '收到'); // the group has spoken to the bot: it may be pushed to
    await until(() => app.prisma.inboundMessage.findFirst({ where: { status: { not: 'received' } } }));
    await app.sender.flushOnce();
  });
  afterAll(async () => {
    await app?.close();
    await server.close();
    await drop?.();
    await webhook?.close();
  });

  it('a reminder due at 07:00 waits for 08:30', async () => {
    clock.set(atLocal('2026-05-18', '07:00')); // Monday
    const r = await app.engine.runSlot('weekly_reminder', atLocal('2026-05-18', '07:00'));
    expect(r.messages).toBeGreaterThanOrEqual(1);
    await app.sender.flushOnce();
    expect(pushed('周调度提醒')).toEqual([]);
    const row = await app.prisma.outbox.findFirstOrThrow({ where: { cadence: 'weekly_reminder' } });
    expect(row).toMatchObject({ status: 'pending', notBefore: atLocal('2026-05-18', '08:30') });
    clock.set(atLocal('2026-05-18', '08:30'));
    await until(async () => (await app.sender.flushOnce()) > 0 || undefined);
    expect(pushed('周调度提醒')).toHaveLength(1);
  });

  it('on a Saturday a reminder and a 批示 relayed to the group wait for Monday; the answer to the writer does not', async () => {
    clock.set(atLocal('2026-05-23', '10:00')); // Saturday
    const saturday = clock.now();
    await enqueueOutbox(app.prisma, [
      { idempotencyKey: 'weekly_chase:sat', target: { kind: 'group', ref: GROUP }, text: '周六催报', cadence: 'weekly_chase', slotAt: saturday, notBefore: saturday },
      { idempotencyKey: 'notify:990:instr-u1-g1', target: { kind: 'group', ref: GROUP }, text: '【领导批示】周六转达', mentions: ['WangKeZhang'], notBefore: saturday },
    ]);
    server.groupMessage(GROUP, 'WangKeZhang', '第3项已完成70%');
    await until(() => app.prisma.progressUpdate.findFirst({ where: { percent: 70 } }));
    await until(async () => (await app.sender.flushOnce()) > 0 || undefined);
    expect(pushed('已记录').length).toBeGreaterThanOrEqual(1); // the writer's answer: at once
    expect(pushed('周六催报')).toEqual([]);
    expect(pushed('周六转达')).toEqual([]);
    clock.set(atLocal('2026-05-25', '08:30'));
    await until(async () => (await app.sender.flushOnce()) > 0 || undefined);
    await until(() => pushed('周六转达').length === 1 || undefined);
    expect(pushed('周六催报')).toHaveLength(1);
  });

  it('a five-day outage: the webhook alert, /healthz and 通道状态 show it; stale messages are superseded and listed', async () => {
    clock.set(atLocal('2026-05-29', '10:00')); // Friday
    await enqueueOutbox(app.prisma, [
      { idempotencyKey: 'weekly_digest:0529', target: { kind: 'group', ref: GROUP }, text: '周汇总（5月29日）', cadence: 'weekly_digest', slotAt: atLocal('2026-05-29', '16:00'), notBefore: atLocal('2026-05-29', '16:00') },
      { idempotencyKey: 'weekly_reminder:0601', target: { kind: 'group', ref: GROUP }, text: '周调度提醒（6月1日）', cadence: 'weekly_reminder', slotAt: atLocal('2026-06-01', '09:00'), notBefore: atLocal('2026-06-01', '09:00') },
    ]);
    const before = webhook.received.length;
    server.drop(true);
    await until(() => app.chat.status() === 'logged_out');
    // The app's own watch loop (every minute on the injected clock) raises the alert after 15 minutes.
    await clock.advance(16 * 60_000);
    await until(() => webhook.received.length > before || undefined);
    // The watch records the alert once the webhook has answered.
    await until(() => app.prisma.auditLog.findFirst({ where: { action: 'channel.down_alert' } }));
    expect(webhook.texts().slice(before)).toHaveLength(1);
    expect(webhook.texts()[before]).toMatch(/企业微信通道中断.*自 2026-05-29 10:0\d 起/);
    // Five days on, Wednesday 23:40: still down.
    clock.set(atLocal('2026-06-03', '23:40'));
    const down = await healthz();
    expect(down.status).toBe(503);
    const channel = down.body.checks.find((c) => c.name === 'channel')!;
    expect(channel.ok).toBe(false);
    expect(channel.detail).toMatch(/企业微信通道中断.*已通过webhook 127\.0\.0\.1:\d+告警/);
    const page = await consolePage('/channel');
    expect(page).toContain('通道监测');
    expect(page).toMatch(/通道中断：自 2026-05-29 10:0\d 起/);
    expect(page).toMatch(/已于 2026-05-29 10:1\d 通过webhook 127\.0\.0\.1:\d+告警/);
    // Back at 23:40: nothing goes out at night; the next morning the stale ones are superseded.
    server.login();
    await until(() => app.chat.status() === 'logged_in');
    await app.sender.flushOnce();
    expect(pushed('5月29日')).toEqual([]);
    clock.set(atLocal('2026-06-04', '08:30'));
    await app.sender.flushOnce();
    await until(async () => (await app.prisma.outbox.count({ where: { status: 'superseded' } })) === 2 || undefined);
    expect(pushed('5月29日')).toEqual([]);
    expect(pushed('6月1日')).toEqual([]);
    const after = await healthz();
    expect(after.body.checks.find((c) => c.name === 'channel')).toMatchObject({ ok: true });
    expect(after.body.checks.find((c) => c.name === 'delivery')?.detail).toMatch(/2 条已过时未发/);
    const listed = await consolePage('/channel');
    expect(listed).toContain('已过时未发的消息（2）');
    expect(listed).toContain('周汇总（5月29日）');
    expect(listed).toContain('周调度提醒（6月1日）');
    await until(() => webhook.texts().slice(before).some((t) => t.includes('已恢复')) || undefined);
  });
});
