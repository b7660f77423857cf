import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/databases.ts';
import { chatWorldPerTest, type ChatWorld } from './chat-world.ts';

/**
 * 申请转办: a unit asks for its part of a task to go to another unit; nothing moves until an admin
 * decides. 退办 returns it with a reason; 复核 (as the console's 通过 does) is the 转办 itself.
 */
describe.each(DB_KINDS)('转办 requests from a unit (%s)', (kind) => {
  let w: ChatWorld;
  chatWorldPerTest(kind, (world) => (w = world));

  const outbox = () => w.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
  const requests = () => w.prisma.taskRequest.findMany({ where: { kind: 'transfer' }, orderBy: { id: 'asc' } });
  const partsOf3 = async () => (await w.prisma.assignment.findMany({ where: { taskId: w.tasks[2]!.id } })).map((a) => a.unitId);

  it('waits for an admin: 退办 returns it with a reason, 复核 moves the part and tells both units', async () => {
    await w.say(w.wang, w.rooms.shangwu, '申请转办 第3项 区住建局');
    expect((await outbox()).at(-1)!.text).toBe('请说明转办原因：申请转办 测试第3项 区住建局 原因。');
    expect(await requests()).toHaveLength(0);

    await w.say(w.wang, w.rooms.shangwu, '申请转办 第3项 区住建局 征收工作由住建局负责');
    const [req] = await requests();
    expect(req).toMatchObject({ status: 'pending', unitId: w.units.shangwu.id, toUnitId: w.units.zhujian.id, reason: '征收工作由住建局负责', requestedBy: w.wang.id });
    expect(await partsOf3()).toEqual([w.units.shangwu.id]);
    const notice = (await outbox()).find((o) => o.text.startsWith('【转办申请】'))!;
    expect(notice).toMatchObject({ targetRef: w.rooms.office.id });
    expect(notice.text).toContain('区商务局 王科长 申请将《测试》第3项 强化金融帮扶实体经济转由区住建局办理');
    await w.say(w.wang, w.rooms.shangwu, '申请转办 第3项 区住建局 再申请一次');
    expect((await outbox()).at(-1)!.text).toContain('已有待复核的转办申请');

    await w.say(w.admin, w.rooms.office, '退办 第3项 区商务局 征收补偿仍由商务局牵头');
    expect((await requests())[0]).toMatchObject({ status: 'returned', decidedBy: w.admin.id, decision: '征收补偿仍由商务局牵头' });
    expect(await partsOf3()).toEqual([w.units.shangwu.id]);
    const back = (await outbox()).find((o) => o.targetRef === w.rooms.shangwu.id && o.text.startsWith('督办室退回了'))!;
    expect(back.text).toBe('督办室退回了《测试》第3项 强化金融帮扶实体经济的转办申请，原因：征收补偿仍由商务局牵头。请按要求补充后重新申请。');
    expect(back.mentions).toEqual([w.wang.id]);

    await w.say(w.wang, w.rooms.shangwu, '申请转办 第3项 区住建局 已与住建局协商一致');
    await w.say(w.admin, w.rooms.office, '复核 第3项');
    const rows = await requests();
    expect(rows).toHaveLength(2); // the request is the record of the 转办: no second row
    expect(rows[1]).toMatchObject({ status: 'approved', decidedBy: w.admin.id, decision: '转办至区住建局' });
    expect(await partsOf3()).toEqual([w.units.zhujian.id]);
    const texts = (await outbox()).map((o) => [o.targetRef, o.text] as const);
    expect(texts.some(([to, t]) => to === w.rooms.shangwu.id && t === '督办室已同意《测试》第3项 强化金融帮扶实体经济的转办申请：改由区住建局办理。')).toBe(true);
    expect(texts.some(([to, t]) => to !== w.rooms.shangwu.id && t.startsWith('【转办】督办室将《测试》第3项'))).toBe(true);
    expect(await w.prisma.auditLog.count({ where: { action: { in: ['request.transfer', 'request.return', 'request.approve', 'assignment.transfer'] } } })).toBe(5);
  });
});
