import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDingtalkChat } from '../../src/adapters/chat/create-dingtalk-chat.ts';
import type { App } from '../../src/app/create-app.ts';
import { doctorCommand } from '../../src/cli/commands/doctor-command.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { messageKind } from '../../src/domain/delivery/delivery-policy.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { createOutboxSender } from '../../src/outbox/create-outbox-sender.ts';
import { listDeliveryProblems } from '../../src/outbox/delivery-problems.ts';
import { createPrivateChatHold, peopleToOpenPrivateChat } from '../../src/outbox/private-chat-hold.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { FakeDingtalkServer } from '../channels/fake-dingtalk-server.ts';
import { FakeWecomServer } from '../channels/fake-wecom-server.ts';
import { openTestDatabase } from '../helpers/databases.ts';
import { openOfficialApp, seedOfficialChannelPlan } from '../helpers/official-channels-seed.ts';
import { until } from '../helpers/until.ts';

/**
 * WeCom pushes only to chats that have written to the bot. A private message for a leader or an
 * admin who never did is held (未开通私聊) and listed — never a failed send — and goes out when
 * they write; an admin's notice goes to the 督办室 group meanwhile; doctor names who must write.
 * The real app (createApp from environment variables), the official SDK against the fake WeCom
 * server, PostgreSQL, the injected clock.
 */
describe('DUBAN_CHANNEL=wecom: private chats that never wrote to the bot', () => {
  const clock = new ManualClock(atLocal('2026-05-15', '10:00')); // a Friday
  const server = new FakeWecomServer('bot-private', 'secret-private', { now: () => clock.now().getTime() });
  const GROUP = 'wrkSHANGWU01';
  const OFFICE = 'wrkDUBANSHI01';
  const env = (url: string) => ({ DUBAN_CHANNEL: 'wecom', WECOM_BOT_ID: 'bot-private', WECOM_BOT_SECRET: 'secret-private', WECOM_WS_URL: url });
  let app: App;
  let opened: Awaited<ReturnType<typeof openOfficialApp>>;
  /** Pushes the bot attempted to a chat, refused or not. */
  const attempts = (chatid: string) => server.received.filter((f) => f.cmd === 'aibot_send_msg' && f.body?.chatid === chatid);
  /** Sends what is due until a push to `chatid` containing `needle` went out (the app's own loop may send it first). */
  const delivered = (chatid: string, needle: string) =>
    until(async () => {
      await app.sender.flushOnce();
      return server.pushedTo(chatid).find((p) => p.content?.includes(needle));
    });
  const doctor = async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const code = await doctorCommand.run([], { stdout: out, stderr: out, env: { ...env(server.url), DATABASE_URL: opened.url, DUBAN_DATA_DIR: opened.dataDir } });
    return { code, text };
  };

  beforeAll(async () => {
    const url = await server.start();
    opened = await openOfficialApp(env(url), clock);
    app = opened.app;
    const { prisma } = app;
    await seedOfficialChannelPlan(prisma, { wang: 'WangKeZhang', admin: 'LiZhuRen' });
    // A unit with no group: its reminders would go to its contact privately.
    const groupless = await prisma.unit.create({ data: { name: '区水务局', kind: 'department', aliases: [] } });
    await prisma.person.create({ data: { name: '赵科员', kind: 'contact', unitId: groupless.id, chatId: 'ZhaoKeYuan' } });
    // Two leaders with a task each, for the weekly digest; neither has written to the bot.
    // The plan existed before the story's May weeks (reports read tasks as of their date).
    await prisma.task.updateMany({ data: { createdAt: atLocal('2026-04-01') } });
    const tasks = await prisma.task.findMany({ orderBy: { seq: 'asc' } });
    for (const [name, chatId, task] of [['张副区长', 'ZhangFQZ', tasks[0]!], ['钱副区长', 'QianFQZ', tasks[2]!]] as const) {
      const leader = await prisma.person.create({ data: { name, kind: 'leader', chatId } });
      await prisma.taskLeader.create({ data: { taskId: task.id, personId: leader.id } });
    }
    // 区商务局's group and the office group, as bound (the office group comes from the directory; its id once the bot saw it).
    const unit = await prisma.unit.findFirstOrThrow({ where: { name: '区商务局' } });
    await prisma.chatGroup.create({ data: { roomId: GROUP, topic: '区商务局工作群', units: { create: { unitId: unit.id } } } });
    // The office group as a 通讯录 import leaves it (an admin's 群): a topic, no id, which WeCom cannot address.
    await prisma.chatGroup.create({ data: { topic: '督办室工作群', isOffice: true } });
    await app.start();
    await until(() => app.chat.status() === 'logged_in');
    // A notice for the admin before any office group has an id: held, for there is nowhere to move it yet.
    await prisma.outbox.create({ data: { idempotencyKey: 'notify:before-office', targetKind: 'person', targetRef: 'LiZhuRen', text: '绑定前的管理员提示', mentions: [], notBefore: clock.now() } });
    await until(async () => {
      await app.sender.flushOnce(); // the app's own loop may hold it first
      return (await prisma.outbox.findUniqueOrThrow({ where: { idempotencyKey: 'notify:before-office' } })).status === 'held';
    });
    // Both groups have @-ed the bot (the platform's condition for pushing to them); nobody wrote privately.
    server.groupMessage(GROUP, 'WangKeZhang', '收到');
    // The office group is tied to its id by the admin's word there (a WeCom message carries no group name).
    server.groupMessage(OFFICE, 'LiZhuRen', '绑定 督办室');
    await until(async () => (await prisma.inboundMessage.count({ where: { status: { not: 'received' } } })) === 2);
    await app.sender.flushOnce();
    // The directory's row got the id: one office group, not a second beside a name WeCom cannot reach.
    expect(await prisma.chatGroup.findMany({ where: { isOffice: true }, select: { roomId: true, topic: true } })).toEqual([{ roomId: OFFICE, topic: '督办室工作群' }]);
    expect(await prisma.auditLog.count({ where: { action: 'group.bind_office' } })).toBe(1);
    // The notice held before the binding goes to the office group now.
    expect((await delivered(OFFICE, '绑定前的管理员提示')).content).toContain('改发本群');
    expect(attempts('LiZhuRen')).toEqual([]);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await server.close();
    await opened?.drop();
    if (opened) fs.rmSync(opened.dataDir, { recursive: true, force: true });
  });

  it('doctor names the leaders and the admin who must write to the bot privately once', async () => {
    const { text } = await doctor();
    const line = text.split('\n').find((l) => l.includes('private chats'));
    expect(line).toMatch(/^✘ private chats/);
    expect(line).toContain('李主任（管理员，LiZhuRen）');
    expect(line).toContain('张副区长（领导，ZhangFQZ）');
    expect(line).toContain('钱副区长（领导，QianFQZ）');
    expect(line).not.toContain('王科长'); // a contact: reached in the unit's group
    expect(line).toContain('赵科员（联络员，ZhaoKeYuan）'); // 区水务局's contact: no unit group, so its reminders come privately
  }, 30_000);

  it('a leader’s digest is held, not attempted, and listed for admins (also by 异常消息)', async () => {
    clock.set(atLocal('2026-05-15', '16:05'));
    await app.engine.runSlot('weekly_digest', atLocal('2026-05-15', '16:00'));
    await app.sender.flushOnce();
    // Each digest is its text and its picture: every part is held.
    const held = await app.prisma.outbox.findMany({ where: { targetKind: 'person', cadence: 'weekly_digest' }, orderBy: { targetRef: 'asc' } });
    expect([...new Set(held.map((r) => r.targetRef))]).toEqual(['QianFQZ', 'ZhangFQZ']);
    expect(held.every((r) => r.status === 'held' && r.attempts === 0)).toBe(true);
    expect(held.find((r) => r.targetRef === 'ZhangFQZ')!.lastError).toMatch(/^未开通私聊：张副区长尚未私聊过机器人/);
    expect(attempts('ZhangFQZ')).toEqual([]); // no send the platform would refuse
    expect(await app.prisma.outbox.count({ where: { status: 'failed' } })).toBe(0);
    expect(new Set((await listDeliveryProblems(app.prisma)).filter((r) => r.status === 'held').map((r) => r.targetRef))).toEqual(new Set(['QianFQZ', 'ZhangFQZ']));
    // The admin asks in the office group.
    server.groupMessage(OFFICE, 'LiZhuRen', '异常消息');
    const answer = await delivered(OFFICE, '未送达的消息');
    expect(answer.content).toMatch(/未开通私聊暂缓 weekly_digest → ZhangFQZ/);
  });

  it('an admin notice that cannot reach the admin privately goes to the 督办室 group, once', async () => {
    clock.set(atLocal('2026-05-18', '09:05')); // Monday
    const r = await app.engine.runSlot('weekly_reminder', atLocal('2026-05-18', '09:00'));
    expect(r.notices).toBe(1); // 区住建局 has no group and no contact
    const notice = await delivered(OFFICE, '无法送达');
    expect(notice.content).toContain('区住建局：未绑定单位群且联络员未登记账号');
    expect(notice.content).toContain('改发本群');
    expect(attempts('LiZhuRen')).toEqual([]);
    const original = await app.prisma.outbox.findFirstOrThrow({ where: { targetRef: 'LiZhuRen', cadence: 'weekly_reminder' } });
    expect(original).toMatchObject({ status: 'cancelled', lastError: expect.stringContaining('已改发督办室群') });
    await app.sender.flushOnce();
    expect(server.pushedTo(OFFICE).filter((p) => p.content?.includes('无法送达'))).toHaveLength(1);
    expect(server.pushedTo(GROUP).some((p) => p.content?.includes('周调度提醒'))).toBe(true);
  });

  it('when the leader writes privately the held digest goes out, and private messages reach them from then on', async () => {
    clock.set(atLocal('2026-05-18', '10:00')); // Friday 16:00's digest is 155 working minutes late: still fresh
    server.singleMessage('ZhangFQZ', '你好');
    await until(() => app.prisma.inboundMessage.findFirst({ where: { talkerId: 'ZhangFQZ', roomId: null, status: { not: 'received' } } }));
    const digest = await delivered('ZhangFQZ', '周调度简报');
    expect(digest.content).toContain('张副区长');
    expect(await app.prisma.outbox.findFirstOrThrow({ where: { targetRef: 'ZhangFQZ', cadence: 'weekly_digest' } })).toMatchObject({ status: 'sent' });
    // A later private message is simply sent.
    await app.prisma.outbox.create({ data: { idempotencyKey: 'notify:later', targetKind: 'person', targetRef: 'ZhangFQZ', text: '批示已转交', mentions: [], notBefore: clock.now() } });
    await delivered('ZhangFQZ', '批示已转交');
    expect(attempts('ZhangFQZ').length).toBe(server.pushedTo('ZhangFQZ').length); // every attempt went through
    // Doctor no longer names him.
    const { text } = await doctor();
    expect(text).not.toContain('张副区长（领导');
    expect(text).toContain('钱副区长（领导');
  }, 30_000);

  it('what is stale by the time the person writes is not sent (the staleness rules decide)', async () => {
    clock.set(atLocal('2026-05-20', '10:00')); // Wednesday: Friday's digest is over a working day late
    server.singleMessage('QianFQZ', '你好');
    await until(() => app.prisma.inboundMessage.findFirst({ where: { talkerId: 'QianFQZ', roomId: null, status: { not: 'received' } } }));
    await app.sender.flushOnce();
    const row = await until(() => app.prisma.outbox.findFirst({ where: { targetRef: 'QianFQZ', cadence: 'weekly_digest', status: 'superseded' } }));
    expect(row.lastError).toMatch(/^已过时/);
    expect(server.pushedTo('QianFQZ').some((p) => p.content?.includes('周调度简报'))).toBe(false);
    expect(await app.prisma.outbox.count({ where: { status: 'held' } })).toBe(0);
  });

  it('a database error while deciding where a private message goes puts it back, unsent and not 可能未送达', async () => {
    const { prisma } = app;
    // A real fault in the middle of the decision: the insert that moves an admin's notice to the office group fails.
    await prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_office_fallback() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_office_fallback BEFORE INSERT ON "Outbox" FOR EACH ROW WHEN (NEW."idempotencyKey" LIKE '%:office_fallback:%') EXECUTE FUNCTION refuse_office_fallback()`);
    await prisma.outbox.create({ data: { idempotencyKey: 'notify:decide-fault', targetKind: 'person', targetRef: 'LiZhuRen', text: '决定出错时的管理员提示', mentions: [], notBefore: clock.now() } });
    const back = await until(async () => {
      await app.sender.flushOnce(); // the app's own loop may take it first
      const row = await prisma.outbox.findUniqueOrThrow({ where: { idempotencyKey: 'notify:decide-fault' } });
      return row.status === 'pending' && row.lastError ? row : undefined;
    });
    // No lease left behind to expire into 可能未送达; retried later, not in a tight loop.
    expect(back).toMatchObject({ attempts: 0, lockedBy: null, lockedUntil: null, lastError: expect.stringContaining('disk full') });
    expect(back.notBefore.getTime()).toBeGreaterThan(clock.now().getTime());
    // The fault over (before the clock moves: the app's own loop retries as soon as it is due). The
    // clock moves less than a lease: a jump past it would expire the lease of a row mid-decision.
    await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_office_fallback ON "Outbox"`);
    await prisma.$executeRawUnsafe(`DROP FUNCTION refuse_office_fallback()`);
    await clock.advance(60_000);
    expect((await delivered(OFFICE, '决定出错时的管理员提示')).content).toContain('改发本群');
    // The group copy is still a notice (its send window, never stale), not a kind of its own.
    const moved = await prisma.outbox.findFirstOrThrow({ where: { targetRef: OFFICE, text: { contains: '决定出错时的管理员提示' } } });
    expect(messageKind(moved)).toBe('notify');
    expect(await prisma.outbox.count({ where: { status: 'failed' } })).toBe(0);
    expect(attempts('LiZhuRen')).toEqual([]);
  });

  it('an office group WeCom cannot address (a topic, no id) gets no 旬会商 agenda and no admin notice', async () => {
    const { prisma } = app;
    const unbound = await prisma.chatGroup.create({ data: { topic: '督办室二群', isOffice: true } }); // a later import's, never bound
    clock.set(atLocal('2026-05-21', '09:05'));
    await app.engine.runSlot('consult_agenda', atLocal('2026-05-21', '09:00'));
    const agenda = await prisma.outbox.findMany({ where: { cadence: 'consult_agenda', targetKind: 'group' }, select: { targetRef: true } });
    expect(agenda.length).toBeGreaterThan(0);
    expect(new Set(agenda.map((r) => r.targetRef))).toEqual(new Set([OFFICE]));
    // A request admins must answer is told to the office group they can be reached in, only.
    server.singleMessage('NewContact', '登记 区商务局 联络员');
    const notices = await until(async () => {
      const rows = await prisma.outbox.findMany({ where: { text: { contains: '【登记申请' } }, select: { targetRef: true } });
      return rows.length ? rows : undefined;
    });
    expect(notices.map((r) => r.targetRef)).toEqual([OFFICE]);
    await prisma.chatGroup.update({ where: { id: unbound.id }, data: { isOffice: false } });
  });
  it('a row whose lease was lost while deciding is left alone, not sent (the lease sweep or another sender owns it)', async () => {
    const now = clock.now();
    const row = await app.prisma.outbox.create({
      data: { idempotencyKey: 'lease-lost-test', targetKind: 'person', targetRef: 'NeverWroteYet', text: '测试', status: 'sending', lockedBy: 'another-sender', lockedUntil: new Date(now.getTime() + 60_000), attempts: 1, notBefore: now },
    });
    const hold = createPrivateChatHold({ prisma: app.prisma, chat: app.chat, admins: [] });
    expect(await hold.decide(row, 'this-sender', now)).toBe('lost');
    expect(await app.prisma.outbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sending', lockedBy: 'another-sender', attempts: 1 });
    await app.prisma.outbox.delete({ where: { id: row.id } });
  });
});

describe('a channel that may push to any chat (DingTalk) holds nothing', () => {
  it('sends privately to a person who never wrote to the bot, and names nobody', async () => {
    const db = await openTestDatabase('pglite');
    const server = new FakeDingtalkServer();
    await server.start();
    server.staff.add('staff-zhang');
    const chat = createDingtalkChat({
      clientId: server.clientId, clientSecret: server.clientSecret, robotCode: server.robotCode,
      gatewayUrl: server.gatewayUrl, apiUrl: server.url, oapiUrl: server.url, botName: '督办助手', logger: silentLogger, reconnectMs: 30,
    });
    try {
      await chat.start();
      await until(() => chat.status() === 'logged_in');
      await db.prisma.person.create({ data: { name: '张副区长', kind: 'leader', chatId: 'staff-zhang' } });
      await db.prisma.outbox.create({ data: { idempotencyKey: 'weekly_digest:x:l1', cadence: 'weekly_digest', targetKind: 'person', targetRef: 'staff-zhang', text: '周汇总', mentions: [], notBefore: new Date() } });
      const sender = createOutboxSender({ prisma: db.prisma, chat, clock: new ManualClock(new Date()), logger: silentLogger, sendPerMinute: 0, sendJitterMs: 0, maxAttempts: 3 });
      expect(await sender.flushOnce()).toBe(1);
      expect(server.sent).toEqual([expect.objectContaining({ via: 'oto', to: 'staff-zhang', text: '周汇总' })]);
      expect(await peopleToOpenPrivateChat(db.prisma, chat, [])).toEqual([]);
    } finally {
      await chat.close();
      await server.close();
      await db.close();
    }
  }, 30_000);
});
