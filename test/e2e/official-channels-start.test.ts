import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/open-database.ts';
import { FakeDingtalkServer } from '../channels/fake-dingtalk-server.ts';
import { FakeWecomServer } from '../channels/fake-wecom-server.ts';
import { freePort, startBot, type BotProcess } from '../helpers/bot-process.ts';
import { createPgDatabase } from '../helpers/databases.ts';
import { seedOfficialChannelPlan } from '../helpers/official-channels-seed.ts';
import { until } from '../helpers/until.ts';

/**
 * Issue 13's story through the process entry `npm start` runs (`main(['start'])`): configuration
 * from environment variables only, the real clock, the official SDKs against the fake platforms
 * in this process. `DUBAN_SEND_WINDOW=always` lifts the working-hours and workday hold, so the
 * story runs at any hour and on weekends and holidays; the admin's 立即推送 stands in for Monday 09:00.
 * On DingTalk that push lands inside the reply window the admin's @ opened (a real @); the name
 * written outside the window needs a moved clock and is proven in official-channels.test.ts.
 */
const STEP = 20_000;

interface Running {
  bot: BotProcess;
  db: Database;
  port: number;
}

/** A seeded PostgreSQL database and the bot started on it as a child process, plus the teardown. */
async function startOnChannel(channelEnv: Record<string, string>, ids: { wang: string; admin: string }) {
  const pg = await createPgDatabase();
  // Migrated and seeded before the child starts; the test keeps this connection to read what the child wrote.
  const db = await openDatabase({ databaseUrl: pg.url, dataDir: 'memory://' });
  await seedOfficialChannelPlan(db.prisma, ids);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-official-start-'));
  const port = await freePort();
  const bot = startBot(dataDir, port, { ...channelEnv, DATABASE_URL: pg.url, DUBAN_SEND_WINDOW: 'always' });
  const running: Running = { bot, db, port };
  const stop = async () => {
    if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
    await bot.exited;
    await db.close();
    await pg.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { running, stop };
}

/** Ctrl-C: the child stops cleanly, leaving no message half-sent. */
async function interruptAndCheck({ bot, db }: Running) {
  bot.child.kill('SIGINT');
  expect(await bot.exited).toBe(0);
  expect(bot.out()).toContain('已退出。');
  expect(await db.prisma.outbox.findMany({ where: { status: { not: 'sent' } }, select: { idempotencyKey: true, status: true } })).toEqual([]);
}

/** /healthz of the child: PostgreSQL, no Redis, the channel logged in. */
async function healthy(port: number) {
  const body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
  expect(body.ok).toBe(true);
  expect(body.checks.find((c) => c.name === 'database')?.detail).toContain('postgres');
  expect(body.checks.find((c) => c.name === 'redis')?.detail).toContain('进程内 node-cron 调度');
  expect(body.checks.find((c) => c.name === 'chat')).toMatchObject({ ok: true, detail: '已登录' });
}

describe('npm start with DUBAN_CHANNEL=wecom', () => {
  const server = new FakeWecomServer('bot-start', 'secret-start');
  const GROUP = 'wrkSHANGWU01';
  let running: Running;
  let stop: () => Promise<void> = async () => {};
  const pushed = (needle: string) => server.sent.filter((s) => s.content?.includes(needle));

  beforeAll(async () => {
    const url = await server.start();
    ({ running, stop } = await startOnChannel({ DUBAN_CHANNEL: 'wecom', WECOM_BOT_ID: 'bot-start', WECOM_BOT_SECRET: 'secret-start', WECOM_WS_URL: url }, { wang: 'WangKeZhang', admin: 'LiZhuRen' }));
  }, STEP);
  afterAll(async () => {
    await stop();
    await server.close();
  });

  it('connects to the configured address and authenticates with the bot id and secret', async () => {
    await until(() => server.authenticated, STEP);
    expect(server.received.filter((f) => f.cmd === 'aibot_subscribe').map((f) => f.body)).toEqual([expect.objectContaining({ bot_id: 'bot-start', secret: 'secret-start' })]);
    await until(() => running.bot.out().includes('督办助手已启动（postgres，进程内调度，通道=wecom）'), STEP);
    await healthy(running.port);
  }, STEP * 2);

  it('an @ from an unbound group files a binding request; the admin binds it by 绑定 in the group', async () => {
    const { prisma } = running.db;
    server.groupMessage(GROUP, 'WangKeZhang', '你好，我是商务局联络员');
    const req = await until(() => prisma.accessRequest.findFirst({ where: { kind: 'bind_group', roomId: GROUP } }), STEP);
    expect(req).toMatchObject({ status: 'pending', channel: 'wecom', actorId: 'WangKeZhang' });
    expect(await prisma.chatGroup.count()).toBe(0); // nothing is bound on a contact's word
    server.groupMessage(GROUP, 'LiZhuRen', '绑定 区商务局');
    const bound = await until(() => prisma.groupUnit.findFirst({ where: { group: { roomId: GROUP } }, include: { unit: true } }), STEP);
    expect(bound.unit.name).toBe('区商务局');
    expect((await prisma.accessRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe('approved');
    await until(() => pushed('已将本群绑定到区商务局').length, STEP);
  }, STEP * 2);

  it('立即推送 from the admin pushes the weekly reminder to the bound group with a native @ of the contact', async () => {
    // Privately: WeCom pushes only to chats that have spoken to the bot, and admin notices go to the admin's own chat.
    server.singleMessage('LiZhuRen', '立即推送');
    const reminder = await until(() => pushed('周调度提醒').find((p) => p.chatid === GROUP), STEP);
    expect(reminder).toMatchObject({ chatid: GROUP, msgtype: 'markdown' });
    expect(reminder.content).toContain('<@WangKeZhang>');
    expect(reminder.content).toMatch(/第1项/);
    expect(reminder.content).toMatch(/第3项/);
    expect(reminder.content).not.toMatch(/第2项/); // 区住建局's task: it has no group and no contact
    const ack = await until(() => pushed('已安排立即推送')[0], STEP);
    const notice = await until(() => pushed('无法送达')[0], STEP);
    expect(notice).toMatchObject({ chatid: 'LiZhuRen' });
    expect(notice.content).toContain('区住建局');
    const rows = await running.db.prisma.outbox.findMany({ where: { cadence: { startsWith: 'weekly_reminder' } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.targetKind, r.targetRef, r.mentions])).toEqual([['group', GROUP, ['WangKeZhang']], ['person', 'LiZhuRen', []]]);
    expect(ack).toMatchObject({ chatid: 'LiZhuRen' });
    // Reminders are counted as reminders; the admin's notice is named apart.
    expect(ack.content).toContain('共1条提醒进入发送队列');
    expect(ack.content).toContain('另有1条管理员提示');
    expect(pushed('周调度提醒').filter((p) => p.chatid === GROUP)).toHaveLength(1);
  }, STEP * 2);

  it('the contact’s reply is recorded and confirmed in the group; Ctrl-C stops the process cleanly', async () => {
    server.groupMessage(GROUP, 'WangKeZhang', '第3项已完成60%，存在资金缺口');
    const update = await until(() => running.db.prisma.progressUpdate.findFirst({ where: { kind: 'report' }, include: { task: true } }), STEP);
    expect(update).toMatchObject({ percent: 60, task: { no: '3' } });
    const confirm = await until(() => pushed('已记录')[0], STEP);
    expect(confirm).toMatchObject({ chatid: GROUP });
    expect(confirm.content).toContain('<@WangKeZhang>');
    expect(confirm.content).toContain('60%');
    expect(new Set(server.sent.map((s) => s.chatid))).toEqual(new Set([GROUP, 'LiZhuRen'])); // nothing went anywhere else
    await interruptAndCheck(running);
    expect(server.authenticated).toBe(false);
  }, STEP * 2);
});

describe('npm start with DUBAN_CHANNEL=dingtalk', () => {
  const server = new FakeDingtalkServer('ding-start', 'ding-secret', 'ding-robot');
  const GROUP = 'cidSHANGWU==';
  let running: Running;
  let stop: () => Promise<void> = async () => {};
  const sent = (needle: string) => server.sent.filter((s) => s.text.includes(needle));

  beforeAll(async () => {
    await server.start();
    server.groups.set(GROUP, '区商务局督办群');
    ({ running, stop } = await startOnChannel({
      DUBAN_CHANNEL: 'dingtalk', DINGTALK_CLIENT_ID: 'ding-start', DINGTALK_CLIENT_SECRET: 'ding-secret', DINGTALK_ROBOT_CODE: 'ding-robot',
      DINGTALK_GATEWAY_URL: server.gatewayUrl, DINGTALK_API_URL: server.url, DINGTALK_OAPI_URL: server.url,
    }, { wang: 'staff-wang', admin: 'staff-li' }));
  }, STEP);
  afterAll(async () => {
    await stop();
    await server.close();
  });

  it('opens the Stream connection with the client id and secret', async () => {
    await until(() => server.connected, STEP);
    expect(server.streamLogins).toEqual(['ding-start']);
    await until(() => running.bot.out().includes('督办助手已启动（postgres，进程内调度，通道=dingtalk）'), STEP);
    await healthy(running.port);
  }, STEP * 2);

  it('an @ from an unbound group files a binding request; the admin binds it by 绑定 in the group', async () => {
    const { prisma } = running.db;
    server.groupMessage(GROUP, 'staff-wang', '王科长', '你好');
    const req = await until(() => prisma.accessRequest.findFirst({ where: { kind: 'bind_group', roomId: GROUP } }), STEP);
    expect(req).toMatchObject({ status: 'pending', channel: 'dingtalk', actorId: 'staff-wang', actorName: '王科长', roomTopic: '区商务局督办群' });
    expect(await prisma.chatGroup.count()).toBe(0);
    server.groupMessage(GROUP, 'staff-li', '李主任', '绑定 区商务局');
    const bound = await until(() => prisma.groupUnit.findFirst({ where: { group: { roomId: GROUP } }, include: { unit: true } }), STEP);
    expect(bound.unit.name).toBe('区商务局');
    expect((await prisma.accessRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe('approved');
    await until(() => sent('已将本群绑定到区商务局').length, STEP);
  }, STEP * 2);

  it('立即推送 inside the reply window the admin’s @ opened pushes the weekly reminder with a real @ of the contact', async () => {
    server.groupMessage(GROUP, 'staff-li', '李主任', '立即推送');
    const reminder = await until(() => sent('周调度提醒').find((p) => p.to === GROUP), STEP);
    expect(reminder).toMatchObject({ to: GROUP, via: 'session', atUserIds: ['staff-wang'] });
    expect(reminder.text).toMatch(/^@staff-wang /);
    expect(reminder.text).toMatch(/第3项/);
    expect(reminder.text).not.toMatch(/第2项/);
    const ack = await until(() => sent('已安排立即推送')[0], STEP);
    // DingTalk reaches anyone in the organisation one-to-one: the admin's notice needs no earlier chat.
    const notice = await until(() => sent('无法送达')[0], STEP);
    expect(notice).toMatchObject({ to: 'staff-li', via: 'oto' });
    expect(notice.text).toContain('区住建局');
    const rows = await running.db.prisma.outbox.findMany({ where: { cadence: { startsWith: 'weekly_reminder' } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.targetKind, r.targetRef, r.mentions, r.degraded])).toEqual([['group', GROUP, ['staff-wang'], null], ['person', 'staff-li', [], null]]);
    expect(ack).toMatchObject({ to: GROUP });
    expect(ack.text).toContain('共1条提醒进入发送队列'); // the admin's notice is not a reminder
    expect(ack.text).toContain('另有1条管理员提示');
    expect(sent('周调度提醒').filter((p) => p.to === GROUP)).toHaveLength(1);
  }, STEP * 2);

  it('the contact’s reply is recorded and confirmed with a real @; Ctrl-C stops the process cleanly', async () => {
    server.groupMessage(GROUP, 'staff-wang', '王科长', '第3项已完成60%，存在资金缺口');
    const update = await until(() => running.db.prisma.progressUpdate.findFirst({ where: { kind: 'report' }, include: { task: true } }), STEP);
    expect(update).toMatchObject({ percent: 60, task: { no: '3' } });
    const confirm = await until(() => sent('已记录')[0], STEP);
    expect(confirm).toMatchObject({ to: GROUP, via: 'session', atUserIds: ['staff-wang'] });
    expect(confirm.text).toContain('60%');
    expect(new Set(server.sent.map((s) => s.to))).toEqual(new Set([GROUP, 'staff-li']));
    await interruptAndCheck(running);
    expect(server.connected).toBe(false);
  }, STEP * 2);
});
