import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/open-database.ts';
import { enqueueOutbox } from '../../src/outbox/enqueue-outbox.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

// One suite, every store adapter: the embedded PGlite and the real PostgreSQL must behave alike.
describe.each(DB_KINDS)('store conformance: %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('round-trips Chinese text, arrays, dates and JSON', async () => {
    const plan = await db.prisma.plan.create({
      data: { sourceDocument: `doc-${kind}`, title: '2024年区《政府工作报告》重点工作责任分工方案', mechanisms: ['周督查', '旬会商'], issuedOn: new Date('2024-01-05') },
    });
    const got = await db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } });
    expect(got.title).toContain('《政府工作报告》');
    expect(got.mechanisms).toEqual(['周督查', '旬会商']);
    expect(got.issuedOn?.toISOString().slice(0, 10)).toBe('2024-01-05');
    await db.prisma.schedule.create({ data: { key: `k-${kind}`, kind: 'weekly', spec: { at: '09:00', days: [1] } } });
    expect((await db.prisma.schedule.findUniqueOrThrow({ where: { key: `k-${kind}` } })).spec).toEqual({ at: '09:00', days: [1] });
  });

  it('enforces unique keys (tasks per plan, inbound message ids, outbox keys)', async () => {
    const plan = await db.prisma.plan.create({ data: { sourceDocument: `u-${kind}`, title: 't', mechanisms: [] } });
    await db.prisma.task.create({ data: { planId: plan.id, no: '1', seq: 1, text: 'a' } });
    await expect(db.prisma.task.create({ data: { planId: plan.id, no: '1', seq: 2, text: 'b' } })).rejects.toThrow();
    const m = { messageId: `m-${kind}`, talkerId: 'c1', text: '收到', sentAt: new Date() };
    await db.prisma.inboundMessage.create({ data: m });
    await expect(db.prisma.inboundMessage.create({ data: m })).rejects.toThrow();
    const item = { idempotencyKey: `o-${kind}`, target: { kind: 'group' as const, ref: 'g@chatroom' }, text: '提醒' };
    expect(await enqueueOutbox(db.prisma, [item])).toBe(1);
    expect(await enqueueOutbox(db.prisma, [item])).toBe(0);
  });

  it('rolls back a failed interactive transaction', async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.unit.create({ data: { name: `回滚单位-${kind}`, kind: 'department', aliases: [] } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.prisma.unit.findUnique({ where: { name: `回滚单位-${kind}` } })).toBeNull();
  });

  it('claims rows with FOR UPDATE SKIP LOCKED', async () => {
    await enqueueOutbox(db.prisma, [1, 2, 3].map((i) => ({ idempotencyKey: `s-${kind}-${i}`, target: { kind: 'group' as const, ref: 'r@chatroom' }, text: String(i) })));
    const rows = await db.prisma.$queryRaw<{ id: number }[]>`
      SELECT id FROM "Outbox" WHERE "idempotencyKey" LIKE ${`s-${kind}-%`} ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 2`;
    expect(rows).toHaveLength(2);
  });

  it('cascades a plan delete to its tasks but keeps units', async () => {
    const plan = await db.prisma.plan.create({ data: { sourceDocument: `c-${kind}`, title: 't', mechanisms: [] } });
    const unit = await db.prisma.unit.create({ data: { name: `区科工局-${kind}`, kind: 'department', aliases: [] } });
    const task = await db.prisma.task.create({ data: { planId: plan.id, no: '1', seq: 1, text: 'x', units: { create: { role: 'lead', rawName: unit.name, unitId: unit.id } } } });
    await db.prisma.plan.delete({ where: { id: plan.id } });
    expect(await db.prisma.task.findUnique({ where: { id: task.id } })).toBeNull();
    expect(await db.prisma.unit.findUnique({ where: { id: unit.id } })).not.toBeNull();
  });
});
