import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRehearsalChat } from '../../src/adapters/chat/rehearsal-chat.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { createOutboxSender } from '../../src/outbox/create-outbox-sender.ts';
import { deliveryGuarantee } from '../../src/outbox/delivery-marks.ts';
import { enqueueOutbox } from '../../src/outbox/enqueue-outbox.ts';
import type { ChatPort } from '../../src/ports/chat.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

const T0 = new Date('2026-05-11T01:00:00Z');

// What each kind of message promises when its sender dies mid-send (the README states the same).
describe.each(DB_KINDS)('delivery guarantees per message kind (%s)', (kind) => {
  let db: Database;
  let clock: ManualClock;
  const closers: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    db = await openTestDatabase(kind);
    clock = new ManualClock(T0);
  });
  afterEach(async () => {
    for (const c of closers.splice(0)) await c.close();
    await db.close();
  });
  const sender = (chat: ChatPort, workerId: string) => {
    const s = createOutboxSender({ prisma: db.prisma, chat, clock, logger: silentLogger, sendPerMinute: 0, sendJitterMs: 0, maxAttempts: 4, leaseMs: 60_000, workerId, admins: ['wx-admin'] });
    closers.push(s);
    return s;
  };

  it('a reminder whose sender died mid-send is not sent again: it is flagged 可能未送达 and admins are told; a reply is sent again', async () => {
    await enqueueOutbox(db.prisma, [
      { idempotencyKey: 'weekly_reminder:2026-05-11T01:00Z:unit-1', cadence: 'weekly_reminder', slotAt: T0, target: { kind: 'group', ref: '区商务局工作群' }, text: '【周调度提醒】区商务局：请报送', notBefore: T0 },
      { idempotencyKey: 'reply:7', target: { kind: 'group', ref: '区商务局工作群' }, text: '已记录（区商务局）', notBefore: T0 },
    ]);
    expect(deliveryGuarantee({ cadence: 'weekly_reminder' })).toBe('at-most-once');
    expect(deliveryGuarantee({ cadence: null })).toBe('at-least-once');
    // Sender A takes both rows and dies inside send(): neither we nor WeChat can say whether they arrived.
    const hung: ChatPort = { ...createRehearsalChat(clock), send: () => new Promise<void>(() => {}) };
    void sender(hung, 'A').flushOnce();
    await vi.waitFor(async () => expect(await db.prisma.outbox.count({ where: { status: 'sending' } })).toBe(1), { interval: 10 });
    const hung2: ChatPort = { ...createRehearsalChat(clock), send: () => new Promise<void>(() => {}) };
    void sender(hung2, 'A2').flushOnce();
    await vi.waitFor(async () => expect(await db.prisma.outbox.count({ where: { status: 'sending' } })).toBe(2), { interval: 10 });

    const chat = createRehearsalChat(clock);
    const b = sender(chat, 'B');
    expect(await b.flushOnce()).toBe(0); // the leases hold
    await clock.advance(61_000);
    await b.flushOnce();
    await b.flushOnce();
    const rows = await db.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.find((r) => r.cadence)).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^可能未送达/) });
    expect(rows.find((r) => r.idempotencyKey === 'reply:7')).toMatchObject({ status: 'sent', attempts: 2 });
    // the reply went out again (at least once); the reminder did not; the admin heard about the reminder, once
    expect(chat.sent.map((m) => m.text)).toEqual(['已记录（区商务局）', expect.stringMatching(/^【可能未送达】发往“区商务局工作群”[\s\S]*周调度提醒/)]);
    expect(chat.sent[1]!.target).toEqual({ kind: 'person', ref: 'wx-admin' });
    await clock.advance(120_000);
    expect(await b.flushOnce()).toBe(0);
  });
});
