import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileBox } from 'file-box';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { createPgDatabase } from '../helpers/databases.ts';
import { PNG_1PX } from '../chat/test-files.ts';

const until = <T>(fn: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeout = 5000) =>
  vi.waitFor(
    async () => {
      const v = await fn();
      if (!v) throw new Error('not yet');
      return v;
    },
    { timeout, interval: 20 },
  );

/**
 * The whole loop through the composition root, on the real Postgres and the Wechaty mock puppet:
 * a cadence slot reminds a unit group, a contact reports, the bot records and confirms, the chase
 * skips the unit that reported, and a 销号 request with a photo is approved by an admin.
 */
describe('closed loop: reminder → reply → record → confirm → 销号', () => {
  let app: App;
  let drop: () => Promise<void>;
  const clock = new ManualClock('2026-05-11T00:30:00Z'); // Monday 08:30 in Shanghai
  const seen: { room?: string; talker: string; text: string }[] = [];
  let mocker: NonNullable<App['chat']['mocker']>;
  let lina: ReturnType<typeof mocker.createContact>;
  let wang: ReturnType<typeof mocker.createContact>;
  let outsider: ReturnType<typeof mocker.createContact>;
  let room: ReturnType<typeof mocker.createRoom>;
  let bot: ReturnType<typeof mocker.createContact>;
  let taskId: number;

  beforeAll(async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-e2e-'));
    const config = loadConfig({
      env: {},
      overrides: { databaseUrl: pg.url, dataDir, httpPort: 0, sendPerMinute: 0, sendJitterMs: 0, logLevel: 'silent' },
    });
    app = await createApp(config, { clock, logger: silentLogger });
    const prisma = app.prisma;
    const unit = await prisma.unit.create({ data: { name: '区商务局', kind: 'department', aliases: ['商务局'] } });
    const other = await prisma.unit.create({ data: { name: '区住建局', kind: 'department', aliases: [] } });
    const plan = await prisma.plan.create({ data: { sourceDocument: 'e2e.txt', title: '测试方案', mechanisms: ['周调度'] } });
    const titles = ['加快惠企政策落实落地', '推动重大项目征收拆迁', '繁荣现代商贸提振大宗消费'];
    for (const [i, title] of titles.entries()) {
      const t = await prisma.task.create({
        data: {
          planId: plan.id, no: String(i + 1), seq: i + 1, title, text: `${title}。`, status: 'in_progress',
          deadline: new Date('2026-12-31T00:00:00Z'), deadlineKind: 'date', deadlineText: '2026年12月底',
          units: { create: [{ role: 'responsible', rawName: i === 1 ? '区住建局' : '区商务局', unitId: i === 1 ? other.id : unit.id }] },
          assignments: { create: [{ role: 'responsible', state: 'in_progress', unitId: i === 1 ? other.id : unit.id }] },
        },
      });
      if (i === 2) taskId = t.id;
    }
    await prisma.person.create({ data: { name: '李娜', kind: 'contact', unitId: unit.id, chatId: 'c-lina' } });
    await prisma.person.create({ data: { name: '周强', kind: 'contact', unitId: unit.id, chatId: 'c-zhou' } });
    await prisma.person.create({ data: { name: '王敏', kind: 'admin', isAdmin: true, chatId: 'c-wang' } });
    await prisma.person.create({ data: { name: '刘洋', kind: 'contact', unitId: other.id, chatId: 'c-liu' } });
    await prisma.chatGroup.create({ data: { topic: '区住建局督办群', roomId: 'zhujian@chatroom', units: { create: [{ unitId: other.id }] } } });
    const roomId = 'shangwu@chatroom';
    await prisma.chatGroup.create({ data: { topic: '区商务局督办群', roomId, units: { create: [{ unitId: unit.id }] } } });

    await app.start();
    mocker = app.chat.mocker!;
    bot = mocker.createContact({ id: 'bot', name: '督办助手' });
    lina = mocker.createContact({ id: 'c-lina', name: '李娜' });
    const zhou = mocker.createContact({ id: 'c-zhou', name: '周强' });
    wang = mocker.createContact({ id: 'c-wang', name: '王敏' });
    outsider = mocker.createContact({ id: 'c-x', name: '路人' });
    const liu = mocker.createContact({ id: 'c-liu', name: '刘洋' });
    mocker.createRoom({ id: 'zhujian@chatroom', topic: '区住建局督办群', memberIdList: [bot.id, liu.id] });
    room = mocker.createRoom({ id: roomId, topic: '区商务局督办群', memberIdList: [bot.id, lina.id, zhou.id, wang.id, outsider.id] });
    mocker.puppet.on('message', ({ messageId }) => {
      const m = mocker.messagePayload(messageId);
      seen.push({ ...(m.roomId ? { room: m.roomId } : {}), talker: m.talkerId, text: m.text ?? '' });
    });
    mocker.login(bot);
    await until(() => app.chat.status() === 'logged_in');
  });

  afterAll(async () => {
    await app?.close();
    await app?.close();
    await drop?.();
  });

  const botSaid = (re: RegExp) => seen.filter((m) => m.talker === bot.id && re.test(m.text));

  it('the Monday slot reminds the unit group with its contacts @-mentioned', async () => {
    clock.set('2026-05-11T01:00:00Z');
    const r = await app.engine.runSlot('weekly_reminder', atLocal('2026-05-11', '09:00'));
    expect(r.messages).toBeGreaterThanOrEqual(1);
    const rows = await app.prisma.outbox.findMany({ where: { cadence: 'weekly_reminder', targetKind: 'group' } });
    expect(rows.map((o) => o.targetRef).sort()).toEqual([room.id, 'zhujian@chatroom']);
    const row = rows.find((o) => o.targetRef === room.id)!;
    expect(row.targetRef).toBe(room.id);
    expect([...row.mentions].sort()).toEqual(['c-lina', 'c-zhou']);
    expect(await app.sender.flushOnce()).toBeGreaterThanOrEqual(1);
    const [reminder] = await until(() => botSaid(/周调度提醒/).length > 0 && botSaid(/周调度提醒/));
    expect(reminder!.room).toBe(room.id);
    expect(reminder!.text).toContain('@李娜');
    expect(reminder!.text).toContain('@周强');
    expect(reminder!.text).toMatch(/第3项/);
    expect(reminder!.text).not.toMatch(/第2项/); // another unit's task
    // running the same slot again (a second worker, a restart) sends nothing new
    expect((await app.engine.runSlot('weekly_reminder', atLocal('2026-05-11', '09:00'))).messages).toBe(0);
  });

  it('a reply becomes a progress update with percent, status and problem, and is confirmed', async () => {
    clock.set('2026-05-12T02:00:00Z');
    lina.say('第3项已完成60%，存在资金缺口', [bot]).to(room);
    const update = await until(() => app.prisma.progressUpdate.findFirst({ where: { taskId, kind: 'report' } }));
    expect(update.percent).toBe(60);
    expect(update.status).toBe('in_progress');
    expect(update.problems).toContain('资金缺口');
    const inbound = await app.prisma.inboundMessage.findUniqueOrThrow({ where: { id: update.inboundMessageId! } });
    expect(inbound.text).toBe('第3项已完成60%，存在资金缺口');
    expect((await app.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).percent).toBe(60);
    await until(async () => (await app.sender.flushOnce()) > 0 || botSaid(/已记录/).length > 0);
    const [confirm] = await until(() => botSaid(/已记录/).length > 0 && botSaid(/已记录/));
    expect(confirm!.text).toContain('60%');
    expect(confirm!.text).toContain('更正');
  });

  it('a non-contact cannot report for the unit', async () => {
    outsider.say('第1项已完成', [bot]).to(room);
    await until(() => app.prisma.inboundMessage.findFirst({ where: { talkerId: 'c-x', status: { not: 'received' } } }));
    expect(await app.prisma.progressUpdate.count({ where: { personId: null, task: { no: '1' } } })).toBe(0);
    expect((await app.prisma.task.findFirstOrThrow({ where: { no: '1' } })).status).toBe('in_progress');
  });

  it('the chase after the due time asks a unit only for the tasks it has not reported on', async () => {
    // Lina reported task 3 only: 区商务局 is still chased for task 1, and not for task 3.
    clock.set('2026-05-15T01:00:00Z');
    await app.engine.runSlot('weekly_chase', atLocal('2026-05-15', '09:00'));
    const chase = await app.prisma.outbox.findMany({ where: { cadence: 'weekly_chase' } });
    const own = chase.filter((o) => o.targetRef === room.id);
    expect(own).toHaveLength(1);
    expect(own[0]!.text).toContain('以下 1 项任务');
    expect(own[0]!.text).toContain('《测试》第1项');
    expect(own[0]!.text).not.toContain('《测试》第3项');
    expect(chase.filter((o) => o.targetRef === 'zhujian@chatroom')).toHaveLength(1);
    const slips = await app.prisma.escalation.findMany({ where: { level: 'reminder' }, include: { task: { select: { no: true } } } });
    expect(slips.map((e) => e.task.no).sort()).toEqual(['1', '2']);
  });

  it('an admin pauses reminders in chat: the next slot sends nothing until 恢复提醒', async () => {
    lina.say('暂停提醒').to(room); // not an admin: refused
    await until(() => app.prisma.inboundMessage.findFirst({ where: { text: '暂停提醒', talkerId: 'c-lina', status: { not: 'received' } } }));
    expect(await app.prisma.setting.findUnique({ where: { key: 'reminders.paused' } })).toBeNull();
    wang.say('暂停提醒').to(room);
    await until(async () => (await app.prisma.setting.findUnique({ where: { key: 'reminders.paused' } }))?.value === true);
    clock.set('2026-05-18T01:00:00Z');
    const paused = await app.engine.runSlot('weekly_reminder', atLocal('2026-05-18', '09:00'));
    expect(paused.messages).toBe(0);
    expect(await app.prisma.outbox.count({ where: { cadence: 'weekly_reminder', slotAt: atLocal('2026-05-18', '09:00') } })).toBe(0);
    wang.say('恢复提醒').to(room);
    await until(async () => (await app.prisma.setting.findUnique({ where: { key: 'reminders.paused' } }))?.value === false);
    const resumed = await app.engine.runSlot('weekly_reminder', atLocal('2026-05-25', '09:00'));
    expect(resumed.messages).toBeGreaterThan(0);
  });

  it('申请销号 with a photo is approved by an admin and the task closes', async () => {
    clock.set('2026-05-18T02:00:00Z');
    lina.say('申请销号 3', [bot]).to(room);
    await until(() => app.prisma.taskRequest.findFirst({ where: { taskId, kind: 'close' } }));
    lina.say(FileBox.fromBase64(PNG_1PX.toString('base64'), 'site-photo.png')).to(room);
    const req = await until(async () => {
      const r = await app.prisma.taskRequest.findFirst({ where: { taskId, kind: 'close' } });
      return r && r.evidence.length > 0 && r;
    });
    expect(fs.existsSync(req.evidence[0]!)).toBe(true);
    lina.say('复核 3').to(room); // a contact is not an admin
    await until(() => app.prisma.inboundMessage.findFirst({ where: { text: '复核 3', talkerId: 'c-lina', status: { not: 'received' } } }));
    expect((await app.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).not.toBe('closed');
    wang.say('复核 3').to(room);
    await until(async () => (await app.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status === 'closed');
    expect((await app.prisma.taskRequest.findFirstOrThrow({ where: { taskId, kind: 'close' } })).status).toBe('approved');
    const trail = await app.prisma.auditLog.findMany({ where: { action: { in: ['request.close', 'request.approve', 'assignment.close'] } }, orderBy: { id: 'asc' } });
    expect(trail.map((a) => [a.action, a.actor])).toEqual([['request.close', 'c-lina'], ['request.approve', 'c-wang'], ['assignment.close', 'c-wang']]);
    expect((await app.prisma.assignment.findFirstOrThrow({ where: { taskId } })).state).toBe('closed');
  });
});
