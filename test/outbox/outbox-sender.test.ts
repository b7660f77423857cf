import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { enqueueOutbox, type OutboxItem } from '../../src/outbox/enqueue-outbox.ts';
import { createOutboxSender, type OutboxSenderOptions } from '../../src/outbox/create-outbox-sender.ts';
import { createRehearsalChat } from '../../src/adapters/chat/rehearsal-chat.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import type { ChatPort, OutgoingMessage } from '../../src/ports/chat.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

const T0 = new Date('2026-05-11T01:00:00Z');
const item = (n: number, extra: Partial<OutboxItem> = {}): OutboxItem => ({
  idempotencyKey: `test:${T0.toISOString()}:r${n}`,
  target: { kind: 'group', ref: `群${n}` },
  text: `消息${n}`,
  mentions: [`wx-${n}`],
  notBefore: T0,
  ...extra,
});

/** A chat whose send() fails `failures` times, then records. */
function flakyChat(clock: ManualClock, failures: number) {
  const chat = createRehearsalChat(clock);
  let left = failures;
  const send = chat.send.bind(chat);
  chat.send = async (m: OutgoingMessage) => {
    if (left-- > 0) throw new Error('发送消息过于频繁');
    await send(m);
  };
  return chat;
}

describe.each(DB_KINDS)('outbox sender on %s', (kind) => {
  let db: Database;
  let clock: ManualClock;
  const senders: { close(): Promise<void> }[] = [];
  const sender = (chat: ChatPort, o: Partial<OutboxSenderOptions> = {}) => {
    const s = createOutboxSender({ prisma: db.prisma, chat, clock, logger: silentLogger, sendPerMinute: 0, sendJitterMs: 0, maxAttempts: 4, backoffBaseMs: 30_000, leaseMs: 60_000, ...o });
    senders.push(s);
    return s;
  };

  beforeEach(async () => {
    db = await openTestDatabase(kind);
    clock = new ManualClock(T0);
  });
  afterEach(async () => {
    for (const s of senders.splice(0)) await s.close();
    await db.close();
  });

  it('delivers due rows in order with their mentions and marks them sent; later rows wait', async () => {
    await enqueueOutbox(db.prisma, [item(1), item(2), item(3, { notBefore: new Date(T0.getTime() + 60_000) })]);
    const chat = createRehearsalChat(clock);
    expect(await sender(chat).flushOnce()).toBe(2);
    expect(chat.sent.map((m) => [m.target.ref, m.text, m.mentions])).toEqual([
      ['群1', '消息1', ['wx-1']],
      ['群2', '消息2', ['wx-2']],
    ]);
    const rows = await db.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.status, r.attempts, r.lockedBy])).toEqual([
      ['sent', 1, null],
      ['sent', 1, null],
      ['pending', 0, null],
    ]);
  });

  it('shares the work among concurrent senders: every row exactly once', async () => {
    await enqueueOutbox(db.prisma, Array.from({ length: 120 }, (_, i) => item(i)));
    const chats = [0, 1, 2].map(() => createRehearsalChat(clock));
    const counts = await Promise.all(chats.map((c, i) => sender(c, { workerId: `w${i}` }).flushOnce()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(120);
    const keys = chats.flatMap((c) => c.sent.map((m) => m.text));
    expect(new Set(keys).size).toBe(120);
    expect(keys).toHaveLength(120);
  });

  it('after a crash between claim and send, re-sends once when the lease expires — not before', async () => {
    await enqueueOutbox(db.prisma, [item(1)]);
    // Sender A claims the row, then its process "dies" inside send(): the promise never settles.
    const hung: ChatPort = { ...createRehearsalChat(clock), send: () => new Promise<void>(() => {}) };
    void sender(hung, { workerId: 'A' }).flushOnce();
    await vi.waitFor(async () => expect((await db.prisma.outbox.findFirstOrThrow()).status).toBe('sending'), { interval: 10 });
    const chat = createRehearsalChat(clock);
    const b = sender(chat, { workerId: 'B' });
    expect(await b.flushOnce()).toBe(0); // A's lease holds
    await clock.advance(59_000);
    expect(await b.flushOnce()).toBe(0);
    await clock.advance(2_000);
    expect(await b.flushOnce()).toBe(1);
    expect(await b.flushOnce()).toBe(0);
    expect(chat.sent.map((m) => m.text)).toEqual(['消息1']);
    expect(await db.prisma.outbox.findFirstOrThrow()).toMatchObject({ status: 'sent', attempts: 2, lockedBy: null });
  });

  it('retries with exponential backoff, then succeeds', async () => {
    await enqueueOutbox(db.prisma, [item(1)]);
    const chat = flakyChat(clock, 2);
    const s = sender(chat);
    expect(await s.flushOnce()).toBe(0);
    let row = await db.prisma.outbox.findFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: '发送消息过于频繁' });
    expect(row.notBefore.getTime() - T0.getTime()).toBe(30_000);
    await clock.advance(29_000);
    expect(await s.flushOnce()).toBe(0);
    expect((await db.prisma.outbox.findFirstOrThrow()).attempts).toBe(1);
    await clock.advance(1_000);
    expect(await s.flushOnce()).toBe(0); // second failure: next try 60 s later
    row = await db.prisma.outbox.findFirstOrThrow();
    expect(row.notBefore.getTime() - clock.now().getTime()).toBe(60_000);
    await clock.advance(60_000);
    expect(await s.flushOnce()).toBe(1);
    expect(await db.prisma.outbox.findFirstOrThrow()).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('gives up after maxAttempts and leaves the row failed for admins', async () => {
    await enqueueOutbox(db.prisma, [item(1)]);
    const s = sender(flakyChat(clock, 99), { maxAttempts: 2 });
    await s.flushOnce();
    await clock.advance(30_000);
    await s.flushOnce();
    await clock.advance(3_600_000);
    expect(await s.flushOnce()).toBe(0);
    expect(await db.prisma.outbox.findFirstOrThrow()).toMatchObject({ status: 'failed', attempts: 2, lastError: '发送消息过于频繁' });
  });

  it('waits while the chat is logged out, without spending attempts', async () => {
    await enqueueOutbox(db.prisma, [item(1)]);
    const chat = createRehearsalChat(clock);
    await chat.close();
    expect(await sender(chat).flushOnce()).toBe(0);
    expect(await db.prisma.outbox.findFirstOrThrow()).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('paces messages: sendPerMinute apart plus jitter', async () => {
    await enqueueOutbox(db.prisma, [item(1), item(2), item(3)]);
    const chat = createRehearsalChat(clock);
    let finished = false;
    const done = sender(chat, { sendPerMinute: 6, sendJitterMs: 2_000, random: () => 0.5 })
      .flushOnce()
      .finally(() => (finished = true));
    // Move virtual time only while the sender sleeps, so database latency never shows up as pacing.
    while (!finished) {
      await new Promise((r) => setTimeout(r, 2));
      const wake = clock.nextWake();
      if (wake) await clock.advance(wake);
    }
    expect(await done).toBe(3);
    // 60 s / 6 = 10 s, plus 0.5 × 2 s of jitter, to the millisecond.
    const at = chat.sent.map((m) => m.at.getTime());
    expect([at[1]! - at[0]!, at[2]! - at[1]!]).toEqual([11_000, 11_000]);
  });
});
