import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import type { Database } from '../../src/store/open-database.ts';
import { instructionsOfTask, loadInstructions, recordInstruction, unansweredInstructions } from '../../src/store/instructions.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

describe.each(DB_KINDS)('批示 on %s', (kind) => {
  let db: Database;
  const ids = { task: 0, shop: 0, street: 0, leader: 0 };
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const p = db.prisma;
    const plan = await p.plan.create({ data: { sourceDocument: 'p.txt', title: '2026年重点工作方案' } });
    ids.shop = (await p.unit.create({ data: { name: '区商务局', kind: 'department' } })).id;
    ids.street = (await p.unit.create({ data: { name: '洪都街道', kind: 'street' } })).id;
    ids.leader = (await p.person.create({ data: { name: '杨峰', kind: 'leader', chatId: 'wx-yang' } })).id;
    ids.task = (await p.task.create({ data: { planId: plan.id, no: '3', seq: 3, text: '繁荣现代商贸', assignments: { create: [{ unitId: ids.shop, role: 'responsible' }] } } })).id;
  }, 120_000);
  afterAll(() => db?.close());

  it('records a 批示 once per message, brings a named unit into the task, and audits it', async () => {
    const n = {
      leaderId: ids.leader, leaderName: '杨峰', issuedAt: atLocal('2026-05-11', '10:00'), text: '请区商务局、洪都街道加快推进第3项，周五前报进展', dueOn: '2026-05-15',
      source: 'proxy' as const, recordedBy: 'wx-admin', inboundMessageId: null,
      targets: [{ taskId: ids.task, unitId: ids.shop, added: false }, { taskId: ids.task, unitId: ids.street, added: true }],
      outbox: [{ idempotencyKey: 'notify:test:instr', target: { kind: 'group' as const, ref: '区商务局督办群' }, text: '【领导批示】' }],
    };
    const first = await recordInstruction(db.prisma, n);
    expect(first.created).toBe(true);
    expect(await db.prisma.assignment.findFirst({ where: { taskId: ids.task, unitId: ids.street } })).toMatchObject({ role: 'participating', via: '领导批示（杨峰）' });
    expect(await db.prisma.auditLog.count({ where: { action: 'instruction.record_on_behalf', entityId: String(first.id) } })).toBe(1);
    expect(await db.prisma.outbox.count({ where: { idempotencyKey: 'notify:test:instr' } })).toBe(1);
  });

  it('links each unit’s first report since the 批示 as its feedback, and chases the others', async () => {
    const asOf = atLocal('2026-05-20', '09:00');
    expect([...(await unansweredInstructions(db.prisma, asOf)).keys()].sort()).toEqual([`${ids.task}:${ids.shop}`, `${ids.task}:${ids.street}`].sort());
    // A report before the 批示 does not answer it; the first one after it does.
    await db.prisma.progressUpdate.create({ data: { taskId: ids.task, unitId: ids.shop, reportedAt: atLocal('2026-05-11', '09:00'), text: '早前进展', percent: 10 } });
    await db.prisma.progressUpdate.create({ data: { taskId: ids.task, unitId: ids.shop, reportedAt: atLocal('2026-05-14', '10:00'), text: '已举办促消费活动2场', percent: 40 } });
    await db.prisma.progressUpdate.create({ data: { taskId: ids.task, unitId: ids.shop, reportedAt: atLocal('2026-05-15', '10:00'), text: '又举办1场', percent: 50 } });
    expect([...(await unansweredInstructions(db.prisma, asOf)).keys()]).toEqual([`${ids.task}:${ids.street}`]);
    const [i] = await instructionsOfTask(db.prisma, ids.task, asOf);
    expect(i).toMatchObject({ leaderName: '杨峰', dueOn: '2026-05-15', source: 'proxy', answered: false });
    expect(i!.targets.map((t) => [t.unitName, t.feedback?.text ?? null])).toEqual([['区商务局', '已举办促消费活动2场'], ['洪都街道', null]]);
    // As of before the report, nothing was answered yet.
    expect((await loadInstructions(db.prisma, { leaderId: ids.leader, asOf: atLocal('2026-05-13', '09:00') }))[0]!.targets.every((t) => t.answeredAt === null)).toBe(true);
  });
  it('records a message’s 批示 once when two attempts run at once (a form sent twice), with one answer', async () => {
    const msg = await db.prisma.inboundMessage.create({ data: { channel: 'console', messageId: 'console:twice', talkerId: 'console:王敏', text: '代录批示', sentAt: new Date(), status: 'received' } });
    let answers = 0;
    const n = {
      leaderId: ids.leader, leaderName: '杨峰', issuedAt: atLocal('2026-05-21', '10:00'), text: '请区商务局月底前拿出方案', dueOn: null,
      source: 'proxy' as const, recordedBy: 'console:王敏', inboundMessageId: msg.id, targets: [{ taskId: ids.task, unitId: ids.shop, added: false }],
      outbox: [{ idempotencyKey: `notify:${msg.id}:instr`, target: { kind: 'group' as const, ref: '区商务局督办群' }, text: '【领导批示】' }],
      answer: async () => void answers++,
    };
    const both = await Promise.all([recordInstruction(db.prisma, n), recordInstruction(db.prisma, n)]);
    expect(both.map((r) => r.created).sort()).toEqual([false, true]);
    expect(both[0]!.id).toBe(both[1]!.id);
    expect(await db.prisma.instruction.count({ where: { inboundMessageId: msg.id } })).toBe(1);
    expect(await db.prisma.auditLog.count({ where: { entity: 'Instruction', entityId: String(both[0]!.id) } })).toBe(1);
    expect(answers).toBe(1);
  });
});
