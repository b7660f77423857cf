import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/open-database.ts';
import type { WorkStore } from '../../src/ports/work-store.ts';
import type { Assignment } from '../../src/domain/work/index.ts';
import { createPrismaWorkStore } from '../../src/store/prisma-work-store.ts';
import { isTransientDbError } from '../../src/store/transient-error.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

const at = new Date('2026-05-11T02:00:00Z');

// The WorkStore port, on every database the bot runs on: what the rules decide is saved the same way.
describe.each(DB_KINDS)('work store conformance: %s', (kind) => {
  let db: Database;
  let store: WorkStore;
  let ids: { p1: number; p2: number; unitA: number; unitB: number; t1: number; t2: number; t3: number; a1A: number; a1B: number; a2A: number; a3A: number };

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    store = createPrismaWorkStore(db.prisma);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    const p = db.prisma;
    await p.$executeRawUnsafe('TRUNCATE "Plan", "Unit", "Person", "TaskRequest", "ProgressUpdate", "AuditLog", "Outbox", "InboundMessage" RESTART IDENTITY CASCADE');
    const p1 = await p.plan.create({ data: { sourceDocument: 'a.txt', title: '东湖区2024年重大重点项目推进工作方案', mechanisms: [] } });
    const p2 = await p.plan.create({ data: { sourceDocument: 'b.txt', title: '2026年区《政府工作报告》重点工作责任分工方案', mechanisms: [] } });
    const unitA = (await p.unit.create({ data: { name: '区商务局', kind: 'department', aliases: [] } })).id;
    const unitB = (await p.unit.create({ data: { name: '区发改委', kind: 'department', aliases: [] } })).id;
    const t1 = (await p.task.create({ data: { planId: p1.id, no: '二', seq: 2, text: '全力保障', deadline: new Date('2026-12-31T00:00:00Z'), deadlineKind: 'date' } })).id;
    const t2 = (await p.task.create({ data: { planId: p2.id, no: '2', seq: 2, text: '强化数字赋能' } })).id;
    const t3 = (await p.task.create({ data: { planId: p2.id, no: '1', seq: 1, text: '壮大都市工业' } })).id;
    const a = (taskId: number, unitId: number, role: 'lead' | 'responsible' | 'participating', state: 'not_started' | 'closed' = 'not_started') =>
      p.assignment.create({ data: { taskId, unitId, role, state } }).then((r) => r.id);
    ids = { p1: p1.id, p2: p2.id, unitA, unitB, t1, t2, t3, a1A: await a(t1, unitA, 'lead'), a1B: await a(t1, unitB, 'responsible'), a2A: await a(t2, unitA, 'responsible'), a3A: await a(t3, unitA, 'responsible', 'closed') };
  });

  it('lists a unit’s open work in plan and task order, plans named uniquely, closed work only on request', async () => {
    const work = await store.unitWork(ids.unitA);
    expect(work.map((w) => [w.task.planShort, w.task.no, w.assignment.role])).toEqual([['重大重点项目', '二', 'lead'], ['政府工作报告', '2', 'responsible']]);
    expect(work[0]!.task.deadline).toBe('2026-12-31');
    expect((await store.unitWork(ids.unitA, { withClosed: true })).map((w) => w.task.no)).toEqual(['二', '1', '2']);
  });

  it('leaves archived plans out of every list', async () => {
    await db.prisma.plan.update({ where: { id: ids.p1 }, data: { archivedAt: at } });
    expect((await store.unitWork(ids.unitA)).map((w) => w.task.no)).toEqual(['2']);
    expect((await store.activeTasks()).map((t) => t.no)).toEqual(['1', '2']);
    expect(await store.task(ids.t1)).toBeNull();
    expect(await store.task(ids.t2)).toMatchObject({ planShort: '政府工作报告', no: '2' });
  });

  it('applies a change in one transaction: assignment, derived task, progress, request, audit, outbox', async () => {
    const { requestIds } = await store.apply({
      assignments: [{ id: ids.a1A, patch: { state: 'reported_done', percent: 100, lastReportedAt: at } }],
      tasks: [{ id: ids.t1, derived: { state: 'in_progress', percent: 50, closedAt: null } }],
      progress: [{ taskId: ids.t1, unitId: ids.unitA, personId: null, kind: 'report', at, text: '已全部完成', percent: 100, status: 'done', problems: null, nextSteps: null, inboundMessageId: null }],
      newRequests: [{ taskId: ids.t1, assignmentId: ids.a1A, unitId: ids.unitA, kind: 'close', requestedBy: 'wx', reason: null, evidence: [], newDeadline: null, at }],
      audit: [{ at, actor: 'wx', action: 'request.close', entity: 'Assignment', entityId: ids.a1A, after: { ok: true } }],
      outbox: [{ idempotencyKey: 'reply:1', target: { kind: 'group', ref: 'g' }, text: '已提交' }],
    });
    expect(requestIds).toHaveLength(1);
    expect((await store.assignmentsOf([ids.t1])).get(ids.t1)!.find((x) => x.id === ids.a1A)).toMatchObject({ state: 'reported_done', percent: 100, lastReportedAt: at });
    // The task is derived again inside the transaction from what is stored (its only lead claims completion),
    // whatever the caller computed from what it read before.
    expect(await db.prisma.task.findUniqueOrThrow({ where: { id: ids.t1 } })).toMatchObject({ status: 'done', percent: 100, lastReportedAt: at });
    expect((await store.pendingRequests(ids.t1, 'close')).map((r) => r.assignmentId)).toEqual([ids.a1A]);
    expect(await store.recentCloseRequest('wx', new Date(at.getTime() - 60_000))).toMatchObject({ id: requestIds[0] });
    expect(await db.prisma.auditLog.count()).toBe(1);
    expect(await db.prisma.outbox.count()).toBe(1);
  });

  it('saves nothing when any part fails', async () => {
    await expect(
      store.apply({
        assignments: [{ id: ids.a1A, patch: { state: 'closed', closedAt: at } }],
        progress: [{ taskId: 999_999, unitId: ids.unitA, personId: null, kind: 'report', at, text: 'x', percent: null, status: null, problems: null, nextSteps: null, inboundMessageId: null }],
      }),
    ).rejects.toThrow();
    expect((await store.assignmentsOf([ids.t1])).get(ids.t1)!.find((x) => x.id === ids.a1A)!.state).toBe('not_started');
  });

  it('decides a request and moves an assignment to another unit', async () => {
    const { requestIds } = await store.apply({ newRequests: [{ taskId: ids.t2, assignmentId: ids.a2A, unitId: ids.unitA, kind: 'extension', requestedBy: 'wx', reason: '资金', evidence: [], newDeadline: '2027-03-31', at }] });
    await store.apply({ decided: [{ id: requestIds[0]!, status: 'approved', by: 'admin', at, decision: '同意' }], tasks: [{ id: ids.t2, derived: { state: 'not_started', percent: null, closedAt: null }, deadline: { date: '2027-03-31', text: '2027-03-31（已批准延期）' } }] });
    expect(await store.pendingRequests(ids.t2)).toEqual([]);
    expect((await store.activeTasks()).find((t) => t.taskId === ids.t2)!.deadline).toBe('2027-03-31');
    await store.apply({ assignments: [{ id: ids.a2A, patch: { unitId: ids.unitB } }] });
    expect((await store.unitWork(ids.unitB)).map((w) => w.task.taskId)).toEqual(expect.arrayContaining([ids.t2]));
  });

  it('finds a leader’s tasks', async () => {
    const leader = await db.prisma.person.create({ data: { name: '杨峰', kind: 'leader', leads: { create: [{ taskId: ids.t2 }] } } });
    expect((await store.leaderTasks(leader.id)).map((t) => t.no)).toEqual(['2']);
  });

  it('applies a change for an inbound message once: the second apply of the same message writes nothing', async () => {
    const msg = await db.prisma.inboundMessage.create({ data: { messageId: 'm-1', talkerId: 'wx', text: '第二项完成50%', sentAt: at } });
    const change = {
      inboundId: msg.id,
      assignments: [{ id: ids.a1A, patch: { percent: 50, state: 'in_progress' as const, lastReportedAt: at } }],
      tasks: [{ id: ids.t1, derived: { state: 'in_progress' as const, percent: 50, closedAt: null } }],
      progress: [{ taskId: ids.t1, unitId: ids.unitA, personId: null, kind: 'report' as const, at, text: '完成50%', percent: 50, status: 'in_progress' as const, problems: null, nextSteps: null, inboundMessageId: msg.id }],
    };
    expect(await store.apply(change)).toEqual({ requestIds: [] });
    expect(await store.apply(change)).toEqual({ requestIds: [], alreadyRecorded: true });
    expect(await db.prisma.progressUpdate.count()).toBe(1);
    expect(await db.prisma.inboundMessage.findUniqueOrThrow({ where: { id: msg.id } })).toMatchObject({ status: 'interpreted' });
    expect((await store.unitWork(ids.unitA))[0]!.assignment).toMatchObject({ percent: 50, state: 'in_progress', lastReportedAt: at });
  });

  it('reads a sender, their group and their units’ open work (each task with all its parts) in one go', async () => {
    const p = db.prisma;
    const group = await p.chatGroup.create({ data: { topic: '商务局群', roomId: 'room-a', units: { create: [{ unitId: ids.unitA }] } } });
    const b = await p.person.create({ data: { name: '李四', kind: 'contact', unitId: ids.unitB, chatId: 'wx-b' } });
    await p.person.create({ data: { name: '张三', kind: 'contact', unitId: ids.unitA, chatId: 'wx-a', backupId: null } });
    await p.person.update({ where: { id: b.id }, data: { backupId: (await p.person.findUniqueOrThrow({ where: { chatId: 'wx-a' } })).id } });
    const ctx = await store.inboundContext({ talkerId: 'wx-a', roomId: 'room-a', topic: '商务局群' });
    expect(ctx.byRoom).toMatchObject({ id: group.id, units: [{ id: ids.unitA, name: '区商务局' }] });
    expect(ctx.person).toMatchObject({ name: '张三', unit: { id: ids.unitA }, backupFor: [{ id: ids.unitB, name: '区发改委' }] });
    expect(ctx.workUnitIds.sort()).toEqual([ids.unitA, ids.unitB].sort());
    // the same items unitWork lists, and the other unit's part of 重大重点项目第二项 with them
    const own = ctx.work.filter((w) => w.assignment.unitId === ids.unitA);
    expect(own.map(({ taskParts, ...w }) => w)).toEqual(await store.unitWork(ids.unitA));
    expect(own[0]!.taskParts!.map((a) => a.id)).toEqual([ids.a1A, ids.a1B]);
    expect(ctx.work.filter((w) => w.assignment.unitId === ids.unitB).map((w) => w.assignment.id)).toEqual([ids.a1B]);
    const stranger = await store.inboundContext({ talkerId: 'wx-x', roomId: null, topic: '商务局群' });
    expect(stranger).toMatchObject({ byRoom: null, byTopic: { id: group.id }, person: null, workUnitIds: [], work: [] });
  });

  it('writes a reply against the parts it read; parts changed since are derived from what is stored', async () => {
    const p = db.prisma;
    await p.assignment.update({ where: { id: ids.a1B }, data: { role: 'lead' } }); // two lead units hold 第二项
    const msg = (id: string) => p.inboundMessage.create({ data: { messageId: id, talkerId: 'wx', text: '第二项完成50%', sentAt: at } }).then((r) => r.id);
    const change = (inboundId: number, basis: Assignment[], percent: number) => ({
      inboundId,
      assignments: [{ id: ids.a1A, patch: { percent, state: 'in_progress' as const, lastReportedAt: at } }],
      tasks: [{ id: ids.t1, derived: { state: 'in_progress' as const, percent, closedAt: null }, basis }],
      progress: [{ taskId: ids.t1, unitId: ids.unitA, personId: null, kind: 'report' as const, at, text: `完成${percent}%`, percent, status: 'in_progress' as const, problems: null, nextSteps: null, inboundMessageId: inboundId }],
      outbox: [{ idempotencyKey: `reply:${inboundId}`, target: { kind: 'group' as const, ref: 'g' }, text: '已记录' }],
    });
    const parts = async () => (await store.assignmentsOf([ids.t1])).get(ids.t1)!;
    // as read: written, the task derived from both leads (50 and 0)
    const m1 = await msg('m-1');
    expect(await store.apply(change(m1, await parts(), 50))).toEqual({ requestIds: [] });
    expect(await p.task.findUniqueOrThrow({ where: { id: ids.t1 } })).toMatchObject({ status: 'in_progress', percent: 25, lastReportedAt: at });
    expect(await p.inboundMessage.findUniqueOrThrow({ where: { id: m1 } })).toMatchObject({ status: 'interpreted' });
    expect(await p.outbox.count()).toBe(1);
    // the same message again, with what is stored now as its basis: nothing written twice
    expect(await store.apply(change(m1, await parts(), 50))).toEqual({ requestIds: [], alreadyRecorded: true });
    expect(await p.progressUpdate.count()).toBe(1);
    // the other lead reported 受阻 after this reply's read: the task follows what is stored, not the stale read
    const stale = await parts();
    await p.assignment.update({ where: { id: ids.a1B }, data: { state: 'blocked', percent: 30 } });
    const m2 = await msg('m-2');
    expect(await store.apply(change(m2, stale, 70))).toEqual({ requestIds: [] });
    expect(await p.task.findUniqueOrThrow({ where: { id: ids.t1 } })).toMatchObject({ status: 'blocked', percent: 50 });
    expect((await parts()).find((a) => a.id === ids.a1A)).toMatchObject({ percent: 70, state: 'in_progress' });
    expect(await p.progressUpdate.count()).toBe(2);
    expect(await p.outbox.count()).toBe(2);
    // a stale basis for a message already recorded: still nothing twice
    expect(await store.apply(change(m2, stale, 70))).toEqual({ requestIds: [], alreadyRecorded: true });
    expect(await p.progressUpdate.count()).toBe(2);
    // the part this change patches was changed since the read (a B角 reporting at the same time):
    // refused as a retryable conflict, nothing written, the message not marked
    const mine = await parts();
    await p.assignment.update({ where: { id: ids.a1A }, data: { state: 'reported_done', percent: 100 } });
    const m3 = await msg('m-3');
    const refused = await store.apply(change(m3, mine, 80)).catch((e: unknown) => e);
    expect(isTransientDbError(refused)).toBe(true);
    expect((await parts()).find((a) => a.id === ids.a1A)).toMatchObject({ percent: 100, state: 'reported_done' });
    expect(await p.inboundMessage.findUniqueOrThrow({ where: { id: m3 } })).toMatchObject({ status: 'received' });
    expect(await p.progressUpdate.count()).toBe(2);
  });
});
