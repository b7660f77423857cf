import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/databases.ts';
import { chatWorldPerTest, type ChatWorld } from './chat-world.ts';

/**
 * The kinds of reply beyond a plain report, through the wechaty mock and a real database:
 * "没有新进展" is recorded as a report that changes nothing, a question goes to the admins (office
 * group) and waits in their inbox, a file named for tasks is a report awaiting review (recorded only
 * once an admin confirms it: test/chat/review-replies.test.ts).
 */
describe.each(DB_KINDS)('reply kinds in the chat (%s)', (kind) => {
  let w: ChatWorld;
  chatWorldPerTest(kind, (world) => (w = world));

  const assignmentOf = (i: number) => w.prisma.assignment.findUniqueOrThrow({ where: { taskId_unitId: { taskId: w.tasks[i]!.id, unitId: w.units.shangwu.id } } });
  const outbox = () => w.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
  const lastInbound = () => w.prisma.inboundMessage.findFirstOrThrow({ orderBy: { id: 'desc' } });

  it('records 没有新进展 as a report that keeps the state, and confirms it', async () => {
    await w.say(w.wang, w.rooms.shangwu, '第3项进度滞后，原因是资金未到位');
    await w.clock.advance(7 * 86400_000);
    await w.say(w.wang, w.rooms.shangwu, '第3项本周没有新进展');
    const a = await assignmentOf(2);
    expect(a).toMatchObject({ state: 'lagging', lastReportedAt: w.clock.now() });
    const rows = await w.prisma.progressUpdate.findMany({ orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ taskId: w.tasks[2]!.id, kind: 'report', percent: null, status: null, text: '第3项本周没有新进展' });
    expect((await outbox()).at(-1)!.text).toMatch(/已记录（区商务局）[\s\S]*第3项[\s\S]*本期无新进展（保持滞后）/);
    expect(await lastInbound()).toMatchObject({ status: 'interpreted', error: null });
  });

  it('records 这周没有新进展 naming no task on each of the unit’s open tasks', async () => {
    await w.say(w.wang, w.rooms.shangwu, '这周没有新进展');
    const rows = await w.prisma.progressUpdate.findMany();
    // 区商务局 leads tasks 1, 2, 3 and 5 (4 is 区住建局's)
    expect(rows.map((r) => r.taskId).sort()).toEqual([0, 1, 2, 4].map((i) => w.tasks[i]!.id).sort());
    expect(rows.every((r) => r.percent === null && r.status === null)).toBe(true);
    for (const i of [0, 1, 2, 4]) expect((await assignmentOf(i)).state).toBe('not_started');
  });

  it('forwards a question to the admins instead of “没有看懂”, marked for the admins’ inbox', async () => {
    await w.say(w.wang, w.rooms.shangwu, '第3项的时限能不能延后？');
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    const [reply, notice] = await outbox();
    expect(reply).toMatchObject({ targetKind: 'group', targetRef: w.rooms.shangwu.id });
    expect(reply!.text).toContain('已转督办室');
    expect(reply!.text).not.toContain('没有看懂');
    expect(notice).toMatchObject({ targetKind: 'group', targetRef: w.rooms.office.id });
    const inbound = await lastInbound();
    expect(notice!.text).toContain(`【单位提问】（编号 ${inbound.id}）区商务局 王科长（关于《测试》第3项）：第3项的时限能不能延后？`);
    expect(notice!.text).toContain(`回复“答复 ${inbound.id} 答复内容”`);
    expect(inbound.status).toBe('needs_admin');
    expect(inbound.error).toMatch(/^NEEDS_ADMIN: question forwarded/);
  });

  it('leaves colleagues’ questions in the group alone unless the bot is asked', async () => {
    await w.say(w.wang, w.rooms.shangwu, '这个表怎么填');
    expect(await outbox()).toHaveLength(0);
    expect(await lastInbound()).toMatchObject({ status: 'ignored', error: null });
    await w.say(w.wang, w.rooms.shangwu, '@督办助手 这个表怎么填', true);
    const rows = await outbox();
    expect(rows.map((r) => r.targetRef)).toEqual([w.rooms.shangwu.id, w.rooms.office.id]);
    expect(await lastInbound()).toMatchObject({ status: 'needs_admin', error: expect.stringMatching(/^NEEDS_ADMIN/) });
  });

  /** A file as the wechaty adapter delivers it: saved as "<message id>-<name, unsafe characters as _>". */
  const sendFile = (id: string, name: string) =>
    w.handler.handle(w.incoming({
      id, type: 'file', text: '',
      saveAttachment: async (dir: string) => {
        const file = path.join(dir, `${id}-${name.replace(/[^\w.\-\u4e00-\u9fa5]/g, '_')}`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, '进展材料');
        return file;
      },
    }));

  it('takes a file named for tasks as a report awaiting review (nothing recorded yet), and keeps other files without answering', async () => {
    await sendFile('file-1', '区商务局第2项、第5项进展.docx');
    // nothing is recorded until an admin confirms it in the inbox
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    expect(await assignmentOf(1)).toMatchObject({ state: 'not_started', percent: null, lastReportedAt: null });
    const [reply, notice] = await outbox();
    expect(reply!.text).toContain('的进展材料《区商务局第2项_第5项进展.docx》，已转督办室审阅');
    expect(notice).toMatchObject({ targetRef: w.rooms.office.id });
    const inbound = await lastInbound();
    expect(notice!.text).toContain(`【进展材料待审阅】（编号 ${inbound.id}）区商务局 王科长 报送《测试》第2项、《测试》第5项的进展材料`);
    expect(inbound.attachment).toMatch(/进展\.docx$/);
    expect(inbound.status).toBe('needs_admin');
    expect(inbound.error).toMatch(/^NEEDS_ADMIN: file report awaiting review/);

    await sendFile('file-2', '工作总结.docx');
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    expect(await outbox()).toHaveLength(2);
    expect(await lastInbound()).toMatchObject({ status: 'ignored', error: null });
  });

  it('reads a finished step as progress and only the task’s own completion as 报完成待核', async () => {
    await w.say(w.wang, w.rooms.shangwu, '第5项监理招标已结束，正在深化设计');
    expect((await assignmentOf(4)).state).toBe('in_progress');
    await w.say(w.wang, w.rooms.shangwu, '第5项已全部完成');
    expect((await assignmentOf(4)).state).toBe('reported_done');
    expect((await w.prisma.task.findUniqueOrThrow({ where: { id: w.tasks[4]!.id } })).closedAt).toBeNull();
  });
});
