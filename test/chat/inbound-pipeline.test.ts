import fs from 'node:fs';
import path from 'node:path';
import { FileBox } from 'file-box';
import { beforeEach, describe, expect, it } from 'vitest';
import { listFailedInbound } from '../../src/chat/store-inbound.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS } from '../helpers/databases.ts';
import { chatWorldPerTest, openChatWorld, type ChatWorld } from './chat-world.ts';
import { PNG_1PX } from './test-files.ts';

const photo = () => FileBox.fromBase64(PNG_1PX.toString('base64'), 'site-photo.png');

describe.each(DB_KINDS)('inbound pipeline through the wechaty mock (%s)', (kind) => {
  let w: ChatWorld;
  let db: Database;
  chatWorldPerTest(kind, (world, shared) => {
    w = world;
    db = shared;
  });

  /** The one assignment of `unitId` on task `i` (0-based), as stored. */
  const assignmentOf = (i: number, unitId: number) => w.prisma.assignment.findUniqueOrThrow({ where: { taskId_unitId: { taskId: w.tasks[i]!.id, unitId } } });
  const taskRow = (i: number) => w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[i]!.id } });

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
    // the report lands on 区商务局's own assignment; the task row is the cache derived from it
    expect(await assignmentOf(2, w.units.shangwu.id)).toMatchObject({ state: 'in_progress', percent: 60, lastReportedAt: w.clock.now(), closedAt: null });
    expect(await taskRow(2)).toMatchObject({ percent: 60, status: 'in_progress', lastReportedAt: w.clock.now(), closedAt: null });
    // no other assignment moved
    expect(await w.prisma.assignment.count({ where: { lastReportedAt: { not: null } } })).toBe(1);

    const [reply] = await w.prisma.outbox.findMany();
    expect(reply).toMatchObject({ idempotencyKey: `reply:${inbound!.id}`, targetKind: 'group', targetRef: w.rooms.shangwu.id, mentions: [w.wang.id] });
    expect(reply!.text).toMatch(/已记录（区商务局）[\s\S]*《测试》第3项 强化金融帮扶实体经济：进度60%；推进中；问题：存在资金缺口[\s\S]*更正 第3项 50%/);
    expect(reply!.text).not.toContain('申请销号');

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
    expect(await assignmentOf(0, w.units.shangwu.id)).toMatchObject({ percent: 30, state: 'in_progress' });
    expect((await taskRow(0)).percent).toBe(30);
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
    expect(req.assignmentId).toBe((await assignmentOf(2, w.units.shangwu.id)).id);
  });

  it('does not let a non-contact update a unit task, and says why', async () => {
    await w.say(w.stranger, w.rooms.shangwu, '第3项已完成100%');
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    expect(await assignmentOf(2, w.units.shangwu.id)).toMatchObject({ percent: null, state: 'not_started', lastReportedAt: null });
    expect(await taskRow(2)).toMatchObject({ percent: null, status: 'not_started', lastReportedAt: null });
    const [inbound] = await w.prisma.inboundMessage.findMany();
    expect(inbound!.status).toBe('needs_admin');
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
    expect(await assignmentOf(2, w.units.shangwu.id)).toMatchObject({ percent: null, state: 'not_started', lastReportedAt: null });
    // read against 区住建局's own work only: one question back, naming its own task numbers
    const [reply] = await w.prisma.outbox.findMany();
    expect(reply!.text).toMatch(/^没有找到第3项。本单位的任务是第4项，请核对编号/);
    // the group bound by topic learned its room id
    expect((await w.prisma.chatGroup.findUniqueOrThrow({ where: { topic: '区住建局工作群' } })).roomId).toBe(w.rooms.zhujian.id);
    await w.say(w.liu, w.rooms.zhujian, '第4项推进中，完成40%');
    expect(await assignmentOf(3, w.units.zhujian.id)).toMatchObject({ percent: 40, state: 'in_progress' });
    expect((await taskRow(3)).percent).toBe(40);
  });

  it('a nickname alone never makes anyone a contact: a person registered only by name is refused and not linked', async () => {
    await w.say(w.zhao, w.rooms.shangwu, '第5项已完成');
    const zhao = await w.prisma.person.findFirstOrThrow({ where: { name: '赵干事' } });
    expect(zhao.chatId).toBeNull();
    expect(await w.prisma.person.count({ where: { chatId: w.zhao.id } })).toBe(0);
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    expect(await assignmentOf(4, w.units.shangwu.id)).toMatchObject({ state: 'not_started', percent: null, lastReportedAt: null });
    expect((await taskRow(4)).status).toBe('not_started');
    const [inbound] = await w.prisma.inboundMessage.findMany();
    expect(inbound).toMatchObject({ status: 'needs_admin', talkerId: w.zhao.id });
    expect(inbound!.error).toMatch(/^PERMISSION_DENIED/);
    const [reply] = await w.prisma.outbox.findMany();
    expect(reply!.text).toContain('赵干事不在区商务局的联络人名单中');
  });

  it('records 第5项已完成 as a completion claim awaiting 复核, never as a closure', async () => {
    await w.say(w.wang, w.rooms.shangwu, '第5项已完成');
    expect(await w.prisma.progressUpdate.findFirstOrThrow()).toMatchObject({ personId: w.pWang.id, taskId: w.tasks[4]!.id, status: 'done' });
    expect(await assignmentOf(4, w.units.shangwu.id)).toMatchObject({ state: 'reported_done', closedAt: null, lastReportedAt: w.clock.now() });
    expect(await taskRow(4)).toMatchObject({ status: 'done', closedAt: null });
    const [reply] = await w.prisma.outbox.findMany();
    expect(reply!.text).toContain('《测试》第5项 开展消费促进活动：报完成待核');
    expect(reply!.text).toContain('请发送“申请销号 测试第5项”并附佐证照片或文件');
    expect(await w.prisma.taskRequest.count()).toBe(0);
    expect(await w.prisma.auditLog.count()).toBe(0);
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
    expect((await assignmentOf(0, w.units.shangwu.id)).percent).toBe(20);
    expect((await assignmentOf(3, w.units.zhujian.id)).percent).toBe(45);
    const replies = await w.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(replies.map((r) => [r.targetRef, r.mentions])).toEqual([[all.id, [w.wang.id]], [all.id, [w.liu.id]]]);
  });

  it("lets a B角 registered only as a contact's backup report for that unit", async () => {
    const backup = w.mocker.createContact({ name: '孙助理' });
    const b = await w.prisma.person.create({ data: { name: '孙助理', kind: 'contact', chatId: backup.id } });
    await w.prisma.person.update({ where: { id: w.pWang.id }, data: { backupId: b.id, onLeave: true } });
    await w.say(backup, w.rooms.shangwu, '第1项完成35%');
    expect(await w.prisma.progressUpdate.findFirstOrThrow()).toMatchObject({ unitId: w.units.shangwu.id, personId: b.id, percent: 35 });
    expect(await assignmentOf(0, w.units.shangwu.id)).toMatchObject({ percent: 35, state: 'in_progress', lastReportedAt: w.clock.now() });
  });

  it('recognises neither of two unlinked people of the same name, whatever group they write in', async () => {
    const twin = w.mocker.createContact({ name: '陈晨' });
    await w.prisma.person.create({ data: { name: '陈晨', kind: 'contact', unitId: w.units.shangwu.id } });
    await w.prisma.person.create({ data: { name: '陈晨', kind: 'contact', unitId: w.units.zhujian.id } });
    await w.say(twin, w.rooms.shangwu, '第2项推进中');
    expect(await w.prisma.person.count({ where: { chatId: twin.id } })).toBe(0);
    expect((await w.prisma.person.findMany({ where: { name: '陈晨' } })).map((p) => p.chatId)).toEqual([null, null]);
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    expect(await assignmentOf(1, w.units.shangwu.id)).toMatchObject({ state: 'not_started', lastReportedAt: null });
    const [inbound] = await w.prisma.inboundMessage.findMany();
    expect(inbound!.status).toBe('needs_admin');
    expect(inbound!.error).toMatch(/^PERMISSION_DENIED/);
    expect((await w.prisma.outbox.findFirstOrThrow()).text).toContain('陈晨不在区商务局的联络人名单中');
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
    expect(receipts.every((r) => r.unitId === w.units.shangwu.id && r.personId === w.pWang.id)).toBe(true);
    // 签收 on each of 区商务局's assignments, not on 区住建局's; a receipt is not a progress report
    const assignments = await w.prisma.assignment.findMany({ orderBy: { id: 'asc' } });
    expect(assignments.map((a) => [a.unitId, a.receivedAt?.toISOString() ?? null, a.lastReportedAt, a.state])).toEqual(
      w.tasks.map((_, i) => (i === 3 ? [w.units.zhujian.id, null, null, 'not_started'] : [w.units.shangwu.id, w.clock.now().toISOString(), null, 'not_started'])),
    );
    expect(await w.prisma.task.count({ where: { lastReportedAt: { not: null } } })).toBe(0);
    expect(await w.prisma.outbox.count()).toBe(0);
    await w.say(w.wang, w.rooms.shangwu, '第3项完成60%');
    await w.say(w.wang, w.rooms.shangwu, '更正 第3项 50%');
    const correction = await w.prisma.progressUpdate.findFirstOrThrow({ where: { kind: 'correction' } });
    expect(correction.percent).toBe(50);
    expect((await assignmentOf(2, w.units.shangwu.id)).percent).toBe(50);
    expect((await taskRow(2)).percent).toBe(50);
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
    expect(toOffice.text).toContain('申请《测试》第3项 强化金融帮扶实体经济销号');
    expect(toOffice.text).toContain('回复“复核 测试第3项”通过');
    // 申请销号 is a claim: the assignment waits in 报完成待核, nothing is closed yet
    const a = await assignmentOf(2, w.units.shangwu.id);
    expect(req.assignmentId).toBe(a.id);
    expect(a).toMatchObject({ state: 'reported_done', closedAt: null });
    expect(await taskRow(2)).toMatchObject({ status: 'done', closedAt: null });

    // a unit contact cannot approve their own request
    await w.say(w.wang, w.rooms.shangwu, '复核 测试第3项');
    expect((await assignmentOf(2, w.units.shangwu.id)).state).toBe('reported_done');
    expect((await taskRow(2)).status).not.toBe('closed');
    expect((await w.prisma.taskRequest.findFirstOrThrow()).status).toBe('pending');

    await w.say(w.admin, w.rooms.office, '复核 测试第3项');
    expect(await assignmentOf(2, w.units.shangwu.id)).toMatchObject({ state: 'closed', percent: 100, closedAt: w.clock.now() });
    const task = await taskRow(2);
    expect(task).toMatchObject({ status: 'closed', percent: 100, closedAt: w.clock.now() });
    expect(await w.prisma.taskRequest.findFirstOrThrow()).toMatchObject({ status: 'approved', decidedBy: w.admin.id });
    const audit = (await w.prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).map((x) => [x.action, x.entity]);
    // the contact's refused 复核 is audited too
    expect(audit).toEqual([['request.close', 'Assignment'], ['request.evidence', 'TaskRequest'], ['access.denied', 'InboundMessage'], ['request.approve', 'TaskRequest'], ['assignment.close', 'Assignment']]);
    const toUnit = await w.prisma.outbox.findMany({ where: { targetRef: w.rooms.shangwu.id } });
    expect(toUnit.some((o) => o.text.includes('督办室已通过《测试》第3项 强化金融帮扶实体经济的销号申请'))).toBe(true);
    await w.flushOutbox();
    expect(w.botMessages.some((b) => b.roomId === w.rooms.shangwu.id && b.text?.includes('任务整体销号'))).toBe(true);
  });

  it('attaches a photo sent just before 申请销号 too, and lets an admin return it (退办)', async () => {
    await w.say(w.wang, w.rooms.shangwu, photo());
    await w.clock.advance(2 * 60_000);
    await w.say(w.wang, w.rooms.shangwu, '申请销号 第1项');
    expect((await w.prisma.taskRequest.findFirstOrThrow()).evidence).toHaveLength(1);
    expect(await assignmentOf(0, w.units.shangwu.id)).toMatchObject({ state: 'reported_done' }); // before the decision
    await w.say(w.admin, w.rooms.office, '退办 1 佐证材料不全，请补充验收报告');
    expect(await w.prisma.taskRequest.findFirstOrThrow()).toMatchObject({ status: 'returned', decision: '佐证材料不全，请补充验收报告' });
    // 退办 puts the unit's assignment back 推进中; nothing closed
    expect(await assignmentOf(0, w.units.shangwu.id)).toMatchObject({ state: 'in_progress', closedAt: null });
    expect(await taskRow(0)).toMatchObject({ status: 'in_progress', closedAt: null });
    expect((await w.prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).map((x) => [x.action, x.entity])).toEqual([
      ['request.close', 'Assignment'], ['request.return', 'TaskRequest'], ['assignment.reopen', 'Assignment'],
    ]);
    const toUnit = await w.prisma.outbox.findFirstOrThrow({ where: { targetRef: w.rooms.shangwu.id, text: { startsWith: '督办室退回' } } });
    expect(toUnit.text).toContain('佐证材料不全，请补充验收报告');
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
    expect((await w.prisma.outbox.findFirstOrThrow({ where: { targetRef: w.rooms.office.id } })).text).toContain('回复“复核 测试第2项”同意');
    await w.say(w.admin, w.rooms.office, '复核 测试第2项');
    const task = await taskRow(1);
    expect(task.deadline!.toISOString().slice(0, 10)).toBe('2026-08-31');
    expect((await w.prisma.taskRequest.findFirstOrThrow()).status).toBe('approved');
    // an extension changes the deadline, not the unit's work
    expect(await assignmentOf(1, w.units.shangwu.id)).toMatchObject({ state: 'not_started', closedAt: null });
    expect((await w.prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).map((a) => [a.action, a.entity])).toEqual([
      ['request.extension', 'Task'], ['request.approve', 'TaskRequest'], ['task.extend', 'Task'],
    ]);
  });

  it('transfers a task to another unit (转办) and tells that unit', async () => {
    await w.say(w.stranger, w.rooms.shangwu, '转办 5 区住建局');
    expect(await w.prisma.taskRequest.count()).toBe(0);
    expect(await w.prisma.assignment.count({ where: { taskId: w.tasks[4]!.id, unitId: w.units.shangwu.id } })).toBe(1);
    const before = await assignmentOf(4, w.units.shangwu.id);
    await w.say(w.admin, w.rooms.office, '转办 5 住建局');
    // the unit's assignment moves; the document's record (TaskUnit) stays as imported
    const moved = await w.prisma.assignment.findMany({ where: { taskId: w.tasks[4]!.id } });
    expect(moved.map((a) => [a.id, a.unitId, a.role])).toEqual([[before.id, w.units.zhujian.id, 'lead']]);
    const units = await w.prisma.taskUnit.findMany({ where: { taskId: w.tasks[4]!.id } });
    expect(units.map((u) => u.unitId)).toEqual([w.units.shangwu.id]);
    expect(await w.prisma.taskRequest.findFirstOrThrow()).toMatchObject({
      kind: 'transfer', status: 'approved', unitId: w.units.shangwu.id, toUnitId: w.units.zhujian.id, assignmentId: before.id, decidedBy: w.admin.id,
    });
    expect(await w.prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).toMatchObject([{ action: 'access.denied', actor: w.stranger.id }, { action: 'assignment.transfer', entity: 'Assignment', entityId: String(before.id) }]);
    const notice = await w.prisma.outbox.findFirstOrThrow({ where: { text: { startsWith: '【转办】' } } });
    expect(notice.targetRef).toBe('区住建局工作群');
    expect(notice.text).toContain('《测试》第5项 开展消费促进活动');

    // from now on the task is 区住建局's to report on, and no longer 区商务局's
    await w.say(w.liu, w.rooms.zhujian, '第5项完成10%');
    expect(await assignmentOf(4, w.units.zhujian.id)).toMatchObject({ percent: 10, state: 'in_progress' });
    await w.say(w.wang, w.rooms.shangwu, '第5项完成90%');
    expect((await w.prisma.progressUpdate.findMany()).map((u) => [u.unitId, u.percent])).toEqual([[w.units.zhujian.id, 10]]);
  });

  it('a 转办 starts the new unit afresh: the old unit\'s progress and pending 销号 request stay behind', async () => {
    await w.say(w.wang, w.rooms.shangwu, '第1项完成60%');
    await w.say(w.wang, w.rooms.shangwu, '申请销号 第1项');
    await w.say(w.admin, w.rooms.office, '转办 1 区住建局');
    expect(await assignmentOf(0, w.units.zhujian.id)).toMatchObject({ state: 'not_started', percent: null, lastReportedAt: null });
    expect(await w.prisma.taskRequest.count({ where: { kind: 'close', status: 'pending' } })).toBe(0);
    await w.say(w.admin, w.rooms.office, '复核 1');
    expect(await assignmentOf(0, w.units.zhujian.id)).toMatchObject({ state: 'not_started' });
    expect((await taskRow(0)).status).toBe('not_started');
  });

  it('a report that takes the completion claim back withdraws the pending 销号 request; 复核 then has nothing to approve', async () => {
    await w.say(w.wang, w.rooms.shangwu, '申请销号 第1项');
    expect((await assignmentOf(0, w.units.shangwu.id)).state).toBe('reported_done');
    await w.say(w.wang, w.rooms.shangwu, '第1项完成80%，还差验收');
    expect(await assignmentOf(0, w.units.shangwu.id)).toMatchObject({ state: 'in_progress', percent: 80 });
    expect(await w.prisma.taskRequest.findFirstOrThrow()).toMatchObject({ kind: 'close', status: 'returned' });
    expect((await w.prisma.outbox.findMany({ orderBy: { id: 'desc' }, take: 1 }))[0]!.text).toContain('原销号申请已撤回');
    await w.say(w.admin, w.rooms.office, '复核 测试第1项');
    expect((await assignmentOf(0, w.units.shangwu.id)).state).toBe('in_progress');
    expect((await taskRow(0)).closedAt).toBeNull();
  });

  it('when the lead unit\'s 销号 closes a shared task, the responsible unit\'s part closes with it and is no longer listed', async () => {
    await w.prisma.assignment.create({ data: { taskId: w.tasks[2]!.id, unitId: w.units.zhujian.id, role: 'responsible' } });
    await w.say(w.wang, w.rooms.shangwu, '申请销号 第3项');
    await w.say(w.admin, w.rooms.office, '复核 测试第3项');
    expect((await taskRow(2)).status).toBe('closed');
    expect(await assignmentOf(2, w.units.zhujian.id)).toMatchObject({ state: 'closed' });
    await w.say(w.liu, w.rooms.zhujian, '我的任务');
    const list = (await w.prisma.outbox.findMany({ orderBy: { id: 'desc' }, take: 1 }))[0]!.text;
    expect(list).not.toContain('第3项');
    expect(list).toContain('《测试》第4项');
  });

  it('with tasks in two plans, a report that names no task is asked about, not recorded on a guess', async () => {
    const other = await w.prisma.plan.create({ data: { sourceDocument: 'other.docx', title: '2026年营商环境优化提升行动方案', mechanisms: [] } });
    await w.prisma.task.create({ data: { planId: other.id, no: '7', seq: 7, title: '优化涉企服务', text: '优化涉企服务。', assignments: { create: [{ role: 'lead', unitId: w.units.shangwu.id }] } } });
    await w.say(w.wang, w.rooms.shangwu, '本周已完成60%，存在资金缺口');
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    expect((await w.prisma.outbox.findFirstOrThrow()).text).toMatch(/^请问这是哪一项任务的进展？本单位有2个方案的任务/);
    await w.say(w.wang, w.rooms.shangwu, '进展 营商环境优化提升7 完成60%');
    const [u] = await w.prisma.progressUpdate.findMany();
    expect(u).toMatchObject({ percent: 60 });
    expect((await w.prisma.task.findUniqueOrThrow({ where: { id: u!.taskId } })).planId).toBe(other.id);
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
    expect((await w.prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).map((a) => a.action)).toEqual(['access.denied', 'reminders.pause', 'reminders.resume']);
  });

  it('binds a group to a unit (绑定) by an admin, after which reports there are answered', async () => {
    await w.say(w.wang, w.rooms.unbound, '绑定 区财政局', true);
    expect(await w.prisma.chatGroup.findUnique({ where: { topic: '区财政局工作群' } })).toBeNull();
    await w.say(w.admin, w.rooms.unbound, '绑定 区财政局', true);
    const g = await w.prisma.chatGroup.findUniqueOrThrow({ where: { topic: '区财政局工作群' }, include: { units: true } });
    expect(g.roomId).toBe(w.rooms.unbound.id);
    expect(g.units.map((u) => u.unitId)).toEqual([w.units.caizheng.id]);
  });

  it('closes a shared task only when its lead unit’s own 销号 is approved; a responsible unit closes only its part', async () => {
    await w.prisma.assignment.create({ data: { taskId: w.tasks[2]!.id, unitId: w.units.zhujian.id, role: 'responsible' } });
    // each unit reports on its own part
    await w.say(w.liu, w.rooms.zhujian, '第3项完成40%');
    expect(await assignmentOf(2, w.units.zhujian.id)).toMatchObject({ percent: 40, state: 'in_progress' });
    expect(await assignmentOf(2, w.units.shangwu.id)).toMatchObject({ percent: null, state: 'not_started' });

    await w.say(w.liu, w.rooms.zhujian, '申请销号 第3项 住建部分已完成');
    await w.say(w.wang, w.rooms.shangwu, '申请销号 第3项');
    expect((await w.prisma.taskRequest.findMany({ orderBy: { id: 'asc' } })).map((r) => [r.unitId, r.status])).toEqual([
      [w.units.zhujian.id, 'pending'], [w.units.shangwu.id, 'pending'],
    ]);
    // two pending requests on one task: the admin must name the unit, and nothing changes until then
    await w.say(w.admin, w.rooms.office, '复核 测试第3项');
    expect((await w.prisma.outbox.findMany({ where: { targetRef: w.rooms.office.id }, orderBy: { id: 'desc' }, take: 1 }))[0]!.text).toMatch(/该任务有2个待复核申请[\s\S]*复核 测试第3项 区商务局/);
    expect(await w.prisma.taskRequest.count({ where: { status: 'pending' } })).toBe(2);

    await w.say(w.admin, w.rooms.office, '复核 测试第3项 区住建局');
    expect(await assignmentOf(2, w.units.zhujian.id)).toMatchObject({ state: 'closed', percent: 100, closedAt: w.clock.now() });
    expect(await assignmentOf(2, w.units.shangwu.id)).toMatchObject({ state: 'reported_done', closedAt: null });
    expect(await taskRow(2)).toMatchObject({ status: 'done', closedAt: null });
    expect((await w.prisma.taskRequest.findMany({ orderBy: { id: 'asc' } })).map((r) => r.status)).toEqual(['approved', 'pending']);
    const toZhujian = await w.prisma.outbox.findFirstOrThrow({ where: { targetRef: w.rooms.zhujian.id, text: { startsWith: '督办室已通过' } } });
    expect(toZhujian.text).toContain('区住建局承担部分已销号（任务其余责任单位仍在办理）');
    // 区商务局 still has the task open; 区住建局 does not
    expect((await w.prisma.assignment.findMany({ where: { taskId: w.tasks[2]!.id, state: { not: 'closed' } } })).map((a) => a.unitId)).toEqual([w.units.shangwu.id]);

    await w.clock.advance(60_000);
    await w.say(w.admin, w.rooms.office, '复核 测试第3项 区商务局');
    expect(await assignmentOf(2, w.units.shangwu.id)).toMatchObject({ state: 'closed', percent: 100, closedAt: w.clock.now() });
    expect(await taskRow(2)).toMatchObject({ status: 'closed', percent: 100, closedAt: w.clock.now() });
    expect((await w.prisma.taskRequest.findMany({ orderBy: { id: 'asc' } })).map((r) => r.status)).toEqual(['approved', 'approved']);
    expect((await w.prisma.auditLog.findMany({ where: { action: 'assignment.close' }, orderBy: { id: 'asc' } })).map((a) => a.entityId)).toEqual([
      String((await assignmentOf(2, w.units.zhujian.id)).id), String((await assignmentOf(2, w.units.shangwu.id)).id),
    ]);
  });

  it('reads “第3项专项债项目已完成申报” as progress on a step, not as a completion claim', async () => {
    await w.say(w.wang, w.rooms.shangwu, '第3项专项债项目已完成申报');
    const [u] = await w.prisma.progressUpdate.findMany();
    expect(u).toMatchObject({ taskId: w.tasks[2]!.id, unitId: w.units.shangwu.id, personId: w.pWang.id, kind: 'report' });
    expect(u!.status).not.toBe('done');
    const a = await assignmentOf(2, w.units.shangwu.id);
    expect(a).toMatchObject({ state: 'in_progress', lastReportedAt: w.clock.now(), closedAt: null });
    expect(a.percent).not.toBe(100);
    expect((await taskRow(2)).status).toBe('in_progress');
    const [reply] = await w.prisma.outbox.findMany();
    expect(reply!.text).toContain('已记录（区商务局）');
    expect(reply!.text).not.toContain('报完成待核');
    expect(reply!.text).not.toContain('申请销号');
  });

  it('does not take a stranger whose display name is the leader’s for the leader', async () => {
    const fake = w.mocker.createContact({ name: '张副区长' });
    await w.say(fake, w.bot, '查询 区商务局');
    await w.say(w.leader, w.bot, '查询 区商务局');
    const texts = (await w.prisma.outbox.findMany({ orderBy: { id: 'asc' } })).map((o) => [o.targetRef, o.text]);
    expect(texts[0]).toEqual([fake.id, '只有督办室管理员和牵头领导可以查询其他单位。']);
    // the registered leader, by chat identity, may query
    expect(texts[1]![0]).toBe(w.leader.id);
    expect(texts[1]![1]).toMatch(/^区商务局未销号任务4项/);
    const inbound = await w.prisma.inboundMessage.findMany({ orderBy: { id: 'asc' } });
    expect(inbound.map((m) => [m.talkerId, m.status])).toEqual([[fake.id, 'ignored'], [w.leader.id, 'interpreted']]);
    expect(inbound[0]!.error).toMatch(/^PERMISSION_DENIED/);
    expect(await w.prisma.person.count({ where: { chatId: fake.id } })).toBe(0);
    expect((await w.prisma.person.findFirstOrThrow({ where: { name: '张副区长' } })).chatId).toBe(w.leader.id);
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
    expect(texts[1]).toMatch(/区商务局未销号任务4项[\s\S]*《测试》第3项 强化金融帮扶实体经济/);
    expect(texts[2]).toMatch(/已超过完成时限的任务1项[\s\S]*《测试》第2项/);
    expect(texts[3]).toMatch(/区住建局未销号任务1项[\s\S]*《测试》第4项/);
    expect(texts[4]).toContain('只有督办室管理员');
    // Short lists come as text alone, the whole list in it (a long one also comes as a picture: leader-stories).
    expect(texts).toHaveLength(6);
    expect(texts[2]!.split('\n')).toHaveLength(2);
    for (const i of [1, 2, 3]) expect((await w.prisma.outbox.findMany({ orderBy: { id: 'asc' } }))[i]!.attachment).toBeNull();
    expect(texts[5]).toBeTruthy();
    expect(texts[5]).not.toContain('供牵头领导');
    // The chat answer is text only: the report renderers (PNG, docx, xlsx) stay off the chat path.
    expect((await w.prisma.outbox.findMany({ orderBy: { id: 'asc' } }))[5]!.attachment).toBeNull();
    expect(fs.readdirSync(w.dataDir)).not.toContain('reports');
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
      // the B角 is known by name only: speaking in the group does not teach the bot their chat id
      await e.say(e.zhao, e.rooms.shangwu, '收到');
      expect((await e.prisma.person.findFirstOrThrow({ where: { name: '赵干事' } })).chatId).toBeNull();
      expect(await e.prisma.assignment.count({ where: { receivedAt: { not: null } } })).toBe(0);
      await e.say(e.wang, e.bot, '设置B角 王科长 赵干事');
      await e.say(e.admin, e.bot, '设置B角 王科长 赵干事');
      await e.say(e.stranger, e.rooms.shangwu, '请假 王科长');
      await e.say(e.wang, e.rooms.shangwu, '请假');
      await e.say(e.wang, e.rooms.shangwu, '销假');
      // an admin registers the B角's WeChat identity in the directory; now reminders can reach them
      await e.prisma.person.updateMany({ where: { name: '赵干事' }, data: { chatId: e.zhao.id } });
      await e.say(e.wang, e.rooms.shangwu, '请假');
      const texts = (await e.prisma.outbox.findMany({ orderBy: { id: 'asc' } })).map((o) => o.text);
      expect(texts.slice(-6)).toEqual([
        '只有督办室管理员可以设置B角。',
        '已设置王科长的B角为赵干事：王科长请假期间，提醒将@赵干事。',
        '只能为自己请假；为他人请假请联系督办室管理员。',
        '已登记王科长请假，但B角赵干事尚未登记账号，提醒仍@王科长。请管理员在通讯录中登记B角的账号，或发送“设置B角 王科长 姓名”。',
        '已为王科长销假，提醒恢复@王科长。',
        '已登记王科长请假，期间提醒改为@B角赵干事。回来后发送“销假”。',
      ]);
      await e.say(e.admin, e.bot, '立即推送');
      const onLeave = await e.prisma.outbox.findFirstOrThrow({ where: { targetRef: e.rooms.shangwu.id, idempotencyKey: { startsWith: 'weekly_reminder' } } });
      expect(onLeave.mentions).toEqual([e.zhao.id]);

      await e.say(e.wang, e.rooms.shangwu, '销假');
      expect((await e.prisma.person.findUniqueOrThrow({ where: { id: e.pWang.id } })).onLeave).toBe(false);
      const audit = await e.prisma.auditLog.findMany({ where: { entity: 'Person' }, orderBy: { id: 'asc' } });
      expect(audit.map((a) => a.action)).toEqual(['contact.backup', 'contact.leave', 'contact.back', 'contact.leave', 'contact.back']);
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
      expect(await e.prisma.assignment.findUniqueOrThrow({ where: { taskId_unitId: { taskId: e.tasks[2]!.id, unitId: e.units.shangwu.id } } }))
        .toMatchObject({ percent: 60, state: 'in_progress', lastReportedAt: e.clock.now() });
    });
  });
});
