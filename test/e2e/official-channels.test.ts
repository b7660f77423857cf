import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/create-app.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { FakeDingtalkServer } from '../channels/fake-dingtalk-server.ts';
import { FakeWecomServer } from '../channels/fake-wecom-server.ts';
import { openOfficialApp, seedOfficialChannelPlan } from '../helpers/official-channels-seed.ts';
import { until } from '../helpers/until.ts';

const openApp = openOfficialApp;

describe('DUBAN_CHANNEL=wecom: connect, bind a group by @ + admin approval, remind with mentions, confirm a reply', () => {
  const clock = new ManualClock(atLocal('2026-05-10', '10:00')); // Sunday: groups are bound before Monday's slot
  const server = new FakeWecomServer('bot-e2e', 'secret-e2e', { now: () => clock.now().getTime() });
  const GROUP = 'wrkSHANGWU01';
  let app: App;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const url = await server.start();
    ({ app, drop } = await openApp({ DUBAN_CHANNEL: 'wecom', WECOM_BOT_ID: 'bot-e2e', WECOM_BOT_SECRET: 'secret-e2e', WECOM_WS_URL: url }, clock));
    await seedOfficialChannelPlan(app.prisma, { wang: 'WangKeZhang', admin: 'LiZhuRen' });
    await app.start();
  });
  afterAll(async () => {
    await app?.close();
    await server.close();
    await drop?.();
  });

  it('connects with the bot id and secret to the configured address', async () => {
    expect(app.chat.channel).toBe('wecom');
    await until(() => app.chat.status() === 'logged_in');
    expect(server.received.find((f) => f.cmd === 'aibot_subscribe')?.body).toMatchObject({ bot_id: 'bot-e2e' });
  });

  it('an @ from an unknown group files a binding request; the admin approves by 绑定 in the group', async () => {
    server.groupMessage(GROUP, 'WangKeZhang', '你好，我是商务局联络员');
    const req = await until(() => app.prisma.accessRequest.findFirst({ where: { kind: 'bind_group', roomId: GROUP } }));
    expect(req).toMatchObject({ status: 'pending', channel: 'wecom', actorId: 'WangKeZhang' });
    expect(await app.prisma.chatGroup.count()).toBe(0); // nothing is bound on a contact's word
    server.groupMessage(GROUP, 'LiZhuRen', '绑定 区商务局');
    await until(() => app.prisma.groupUnit.findFirst({ where: { group: { roomId: GROUP } } }));
    expect((await app.prisma.accessRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe('approved');
    await until(async () => (await app.sender.flushOnce()) > 0 || undefined);
    expect(server.pushedTo(GROUP).some((p) => p.content?.includes('已将本群绑定到区商务局'))).toBe(true);
  });

  it('pushes the weekly reminder to the bound group with a native @ of the contact', async () => {
    clock.set(atLocal('2026-05-11', '09:05'));
    const r = await app.engine.runSlot('weekly_reminder', atLocal('2026-05-11', '09:00'));
    expect(r.messages).toBeGreaterThanOrEqual(1);
    await app.sender.flushOnce();
    const reminder = await until(() => server.pushedTo(GROUP).find((p) => p.content?.includes('周调度提醒')));
    expect(reminder.msgtype).toBe('markdown');
    expect(reminder.content).toContain('<@WangKeZhang>');
    expect(reminder.content).toMatch(/第3项/);
    expect(reminder.content).not.toMatch(/第2项/);
  });

  it('a reply is recorded and confirmed in the group', async () => {
    clock.set(atLocal('2026-05-12', '10:00'));
    server.groupMessage(GROUP, 'WangKeZhang', '第3项已完成60%，存在资金缺口');
    const update = await until(() => app.prisma.progressUpdate.findFirst({ where: { kind: 'report', task: { no: '3' } } }));
    expect(update.percent).toBe(60);
    await until(async () => (await app.sender.flushOnce()) > 0 || undefined);
    const confirm = await until(() => server.pushedTo(GROUP).find((p) => p.content?.includes('已记录')));
    expect(confirm.content).toContain('<@WangKeZhang>');
    expect(confirm.content).toContain('60%');
  });
});

describe('DUBAN_CHANNEL=dingtalk: the same loop over Stream mode and the robot API', () => {
  const clock = new ManualClock(atLocal('2026-05-10', '10:00'));
  const server = new FakeDingtalkServer('ding-e2e', 'ding-secret', 'ding-robot', { now: () => clock.now().getTime() });
  const GROUP = 'cidSHANGWU==';
  let app: App;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    await server.start();
    server.groups.set(GROUP, '区商务局督办群');
    ({ app, drop } = await openApp({
      DUBAN_CHANNEL: 'dingtalk', DINGTALK_CLIENT_ID: 'ding-e2e', DINGTALK_CLIENT_SECRET: 'ding-secret', DINGTALK_ROBOT_CODE: 'ding-robot',
      DINGTALK_GATEWAY_URL: server.gatewayUrl, DINGTALK_API_URL: server.url, DINGTALK_OAPI_URL: server.url,
    }, clock));
    await seedOfficialChannelPlan(app.prisma, { wang: 'staff-wang', admin: 'staff-li' });
    await app.start();
  });
  afterAll(async () => {
    await app?.close();
    await server.close();
    await drop?.();
  });

  it('connects, files a binding request on the first @, binds on the admin’s word', async () => {
    await until(() => app.chat.status() === 'logged_in');
    server.groupMessage(GROUP, 'staff-wang', '王科长', '你好');
    const req = await until(() => app.prisma.accessRequest.findFirst({ where: { kind: 'bind_group', roomId: GROUP } }));
    expect(req).toMatchObject({ status: 'pending', channel: 'dingtalk', actorName: '王科长', roomTopic: '区商务局督办群' });
    server.groupMessage(GROUP, 'staff-li', '李主任', '绑定 区商务局');
    await until(() => app.prisma.groupUnit.findFirst({ where: { group: { roomId: GROUP } } }));
    expect((await app.prisma.accessRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe('approved');
    await until(() => server.acks.length >= 2);
  });

  it('pushes the weekly reminder: names in text when no reply window is open, a real @ inside one', async () => {
    clock.set(atLocal('2026-05-11', '09:05'));
    // Sunday's session webhook has expired: the group send cannot @, so the name is written.
    await app.engine.runSlot('weekly_reminder', atLocal('2026-05-11', '09:00'));
    await until(async () => (await app.sender.flushOnce()) > 0 || undefined);
    const first = await until(() => server.sent.find((s) => s.to === GROUP && s.text.includes('周调度提醒')));
    expect(first).toMatchObject({ to: GROUP, via: 'group' });
    expect(first.text).toContain('@王科长');
    // Later that week the contact @s the bot; a push while that window is open @s for real.
    clock.set(atLocal('2026-05-18', '08:50'));
    const acks = server.acks.length;
    server.groupMessage(GROUP, 'staff-wang', '王科长', '收到');
    await until(() => server.acks.length > acks);
    clock.set(atLocal('2026-05-18', '09:05'));
    await app.engine.runSlot('weekly_reminder', atLocal('2026-05-18', '09:00'));
    await until(async () => (await app.sender.flushOnce()) > 0 || undefined);
    const reminder = await until(() => server.sent.find((s) => s.to === GROUP && s.text.includes('周调度提醒') && s !== first));
    expect(reminder).toMatchObject({ to: GROUP, via: 'session', atUserIds: ['staff-wang'] });
  });

  it('outside the reply window the push writes the name and records the degradation', async () => {
    clock.set(atLocal('2026-05-19', '15:00')); // the session webhook expired long ago
    server.groupMessage(GROUP, 'staff-wang', '王科长', '第3项已完成60%，存在资金缺口');
    await until(() => app.prisma.progressUpdate.findFirst({ where: { kind: 'report', task: { no: '3' } } }));
    await until(async () => (await app.sender.flushOnce()) > 0 || undefined);
    const confirm = await until(() => server.sent.find((s) => s.text.includes('已记录')));
    // The reply came with a fresh session webhook, so the confirmation @s for real too.
    expect(confirm).toMatchObject({ via: 'session', atUserIds: ['staff-wang'] });
    clock.set(atLocal('2026-05-20', '10:00'));
    await app.prisma.outbox.create({ data: { idempotencyKey: 'manual:e2e', targetKind: 'group', targetRef: GROUP, text: '请各单位本周五前报送', mentions: ['staff-wang'], notBefore: clock.now() } });
    await until(async () => (await app.sender.flushOnce()) > 0 || undefined);
    const pushed = await until(() => server.sent.find((s) => s.text.includes('请各单位本周五前报送')));
    expect(pushed).toMatchObject({ via: 'group', text: '@王科长 请各单位本周五前报送' });
    const row = await app.prisma.outbox.findUniqueOrThrow({ where: { idempotencyKey: 'manual:e2e' } });
    expect(row.degraded).toContain('不能@人');
  });
});
