import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { createTurn } from '../../src/chat/chat-turn.ts';
import { resolveSender } from '../../src/chat/resolve-sender.ts';
import { botReading, dismissWaiting, loadOrigin, recordReviewed, reviewReason } from '../../src/chat/review-replies.ts';
import { storeInbound } from '../../src/chat/store-inbound.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { createPrismaWorkStore } from '../../src/store/prisma-work-store.ts';
import { DB_KINDS } from '../helpers/databases.ts';
import { chatWorldPerTest, type ChatWorld } from './chat-world.ts';

/**
 * The admins' side of the replies the bot was unsure of, through the wechaty mock and a real
 * database: each waits as `needs_admin` with nothing recorded; 答复 in the office group reaches the
 * asker's group; confirm / correct / assign record it as the chat would and tell the unit's group;
 * dismiss keeps the reason; a message is handled once.
 */
describe.each(DB_KINDS)('reviewing unsure replies (%s)', (kind) => {
  let w: ChatWorld;
  chatWorldPerTest(kind, (world) => (w = world));

  const lastInbound = () => w.prisma.inboundMessage.findFirstOrThrow({ orderBy: { id: 'desc' } });
  const outbox = () => w.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
  const assignmentOf = (i: number) => w.prisma.assignment.findUniqueOrThrow({ where: { taskId_unitId: { taskId: w.tasks[i]!.id, unitId: w.units.shangwu.id } } });
  let n = 0;
  /** The admin's turn as the console makes it: a stored message of the admin's, the chat's own turn. */
  async function adminTurn(text = '（管理后台操作）') {
    const m = w.incoming({ id: `admin-${++n}`, roomId: w.rooms.office.id, roomTopic: '督办室工作群', talkerId: w.admin.id, talkerName: '李主任', text });
    const stored = (await storeInbound(w.prisma, m, w.clock.now()))!;
    const work = createPrismaWorkStore(w.prisma);
    const sender = await resolveSender(w.prisma, work, m, [], w.clock.now());
    const deps = { prisma: w.prisma, work, clock: w.clock, calendar: createCalendar({}), logger: silentLogger, dataDir: w.dataDir, admins: [], botName: '督办助手' };
    return createTurn(deps, m, stored.id, sender);
  }

  it('an admin answers a forwarded question with 答复 <编号> in the office group; the asker’s group hears it, once', async () => {
    await w.say(w.wang, w.rooms.shangwu, '第3项的时限能不能延后？');
    const q = await lastInbound();
    expect(q).toMatchObject({ status: 'needs_admin', handledAt: null });
    expect(reviewReason(q.error)).toBe('question');
    // a contact cannot answer on the office's behalf
    await w.say(w.wang, w.rooms.shangwu, `答复 ${q.id} 不行`);
    expect((await outbox()).at(-1)!.text).toContain('只有督办室管理员');
    expect((await w.prisma.inboundMessage.findUniqueOrThrow({ where: { id: q.id } })).status).toBe('needs_admin');

    // 待办 in the office group lists it with the 编号 that 答复 takes
    await w.say(w.admin, w.rooms.office, '待办');
    expect((await outbox()).at(-1)!.text).toContain(`待督办室处理的回复1条：\n· 编号${q.id}【单位提问】区商务局王科长：第3项的时限能不能延后？`);
    await w.clock.advance(3600_000);
    await w.say(w.admin, w.rooms.office, `答复 ${q.id} 可以，请按程序提出延期申请`);
    const rows = await outbox();
    const answer = rows.find((r) => r.text.startsWith('【督办室答复】'))!;
    expect(answer).toMatchObject({ targetKind: 'group', targetRef: w.rooms.shangwu.id, mentions: [w.wang.id] });
    expect(answer.text).toBe('【督办室答复】王科长您好，您的问题“第3项的时限能不能延后？”，督办室答复：可以，请按程序提出延期申请');
    expect(answer.idempotencyKey).toMatch(/^notify:\d+:answer$/);
    expect(rows.find((r) => r.text.includes('已将答复转告王科长'))).toMatchObject({ targetRef: w.rooms.office.id });
    expect(await w.prisma.inboundMessage.findUniqueOrThrow({ where: { id: q.id } })).toMatchObject({ status: 'interpreted', handledBy: w.admin.id, handledAt: w.clock.now(), handling: '答复：可以，请按程序提出延期申请' });
    expect(await w.prisma.auditLog.findFirst({ where: { action: 'reply.answer', entityId: String(q.id) } })).toMatchObject({ actor: w.admin.id });
    await w.flushOutbox();
    expect(w.botMessages.some((b) => b.roomId === w.rooms.shangwu.id && b.text?.includes('督办室答复：可以'))).toBe(true);

    // a second answer finds it handled and sends nothing to the unit
    const before = (await outbox()).length;
    await w.say(w.admin, w.rooms.office, `答复 ${q.id} 再说一遍`);
    const after = await outbox();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)!.text).toContain('已处理');
  });

  it('confirms a file named for tasks as the bot read it: recorded for the unit, dated when it was sent, the group told', async () => {
    const sentAt = w.clock.now();
    await w.handler.handle(w.incoming({
      id: 'file-1', type: 'file', text: '',
      saveAttachment: async (dir: string) => {
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, 'file-1-区商务局第2项、第5项进展.docx');
        fs.writeFileSync(file, '进展材料');
        return file;
      },
    }));
    const msg = await lastInbound();
    expect(msg.status).toBe('needs_admin');
    expect(await w.prisma.progressUpdate.count()).toBe(0);
    const origin = (await loadOrigin(w.prisma, msg.id))!;
    expect(origin.unit?.name).toBe('区商务局');
    const reading = await botReading({ deps: { work: createPrismaWorkStore(w.prisma), botName: '督办助手' } }, origin);
    expect(reading.map((r) => r.assignmentId).sort()).toEqual([(await assignmentOf(1)).id, (await assignmentOf(4)).id].sort());

    await w.clock.advance(86400_000);
    // two admins confirm it at once (the console and the chat): it is recorded once
    const [turn, other] = [await adminTurn(), await adminTurn()];
    await Promise.all([recordReviewed(turn, msg.id, 'confirm', reading), recordReviewed(other, msg.id, 'confirm', reading)]);
    const rows = await w.prisma.progressUpdate.findMany({ orderBy: { taskId: 'asc' } });
    expect(rows.map((r) => r.taskId)).toEqual([w.tasks[1]!.id, w.tasks[4]!.id]);
    for (const r of rows) expect(r).toMatchObject({ kind: 'report', personId: w.pWang.id, inboundMessageId: msg.id, reportedAt: sentAt, text: '[文件] 区商务局第2项、第5项进展.docx' });
    expect(await assignmentOf(1)).toMatchObject({ state: 'not_started', lastReportedAt: sentAt });
    const tells = (await outbox()).filter((o) => /^notify:\d+:unit$/.test(o.idempotencyKey));
    expect(tells).toHaveLength(1);
    const told = tells[0]!;
    expect(told).toMatchObject({ targetRef: w.rooms.shangwu.id, mentions: [w.wang.id] });
    expect(told.text).toMatch(/^督办室已确认并记录（区商务局）您报送的“\[文件\] 区商务局第2项、第5项进展\.docx”：\n· 《测试》第2项/);
    expect(await w.prisma.inboundMessage.findUniqueOrThrow({ where: { id: msg.id } })).toMatchObject({ status: 'interpreted', handledBy: w.admin.id, error: expect.stringMatching(/^NEEDS_ADMIN: file report/) });
    expect(await w.prisma.auditLog.count({ where: { action: 'reply.confirm', entityId: String(msg.id) } })).toBe(1);

    // a second admin acting on it is told it was handled; nothing is recorded twice
    const late = await adminTurn();
    await recordReviewed(late, msg.id, 'confirm', reading);
    expect(await w.prisma.progressUpdate.count()).toBe(2);
    expect((await outbox()).at(-1)!.text).toContain('已处理');
  });

  it('assigns a report that named no task, and corrects one: the admin’s word is a correction, the original kept', async () => {
    // 区商务局 has four tasks: a report naming none is asked about once, and waits
    await w.say(w.wang, w.rooms.shangwu, '@督办助手 本周完成企业走访12家，进度约40%', true);
    const asked = await lastInbound();
    expect(asked).toMatchObject({ status: 'needs_admin' });
    expect(reviewReason(asked.error)).toBe('asked');
    expect((await outbox()).at(-1)!.text).toContain('请问这是哪一项任务的进展');
    expect(await w.prisma.progressUpdate.count()).toBe(0);

    const a1 = await assignmentOf(0);
    await recordReviewed(await adminTurn(), asked.id, 'assign', [{ assignmentId: a1.id, percent: 40, status: null, problems: null }]);
    expect(await assignmentOf(0)).toMatchObject({ state: 'in_progress', percent: 40 });
    expect(await w.prisma.progressUpdate.findFirstOrThrow()).toMatchObject({ kind: 'report', taskId: w.tasks[0]!.id, inboundMessageId: asked.id, text: '@督办助手 本周完成企业走访12家，进度约40%' });
    expect((await outbox()).at(-1)!.text).toMatch(/^督办室已将您的报送记入（区商务局）/);

    // a stranger's report waits too; the admin corrects it onto the group's unit, as the office's correction
    await w.say(w.stranger, w.rooms.shangwu, '第3项已完成60%');
    const unknown = await lastInbound();
    expect(unknown.status).toBe('needs_admin');
    expect(reviewReason(unknown.error)).toBe('unknown_sender');
    const a3 = await assignmentOf(2);
    await recordReviewed(await adminTurn(), unknown.id, 'correct', [{ assignmentId: a3.id, percent: 50, status: 'lagging', problems: '拆迁补偿未谈妥' }]);
    expect(await assignmentOf(2)).toMatchObject({ state: 'lagging', percent: 50 });
    const corr = await w.prisma.progressUpdate.findFirstOrThrow({ where: { taskId: w.tasks[2]!.id } });
    expect(corr).toMatchObject({ kind: 'correction', personId: null, unitId: w.units.shangwu.id, problems: '拆迁补偿未谈妥', text: '第3项已完成60%', inboundMessageId: unknown.id });
    const audit = await w.prisma.auditLog.findFirstOrThrow({ where: { action: 'reply.correct' } });
    expect(audit.before).toMatchObject({ text: '第3项已完成60%' });
    expect(audit.after).toMatchObject({ items: [{ percent: 50, status: 'lagging', kind: 'correction' }] });
    const told = (await outbox()).at(-1)!;
    expect(told).toMatchObject({ targetRef: w.rooms.shangwu.id, mentions: [w.stranger.id] });
    expect(told.text).toContain('督办室已更正并记录（区商务局）');
    expect(told.text).toContain('进度50%；滞后；问题：拆迁补偿未谈妥');
  });

  it('dismisses with a reason: nothing recorded, nobody in the unit messaged, the reason kept and audited', async () => {
    await w.say(w.wang, w.rooms.shangwu, '@督办助手 哈哈哈好的', true);
    const msg = await lastInbound();
    expect(msg.status).toBe('needs_admin');
    expect(reviewReason(msg.error)).toBe('not_understood');
    // an admin asking 异常消息 in chat learns that replies wait for the office
    await w.say(w.admin, w.bot, '异常消息');
    expect((await outbox()).at(-1)!.text).toContain('另有1条回复待督办室处理');
    const before = (await outbox()).length;
    const turn = await adminTurn();
    await dismissWaiting(turn, msg.id, '');
    expect((await w.prisma.inboundMessage.findUniqueOrThrow({ where: { id: msg.id } })).status).toBe('needs_admin');
    await dismissWaiting(turn, msg.id, '闲聊，无需处理');
    // marked decided (interpreted, the store's guard against a second decision); what was decided is on the row
    expect(await w.prisma.inboundMessage.findUniqueOrThrow({ where: { id: msg.id } })).toMatchObject({ status: 'interpreted', handling: '不予处理：闲聊，无需处理', handledBy: w.admin.id });
    await recordReviewed(await adminTurn(), msg.id, 'correct', [{ assignmentId: (await assignmentOf(0)).id, percent: 10, status: null, problems: null }]);
    const added = (await outbox()).slice(before);
    expect(added.every((o) => o.targetRef === w.rooms.office.id)).toBe(true);
    expect(await w.prisma.auditLog.findFirst({ where: { action: 'reply.dismiss' } })).toMatchObject({ entityId: String(msg.id) });
    expect(await w.prisma.progressUpdate.count()).toBe(0);
  });
});
