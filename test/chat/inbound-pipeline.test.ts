import fs from 'node:fs';
import path from 'node:path';
import { FileBox } from 'file-box';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listFailedInbound } from '../../src/chat/store-inbound.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS } from '../helpers/databases.ts';
import { openChatWorld, openSharedDatabase, type ChatWorld } from './chat-world.ts';
import { PNG_1PX } from './test-files.ts';

const photo = () => FileBox.fromBase64(PNG_1PX.toString('base64'), 'site-photo.png');

describe.each(DB_KINDS)('inbound pipeline through the wechaty mock (%s)', (kind) => {
  let db: Database;
  let w: ChatWorld;
  beforeAll(async () => {
    db = await openSharedDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    w = await openChatWorld(db);
  });
  afterEach(async () => {
    await w.close();
  });

  it('records a report from a unit contact in the unit group and confirms it in the group', async () => {
    await w.say(w.wang, w.rooms.shangwu, '第3项已完成60%，存在资金缺口');
    const [inbound] = await w.prisma.inboundMessage.findMany();
    expect(inbound).toMatchObject({ status: 'interpreted', talkerId: w.wang.id, roomTopic: '区商务局工作群', error: null });
    const updates = await w.prisma.progressUpdate.findMany();
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      taskId: w.tasks[2]!.id, unitId: w.units.shangwu.id, personId: w.pWang.id, kind: 'report', percent: 60, status: 'in_progress',
      inboundMessageId: inbound!.id, reportedAt: w.clock.now(),
    });
    expect(updates[0]!.problems).toContain('资金缺口');
    const task = await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[2]!.id } });
    expect(task).toMatchObject({ percent: 60, status: 'in_progress', lastReportedAt: w.clock.now() });

    const [reply] = await w.prisma.outbox.findMany();
    expect(reply).toMatchObject({ idempotencyKey: `reply:${inbound!.id}`, targetKind: 'group', targetRef: w.rooms.shangwu.id, mentions: [w.wang.id] });
    expect(reply!.text).toMatch(/已记录（区商务局）[\s\S]*第3项 强化金融帮扶实体经济：进度60%；推进中；问题：存在资金缺口[\s\S]*更正 第3项 50%/);

    await w.flushOutbox();
    const shown = w.botMessages.find((b) => b.roomId === w.rooms.shangwu.id)!;
    expect(shown.text).toMatch(/^@王科长\s/);
    expect(shown.text).toContain('进度60%');
  });

  it('stores each message once, however often the channel delivers it', async () => {
    const m = w.incoming({ id: 'dup-1', text: '第1项完成30%' });
    await w.handler.handle(m);
    await w.handler.handle(m);
    await w.handler.handle({ ...m, text: '第1项完成90%' });
    expect(await w.prisma.inboundMessage.count()).toBe(1);
    expect(await w.prisma.progressUpdate.count()).toBe(1);
    expect(await w.prisma.outbox.count()).toBe(1);
    expect((await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[0]!.id } })).percent).toBe(30);
  });

  it('keeps a message whose interpretation throws, marked failed with the error, listable by admins', async () => {
    await w.handler.handle(w.incoming({
      id: 'broken-1', type: 'image', text: '',
      saveAttachment: async () => {
        throw new Error('disk full');
      },
    }));
    const failed = await listFailedInbound(w.prisma);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ messageId: 'broken-1', status: 'failed', talkerId: w.wang.id });
    expect(failed[0]!.error).toContain('disk full');

    await w.say(w.wang, w.bot, '异常消息');
    await w.say(w.admin, w.bot, '异常消息');
    const texts = (await w.prisma.outbox.findMany({ orderBy: { id: 'asc' } })).map((o) => o.text);
    expect(texts[0]).toContain('只有督办室管理员');
    // the refused request is itself listed, newest first
    expect(texts[1]).toMatch(/最近2条异常消息[\s\S]*王科长：异常消息\n  未获授权[\s\S]*处理出错：Error: disk full/);
  });

  it('attaches a photo sent right after 申请销号 exactly once, even in a burst', async () => {
    w.wang.say('申请销号 3').to(w.rooms.shangwu);
    w.wang.say(photo()).to(w.rooms.shangwu);
    await w.handledCount(2);
    const req = await w.prisma.taskRequest.findFirstOrThrow();
    expect(req.evidence).toHaveLength(1);
  });

  it('does not let a non-contact update a unit task, and says why', async () => {
    await w.say(w.stranger, w.rooms.shangwu, '第3项已完成100%');
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    const task = await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[2]!.id } });
    expect(task).toMatchObject({ percent: null, status: 'not_started', lastReportedAt: null });
    const [inbound] = await w.prisma.inboundMessage.findMany();
    expect(inbound!.status).toBe('ignored');
    expect(inbound!.error).toMatch(/^PERMISSION_DENIED/);
    const [reply] = await w.prisma.outbox.findMany();
    expect(reply!.text).toContain('路人甲不在区商务局的联络人名单中');
  });

  it('stays quiet when an admin or a stranger talks about tasks without reporting', async () => {
    await w.say(w.admin, w.rooms.shangwu, '请各单位加快推进，周五前报送');
    await w.say(w.stranger, w.rooms.shangwu, '今天天气不错，项目在推进');
    expect(await w.prisma.outbox.count()).toBe(0);
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    expect((await w.prisma.inboundMessage.findMany()).map((m) => m.status)).toEqual(['ignored', 'ignored']);
  });

  it("does not let a contact of one unit update another unit's task", async () => {
    await w.say(w.liu, w.rooms.zhujian, '第3项已完成80%');
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    const [reply] = await w.prisma.outbox.findMany();
    expect(reply!.text).toContain('第3项不是本单位牵头或负责的任务');
    // the group bound by topic learned its room id
    expect((await w.prisma.chatGroup.findUniqueOrThrow({ where: { topic: '区住建局工作群' } })).roomId).toBe(w.rooms.zhujian.id);
    await w.say(w.liu, w.rooms.zhujian, '第4项推进中，完成40%');
    expect((await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[3]!.id } })).percent).toBe(40);
  });

  it('recognises a contact known only by name and learns the chat id', async () => {
    await w.say(w.zhao, w.rooms.shangwu, '第5项已完成');
    const zhao = await w.prisma.person.findFirstOrThrow({ where: { name: '赵干事' } });
    expect(zhao.chatId).toBe(w.zhao.id);
    const u = await w.prisma.progressUpdate.findFirstOrThrow();
    expect(u).toMatchObject({ personId: zhao.id, status: 'done' });
    expect((await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[4]!.id } })).status).toBe('done');
  });

  it('records each contact for their own unit in an all-units group', async () => {
    const all = w.mocker.createRoom({ topic: '全区调度群', memberIdList: [w.bot.id, w.wang.id, w.liu.id, w.admin.id] });
    await w.prisma.chatGroup.create({ data: { topic: '全区调度群', isAllUnits: true, units: { create: [{ unitId: w.units.shangwu.id }, { unitId: w.units.zhujian.id }] } } });
    await w.say(w.wang, all, '第1项完成20%');
    await w.say(w.liu, all, '第4项完成45%');
    const updates = await w.prisma.progressUpdate.findMany({ orderBy: { id: 'asc' } });
    expect(updates.map((u) => [u.unitId, u.taskId, u.percent])).toEqual([
      [w.units.shangwu.id, w.tasks[0]!.id, 20],
      [w.units.zhujian.id, w.tasks[3]!.id, 45],
    ]);
    const replies = await w.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(replies.map((r) => [r.targetRef, r.mentions])).toEqual([[all.id, [w.wang.id]], [all.id, [w.liu.id]]]);
  });

  it("lets a B角 registered only as a contact's backup report for that unit", async () => {
    const backup = w.mocker.createContact({ name: '孙助理' });
    const b = await w.prisma.person.create({ data: { name: '孙助理', kind: 'contact', chatId: backup.id } });
    await w.prisma.person.update({ where: { id: w.pWang.id }, data: { backupId: b.id, onLeave: true } });
    await w.say(backup, w.rooms.shangwu, '第1项完成35%');
    expect(await w.prisma.progressUpdate.findFirstOrThrow()).toMatchObject({ unitId: w.units.shangwu.id, personId: b.id, percent: 35 });
  });

  it('tells apart two unlinked people of the same name by the group they write in', async () => {
    const twin = w.mocker.createContact({ name: '陈晨' });
    await w.prisma.person.create({ data: { name: '陈晨', kind: 'contact', unitId: w.units.shangwu.id } });
    await w.prisma.person.create({ data: { name: '陈晨', kind: 'contact', unitId: w.units.zhujian.id } });
    await w.say(twin, w.rooms.shangwu, '第2项推进中');
    const linked = await w.prisma.person.findFirstOrThrow({ where: { chatId: twin.id } });
    expect(linked.unitId).toBe(w.units.shangwu.id);
    expect((await w.prisma.progressUpdate.findFirstOrThrow()).taskId).toBe(w.tasks[1]!.id);
  });

  it('asks one question instead of recording an unplaceable or impossible report', async () => {
    await w.say(w.wang, w.rooms.shangwu, '第999项完成50%');
    await w.say(w.wang, w.rooms.shangwu, '第3项完成150%');
    await w.say(w.wang, w.rooms.shangwu, '已完成70%');
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    const texts = (await w.prisma.outbox.findMany({ orderBy: { id: 'asc' } })).map((o) => o.text);
    expect(texts[0]).toContain('没有找到第999项');
    expect(texts[1]).toContain('150%');
    expect(texts[2]).toContain('哪一项任务');
  });

  it('records a receipt (收到) for the unit and a correction replacing the percent', async () => {
    await w.say(w.wang, w.rooms.shangwu, '收到');
    const receipts = await w.prisma.progressUpdate.findMany({ where: { kind: 'receipt' } });
    expect(receipts.map((r) => r.taskId).sort()).toEqual([w.tasks[0]!.id, w.tasks[1]!.id, w.tasks[2]!.id, w.tasks[4]!.id].sort());
    expect(await w.prisma.outbox.count()).toBe(0);
    await w.say(w.wang, w.rooms.shangwu, '第3项完成60%');
    await w.say(w.wang, w.rooms.shangwu, '更正 第3项 50%');
    const correction = await w.prisma.progressUpdate.findFirstOrThrow({ where: { kind: 'correction' } });
    expect(correction.percent).toBe(50);
    expect((await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[2]!.id } })).percent).toBe(50);
  });

  it('closes a task after 申请销号 with a photo approved by an admin (复核), recording every step', async () => {
    await w.say(w.wang, w.rooms.shangwu, '申请销号 3 已全部完成');
    await w.say(w.wang, w.rooms.shangwu, photo());
    const req = await w.prisma.taskRequest.findFirstOrThrow();
    expect(req).toMatchObject({ kind: 'close', status: 'pending', unitId: w.units.shangwu.id, requestedBy: w.wang.id });
    expect(req.evidence).toHaveLength(1);
    expect(req.evidence[0]!.startsWith(path.join(w.dataDir, 'evidence'))).toBe(true);
    expect(fs.readFileSync(req.evidence[0]!)).toEqual(PNG_1PX);
    const toOffice = await w.prisma.outbox.findFirstOrThrow({ where: { targetRef: w.rooms.office.id } });
    expect(toOffice.text).toContain('复核 3');

    // a unit contact cannot approve their own request
    await w.say(w.wang, w.rooms.shangwu, '复核 3');
    expect((await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[2]!.id } })).status).not.toBe('closed');

    await w.say(w.admin, w.rooms.office, '复核 3');
    const task = await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[2]!.id } });
    expect(task).toMatchObject({ status: 'closed', percent: 100, closedAt: w.clock.now() });
    expect(await w.prisma.taskRequest.findFirstOrThrow()).toMatchObject({ status: 'approved', decidedBy: w.admin.id });
    const actions = (await w.prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['request.close', 'request.evidence', 'request.approve', 'task.close']);
    const toUnit = await w.prisma.outbox.findMany({ where: { targetRef: w.rooms.shangwu.id } });
    expect(toUnit.some((o) => o.text.includes('督办室已通过第3项'))).toBe(true);
    await w.flushOutbox();
    expect(w.botMessages.some((b) => b.roomId === w.rooms.shangwu.id && b.text?.includes('任务已销号'))).toBe(true);
  });

  it('attaches a photo sent just before 申请销号 too, and lets an admin return it (退办)', async () => {
    await w.say(w.wang, w.rooms.shangwu, photo());
    await w.clock.advance(2 * 60_000);
    await w.say(w.wang, w.rooms.shangwu, '申请销号 第1项');
    expect((await w.prisma.taskRequest.findFirstOrThrow()).evidence).toHaveLength(1);
    await w.say(w.admin, w.rooms.office, '退办 1 佐证材料不全，请补充验收报告');
    expect(await w.prisma.taskRequest.findFirstOrThrow()).toMatchObject({ status: 'returned', decision: '佐证材料不全，请补充验收报告' });
    expect((await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[0]!.id } })).status).toBe('not_started');
  });

  it('ignores a photo long after the request', async () => {
    await w.say(w.wang, w.rooms.shangwu, '申请销号 1');
    await w.clock.advance(30 * 60_000);
    await w.say(w.wang, w.rooms.shangwu, photo());
    expect((await w.prisma.taskRequest.findFirstOrThrow()).evidence).toHaveLength(0);
    expect((await w.prisma.inboundMessage.findFirstOrThrow({ where: { type: 'image' } })).attachment).toBeTruthy();
  });

  it('extends a deadline after 申请延期 is approved', async () => {
    await w.say(w.wang, w.rooms.shangwu, '申请延期 2 2026-08-31 企业复产推迟');
    const req = await w.prisma.taskRequest.findFirstOrThrow();
    expect(req).toMatchObject({ kind: 'extension', reason: '企业复产推迟' });
    await w.say(w.admin, w.rooms.office, '复核 2');
    const task = await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[1]!.id } });
    expect(task.deadline!.toISOString().slice(0, 10)).toBe('2026-08-31');
    expect((await w.prisma.auditLog.findMany()).map((a) => a.action)).toEqual(['request.extension', 'request.approve', 'task.extend']);
  });

  it('transfers a task to another unit (转办) and tells that unit', async () => {
    await w.say(w.stranger, w.rooms.shangwu, '转办 5 区住建局');
    expect(await w.prisma.taskRequest.count()).toBe(0);
    await w.say(w.admin, w.rooms.office, '转办 5 住建局');
    const units = await w.prisma.taskUnit.findMany({ where: { taskId: w.tasks[4]!.id } });
    expect(units.map((u) => u.unitId)).toEqual([w.units.zhujian.id]);
    expect(await w.prisma.taskRequest.findFirstOrThrow()).toMatchObject({ kind: 'transfer', status: 'approved', unitId: w.units.shangwu.id, toUnitId: w.units.zhujian.id });
    expect((await w.prisma.auditLog.findFirstOrThrow()).action).toBe('task.transfer');
    const notice = await w.prisma.outbox.findFirstOrThrow({ where: { text: { startsWith: '【转办】' } } });
    expect(notice.targetRef).toBe('区住建局工作群');
  });

  it('lets only admins change settings (暂停提醒 / 恢复提醒)', async () => {
    await w.say(w.wang, w.rooms.shangwu, '暂停提醒');
    expect(await w.prisma.setting.findUnique({ where: { key: 'reminders.paused' } })).toBeNull();
    expect((await w.prisma.outbox.findFirstOrThrow()).text).toContain('只有督办室管理员');
    expect((await w.prisma.inboundMessage.findFirstOrThrow()).error).toMatch(/^PERMISSION_DENIED/);
    await w.say(w.admin, w.admin.id === w.bot.id ? w.rooms.office : w.bot, '暂停提醒');
    expect((await w.prisma.setting.findUniqueOrThrow({ where: { key: 'reminders.paused' } })).value).toBe(true);
    await w.say(w.admin, w.bot, '恢复提醒');
    expect(await w.prisma.setting.findUniqueOrThrow({ where: { key: 'reminders.paused' } })).toMatchObject({ value: false, updatedBy: w.admin.id });
    expect((await w.prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).map((a) => a.action)).toEqual(['reminders.pause', 'reminders.resume']);
  });

  it('binds a group to a unit (绑定) by an admin, after which reports there are answered', async () => {
    await w.say(w.wang, w.rooms.unbound, '绑定 区财政局', true);
    expect(await w.prisma.chatGroup.findUnique({ where: { topic: '区财政局工作群' } })).toBeNull();
    await w.say(w.admin, w.rooms.unbound, '绑定 区财政局', true);
    const g = await w.prisma.chatGroup.findUniqueOrThrow({ where: { topic: '区财政局工作群' }, include: { units: true } });
    expect(g.roomId).toBe(w.rooms.unbound.id);
    expect(g.units.map((u) => u.unitId)).toEqual([w.units.caizheng.id]);
  });

  it('answers 帮助, 我的任务, 逾期, 查询 and a leader’s 本周汇总', async () => {
    await w.say(w.wang, w.rooms.shangwu, '@督办助手 帮助', true);
    await w.say(w.wang, w.bot, '我的任务');
    await w.say(w.wang, w.bot, '逾期');
    await w.say(w.admin, w.bot, '查询 区住建局');
    await w.say(w.wang, w.bot, '查询 区住建局');
    await w.say(w.leader, w.bot, '本周汇总');
    const texts = (await w.prisma.outbox.findMany({ orderBy: { id: 'asc' } })).map((o) => o.text);
    expect(texts[0]).toContain('督办助手用法');
    expect(texts[1]).toMatch(/区商务局未销号任务4项[\s\S]*第3项 强化金融帮扶实体经济/);
    expect(texts[2]).toMatch(/已超过完成时限的任务1项[\s\S]*第2项/);
    expect(texts[3]).toMatch(/区住建局未销号任务1项[\s\S]*第4项/);
    expect(texts[4]).toContain('只有督办室管理员');
    expect(texts[5]).toBeTruthy();
    expect(texts[5]).not.toContain('供牵头领导');
  });

  describe('with the cadence engine', () => {
    let e: ChatWorld;
    beforeEach(async () => {
      await w.close();
      e = await openChatWorld(db, { withEngine: true });
      w = e;
    });

    it('shows and changes cadence settings for admins only', async () => {
      await e.say(e.wang, e.bot, '设置提醒 周调度提醒 09:30');
      await e.say(e.admin, e.bot, '提醒设置');
      await e.say(e.admin, e.bot, '设置提醒 周调度提醒 09:30');
      await e.say(e.admin, e.bot, '设置提醒 周调度提醒 周二');
      await e.say(e.admin, e.bot, '停用提醒 催报');
      await e.say(e.admin, e.bot, '设置提醒 旬会商 周一');
      const texts = (await e.prisma.outbox.findMany({ orderBy: { id: 'asc' } })).map((o) => o.text);
      expect(texts[0]).toContain('只有督办室管理员');
      expect(texts[1]).toMatch(/周调度提醒（weekly_reminder）：每周一 09:00，已启用，下次/);
      expect(texts[2]).toContain('已修改周调度提醒：每周一 09:30');
      expect(texts[3]).toContain('已修改周调度提醒：每周二 09:30');
      expect(texts[4]).toContain('已修改催报');
      expect(texts[4]).toContain('已停用');
      expect(texts[5]).toContain('旬会商不是按周执行的');
      const weekly = await e.prisma.schedule.findUniqueOrThrow({ where: { key: 'weekly_reminder' } });
      expect(weekly.spec).toMatchObject({ time: '09:30', rule: { type: 'weekly', weekday: 2 } });
      expect(weekly.updatedBy).toBe(e.admin.id);
      expect((await e.prisma.schedule.findUniqueOrThrow({ where: { key: 'weekly_chase' } })).enabled).toBe(false);
    });

    it('设置B角 by an admin, 请假 by the contact: reminders @ the B角 until 销假; nobody marks another on leave', async () => {
      await e.say(e.zhao, e.rooms.shangwu, '收到'); // the B角 is known by name only: this teaches the bot their chat id
      await e.say(e.wang, e.bot, '设置B角 王科长 赵干事');
      await e.say(e.admin, e.bot, '设置B角 王科长 赵干事');
      await e.say(e.stranger, e.rooms.shangwu, '请假 王科长');
      await e.say(e.wang, e.rooms.shangwu, '请假');
      const texts = (await e.prisma.outbox.findMany({ orderBy: { id: 'asc' } })).map((o) => o.text);
      expect(texts.slice(-4)).toEqual([
        '只有督办室管理员可以设置B角。',
        '已设置王科长的B角为赵干事：王科长请假期间，提醒将@赵干事。',
        '只能为自己请假；为他人请假请联系督办室管理员。',
        '已登记王科长请假，期间提醒改为@B角赵干事。回来后发送“销假”。',
      ]);
      await e.say(e.admin, e.bot, '立即推送');
      const onLeave = await e.prisma.outbox.findFirstOrThrow({ where: { targetRef: e.rooms.shangwu.id, idempotencyKey: { startsWith: 'weekly_reminder' } } });
      expect(onLeave.mentions).toEqual([e.zhao.id]);

      await e.say(e.wang, e.rooms.shangwu, '销假');
      expect((await e.prisma.person.findUniqueOrThrow({ where: { id: e.pWang.id } })).onLeave).toBe(false);
      const audit = await e.prisma.auditLog.findMany({ where: { entity: 'Person' }, orderBy: { id: 'asc' } });
      expect(audit.map((a) => a.action)).toEqual(['contact.backup', 'contact.leave', 'contact.back']);
    });

    it('pushes reminders now (立即推送) and the reply to the reminder is recorded', async () => {
      await e.say(e.wang, e.bot, '立即推送');
      expect(await e.prisma.outbox.count()).toBe(1);
      await e.say(e.admin, e.bot, '立即推送');
      const reminder = await e.prisma.outbox.findFirstOrThrow({ where: { targetRef: e.rooms.shangwu.id } });
      expect(reminder.mentions).toContain(e.wang.id);
      expect(reminder.text).toContain('第3项');
      await e.flushOutbox();
      expect(e.botMessages.some((b) => b.roomId === e.rooms.shangwu.id && b.text?.startsWith('@王科长'))).toBe(true);
      await e.say(e.wang, e.rooms.shangwu, '第3项已完成60%，存在资金缺口');
      expect(await e.prisma.progressUpdate.findFirstOrThrow()).toMatchObject({ percent: 60, status: 'in_progress', kind: 'report' });
    });
  });
});
