// Outbox: enqueue throughput, and delivery throughput with pacing off (a chat that returns at
// once), with one sender and with three concurrent senders (SKIP LOCKED claims), on embedded
// PGlite and on Postgres (BENCH_DATABASE_URL, or a fresh database on the local test server).
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createRehearsalChat } from '../src/adapters/chat/rehearsal-chat.ts';
import { silentLogger } from '../src/log/create-logger.ts';
import { createOutboxSender } from '../src/outbox/create-outbox-sender.ts';
import { enqueueOutbox, type OutboxItem } from '../src/outbox/enqueue-outbox.ts';
import { systemClock } from '../src/ports/clock.ts';
import { openDatabase } from '../src/store/open-database.ts';
import { freshPostgres } from './fresh-postgres.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 3_000);

const items = (batch: string): OutboxItem[] =>
  Array.from({ length: N }, (_, i) => ({
    idempotencyKey: `bench:${batch}:${i}`,
    target: { kind: 'group', ref: `群${i % 300}` },
    text: `【周调度提醒】单位${i % 300}：请于5月14日（周四）17:00前报送以下任务进展。\n第${i}项 某某重点工作｜时限：6月30日｜上次进展：暂无`,
    mentions: [`wx-${i % 300}-a`],
    notBefore: new Date(0),
  }));

async function bench(label: string, databaseUrl?: string): Promise<void> {
  const db = await openDatabase({ databaseUrl, dataDir: 'memory://' });
  try {
    for (const senders of [1, 3]) {
      if (senders > 1 && !databaseUrl) continue; // PGlite has one connection: concurrency adds nothing
      const batch = `${senders}-${crypto.randomBytes(3).toString('hex')}`;
      const e0 = performance.now();
      for (let i = 0; i < N; i += 1_000) await enqueueOutbox(db.prisma, items(batch).slice(i, i + 1_000));
      const enqueueMs = performance.now() - e0;
      const chats = Array.from({ length: senders }, () => createRehearsalChat(systemClock));
      const s0 = performance.now();
      await Promise.all(chats.map((chat) => createOutboxSender({ prisma: db.prisma, chat, clock: systemClock, logger: silentLogger, sendPerMinute: 0, sendJitterMs: 0, maxAttempts: 3 }).flushOnce()));
      const sendMs = performance.now() - s0;
      const sent = chats.reduce((a, c) => a + c.sent.length, 0);
      console.log(
        `${label}: enqueue ${N} in ${enqueueMs.toFixed(0)} ms (${((N / enqueueMs) * 1000).toFixed(0)}/s); deliver with ${senders} sender(s), pacing off: ${sent} in ${(sendMs / 1000).toFixed(2)} s = ${((sent / sendMs) * 1000).toFixed(0)} msg/s`,
      );
    }
  } finally {
    await db.close();
  }
}


await bench('PGlite (embedded)');
const p = await freshPostgres();
if (p) {
  try {
    await bench('Postgres', p.url);
  } finally {
    await p.drop();
  }
} else console.log('Postgres: not reachable, skipped');
console.log('With the default pacing (6/min + up to 3 s jitter) delivery is bounded by pacing: about 5–6 messages a minute per account.');
