import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/open-database.ts';
import { openChatWorld, openSharedDatabase, type ChatWorld } from './chat-world.ts';

/**
 * Identity only by an admin's word (issue 15 item 1), through the real Wechaty mock puppet: a stranger
 * whose nickname equals a leader's, a contact's or an admin's gets no right, and every attempt is in
 * the audit log; 登记 waits for an admin's 批准; an unknown reporter is answered once and lands in the inbox.
 */
describe('identity by the chat account an admin approved, never by a nickname', () => {
  let db: Database;
  let w: ChatWorld;
  beforeAll(async () => {
    db = await openSharedDatabase('pglite');
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
  const outTo = (ref: string) => w.prisma.outbox.findMany({ where: { targetRef: ref }, orderBy: { id: 'asc' } });
  const denials = (actor: string) => w.prisma.auditLog.findMany({ where: { actor, action: 'access.denied' }, orderBy: { id: 'asc' } });

  it("a stranger named as the leader, a contact or the admin gets nothing, and each attempt is audited", async () => {
    const fakeLeader = w.mocker.createContact({ name: '张副区长' });
    const fakeContact = w.mocker.createContact({ name: '王科长' });
    const fakeAdmin = w.mocker.createContact({ name: '李主任' });
    const room = w.mocker.createRoom({ topic: '区商务局工作群', memberIdList: [w.bot.id, fakeContact.id, fakeAdmin.id] });

    await w.say(fakeLeader, w.bot, '查询 区商务局');
    await w.say(fakeLeader, w.bot, '本周汇总');
    await w.say(fakeContact, w.rooms.shangwu, '第3项已完成80%');
    await w.say(fakeContact, w.rooms.shangwu, '申请销号 测试第3项');
    await w.say(fakeAdmin, w.bot, '暂停提醒');
    await w.say(fakeAdmin, w.rooms.office, '复核 测试第3项');
    await w.say(fakeAdmin, room, '绑定 区商务局', true);
    await w.say(fakeAdmin, w.bot, '批准 登记 1');

    // nothing they said changed the record
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    expect(await w.prisma.taskRequest.count()).toBe(0);
    expect(await w.prisma.setting.count()).toBe(0);
    expect((await w.prisma.assignment.findUniqueOrThrow({ where: { taskId_unitId: { taskId: w.tasks[2]!.id, unitId: w.units.shangwu.id } } })).state).toBe('not_started');
    expect(await w.prisma.person.count({ where: { chatId: { in: [fakeLeader.id, fakeContact.id, fakeAdmin.id] } } })).toBe(0);
    // the fake admin's 绑定 bound nothing (that a same-topic room does not capture the real group's
    // room id is resolve-sender's group matching, tested with the durability work)
    expect(await w.prisma.groupUnit.count()).toBe(2);
    expect(await w.prisma.auditLog.count({ where: { action: 'group.bind' } })).toBe(0);
    // no unit list went to the fake leader
    expect((await outTo(fakeLeader.id)).map((o) => o.text).join('\n')).not.toContain('未销号任务');

    // each refused attempt is one audit line with who and from where
    expect((await denials(fakeLeader.id)).length).toBeGreaterThanOrEqual(1);
    expect((await denials(fakeContact.id)).length).toBe(2);
    expect((await denials(fakeAdmin.id)).length).toBe(4);
    expect((await denials(fakeContact.id))[0]!.after).toMatchObject({ talkerName: '王科长', room: '区商务局工作群' });
  });

  it('an unknown reporter gets one polite answer, not one per message, and waits in the inbox', async () => {
    await w.say(w.stranger, w.rooms.shangwu, '第3项已完成60%');
    await w.say(w.stranger, w.rooms.shangwu, '第4项已完成30%');
    await w.say(w.stranger, w.rooms.shangwu, '第5项已完成10%');
    const answers = (await w.prisma.outbox.findMany()).filter((o) => o.mentions.includes(w.stranger.id));
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).toContain('路人甲不在区商务局的联络人名单中');
    expect(answers[0]!.text).toContain('登记 单位全称 联络员');
    const inbox = await w.prisma.accessRequest.findMany();
    expect(inbox).toMatchObject([{ kind: 'register', status: 'pending', actorId: w.stranger.id, actorName: '路人甲', unitId: w.units.shangwu.id, role: null }]);
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    expect(await denials(w.stranger.id)).toHaveLength(3);
  });

  it('登记 creates a request; only an admin’s 批准 makes the account a contact, who can then report', async () => {
    const newcomer = w.mocker.createContact({ name: '孙丽' });
    await w.say(newcomer, w.rooms.shangwu, '登记 区商务局 联络员', true);
    const req = await w.prisma.accessRequest.findFirstOrThrow();
    expect(req).toMatchObject({ kind: 'register', status: 'pending', actorId: newcomer.id, actorName: '孙丽', unitId: w.units.shangwu.id, role: '联络员', roomTopic: '区商务局工作群' });
    const office = await outTo(w.rooms.office.id);
    expect(office.at(-1)!.text).toContain(`批准 登记 ${req.id}`);
    await w.say(newcomer, w.rooms.shangwu, '登记 区商务局 联络员', true);
    expect(await w.prisma.accessRequest.count()).toBe(1);

    // until approved, a report is not recorded (and not answered twice)
    await w.say(newcomer, w.rooms.shangwu, '第3项已完成60%');
    expect(await w.prisma.progressUpdate.count()).toBe(0);

    // a contact cannot approve; the admin can
    await w.say(w.wang, w.rooms.shangwu, `批准 登记 ${req.id}`);
    expect((await w.prisma.accessRequest.findFirstOrThrow()).status).toBe('pending');
    await w.say(w.admin, w.rooms.office, `批准 登记 ${req.id}`);
    expect(await w.prisma.accessRequest.findFirstOrThrow()).toMatchObject({ status: 'approved', decidedBy: w.admin.id });
    const person = await w.prisma.person.findUniqueOrThrow({ where: { chatId: newcomer.id } });
    expect(person).toMatchObject({ name: '孙丽', kind: 'contact', unitId: w.units.shangwu.id });
    expect(await w.prisma.auditLog.findFirstOrThrow({ where: { action: 'access.register.approve' } })).toMatchObject({ actor: w.admin.id, entity: 'Person', entityId: String(person.id) });
    const told = (await outTo(w.rooms.shangwu.id)).map((o) => o.text);
    expect(told.some((t) => t.includes('督办室已批准您登记为区商务局的联络员'))).toBe(true);

    await w.say(newcomer, w.rooms.shangwu, '第3项已完成60%');
    expect(await w.prisma.progressUpdate.findFirstOrThrow()).toMatchObject({ personId: person.id, percent: 60 });

    // 驳回 needs a reason and tells the asker
    const other = w.mocker.createContact({ name: '钱七' });
    await w.say(other, w.bot, '登记 牵头领导');
    const r2 = await w.prisma.accessRequest.findFirstOrThrow({ where: { actorId: other.id } });
    await w.say(w.admin, w.bot, `驳回 登记 ${r2.id}`);
    expect((await w.prisma.accessRequest.findUniqueOrThrow({ where: { id: r2.id } })).status).toBe('pending');
    await w.say(w.admin, w.bot, `驳回 登记 ${r2.id} 身份无法核实`);
    expect(await w.prisma.accessRequest.findUniqueOrThrow({ where: { id: r2.id } })).toMatchObject({ status: 'rejected', reason: '身份无法核实' });
    expect((await outTo(other.id)).at(-1)!.text).toContain('您的登记申请未通过，理由：身份无法核实');
    expect(await w.prisma.person.count({ where: { chatId: other.id } })).toBe(0);
  });

  it('a bind_group request binds the room to the unit only when an admin approves it', async () => {
    const newRoom = w.mocker.createRoom({ topic: '区财政局工作群', memberIdList: [w.bot.id, w.admin.id] });
    const req = await w.prisma.accessRequest.create({ data: { kind: 'bind_group', actorId: w.admin.id, roomId: newRoom.id, roomTopic: '区财政局工作群', unitId: null, unitName: '区财政局' } });
    await w.say(w.admin, w.bot, `批准 绑定 ${req.id}`);
    expect((await w.prisma.accessRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe('pending');
    await w.say(w.admin, w.bot, `批准 绑定 ${req.id} 区财政局`);
    const g = await w.prisma.chatGroup.findUniqueOrThrow({ where: { roomId: newRoom.id }, include: { units: true } });
    expect(g.units.map((u) => u.unitId)).toEqual([w.units.caizheng.id]);
    expect(await w.prisma.auditLog.findFirstOrThrow({ where: { action: 'access.bind_group.approve' } })).toMatchObject({ actor: w.admin.id, entityId: String(g.id) });
    expect((await outTo(newRoom.id)).at(-1)!.text).toContain('督办室已将本群绑定到区财政局');
  });
});
