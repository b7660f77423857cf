// Reply ingest: store → understand → record → confirmation queued, through the real inbound
// handler, at 10,000 tasks / 300 units (and 1,000 tasks, to show the cost per reply does not grow
// with the plan), with 1 / 16 / 32 concurrent senders, on embedded PGlite and on Postgres — side by
// side with the baseline in the same run: raw single-row INSERTs through the same client.
// BENCH_INGEST_MESSAGES sets messages per configuration (default 300).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCalendar } from '../src/adapters/calendar/create-calendar.ts';
import { createInboundHandler } from '../src/chat/create-inbound-handler.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { silentLogger } from '../src/log/create-logger.ts';
import { systemClock } from '../src/ports/clock.ts';
import { openDatabase } from '../src/store/open-database.ts';
import { createPrismaWorkStore } from '../src/store/prisma-work-store.ts';
import { freshPostgres } from './fresh-postgres.ts';

const N = Number(process.env.BENCH_INGEST_MESSAGES ?? 300);
const UNITS = 300;

/** One plan of `tasks` tasks; task i belongs to unit i % 300; one contact and one group per unit. */
async function seed(prisma: PrismaClient, tasks: number): Promise<void> {
  await prisma.$executeRawUnsafe(`INSERT INTO "Unit" ("name", "kind", "aliases", "updatedAt") SELECT '单位' || i, 'department', '{}', now() FROM generate_series(1, ${UNITS}) i`);
  await prisma.$executeRawUnsafe(`INSERT INTO "Person" ("name", "kind", "unitId", "chatId", "updatedAt") SELECT '联络员' || u."id", 'contact', u."id", 'wx-' || u."id", now() FROM "Unit" u`);
  await prisma.$executeRawUnsafe(`INSERT INTO "ChatGroup" ("topic", "roomId") SELECT u."name" || '工作群', 'room-' || u."id" FROM "Unit" u`);
  await prisma.$executeRawUnsafe(`INSERT INTO "GroupUnit" ("groupId", "unitId") SELECT g."id", u."id" FROM "Unit" u JOIN "ChatGroup" g ON g."roomId" = 'room-' || u."id"`);
  const plan = await prisma.plan.create({ data: { sourceDocument: 'bench.docx', title: '基准方案', mechanisms: [] } });
  await prisma.$executeRawUnsafe(`INSERT INTO "Task" ("planId", "no", "seq", "title", "text", "updatedAt")
    SELECT ${plan.id}, i::text, i, '重点工作' || i, '推进第' || i || '项重点工作，按期完成。', now() FROM generate_series(1, ${tasks}) i`);
  await prisma.$executeRawUnsafe(`INSERT INTO "Assignment" ("taskId", "unitId", "role", "updatedAt")
    SELECT t."id", (SELECT min("id") FROM "Unit") + (t."seq" % ${UNITS}), 'lead', now() FROM "Task" t`);
}

const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function run(label: string, url: string | undefined, tasks: number, senderCounts: number[]): Promise<void> {
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-ingest-'));
  try {
    await seed(db.prisma, tasks);
    const minUnit = (await db.prisma.unit.findFirstOrThrow({ orderBy: { id: 'asc' } })).id;
    // Baseline: N single-row INSERTs, one after another, through the same client.
    await db.prisma.$executeRawUnsafe('CREATE TABLE bench_raw (id serial primary key, k text unique, body text, at timestamp(3))');
    const r0 = performance.now();
    for (let i = 0; i < N; i++) await db.prisma.$executeRaw`INSERT INTO bench_raw (k, body, at) VALUES (${`k${i}`}, ${'第3项已完成60%，存在资金缺口'}, ${new Date()})`;
    const rawRate = (N / (performance.now() - r0)) * 1000;
    const handler = createInboundHandler({
      prisma: db.prisma, work: createPrismaWorkStore(db.prisma), clock: systemClock, calendar: createCalendar(), logger: silentLogger, dataDir, admins: [], botName: '督办助手',
    });
    let seq = 0;
    for (const senders of senderCounts) {
      const lat: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: senders }, async (_, s) => {
          const unitIdx = (s * 37) % UNITS; // distinct units, spread over the plan
          const unitId = minUnit + unitIdx;
          for (let k = 0; k < Math.ceil(N / senders); k++) {
            const no = unitIdx + UNITS * (k % Math.floor(tasks / UNITS)) || UNITS; // a task of this unit
            const id = `bench-${seq++}`;
            const a = performance.now();
            await handler.handle({
              id, channel: 'wechaty', roomId: `room-${unitId}`, roomTopic: `单位${unitIdx + 1}工作群`, talkerId: `wx-${unitId}`, talkerName: `联络员${unitId}`,
              text: `第${no}项已完成${(k % 9) * 10 + 10}%，存在资金缺口`, type: 'text', sentAt: new Date(), mentionsSelf: false,
            });
            lat.push(performance.now() - a);
          }
        }),
      );
      const ms = performance.now() - t0;
      const rate = (lat.length / ms) * 1000;
      console.log(
        `${label}, ${tasks} tasks, ${String(senders).padStart(2)} sender(s): ${rate.toFixed(0)} replies/s (${((rate / rawRate) * 100).toFixed(0)} % of raw INSERT ${rawRate.toFixed(0)}/s), p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms`,
      );
    }
    const counts = await db.prisma.inboundMessage.groupBy({ by: ['status'], _count: true });
    const progress = await db.prisma.progressUpdate.count();
    const replies = await db.prisma.outbox.count({ where: { idempotencyKey: { startsWith: 'reply:' } } });
    console.log(`  check: ${seq} sent; inbound ${counts.map((c) => `${c.status} ${c._count}`).join(', ')}; ${progress} progress rows; ${replies} confirmations queued`);
    await handler.close();
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const only = process.env.BENCH_INGEST_ONLY; // 'pglite' | 'postgres'
if (only !== 'postgres') {
  await run('PGlite', undefined, 10_000, [1, 16, 32]);
  await run('PGlite', undefined, 1_000, [1]);
}
if (only !== 'pglite') {
  for (const tasks of [10_000, 1_000]) {
    const p = await freshPostgres();
    if (!p) {
      console.log('Postgres: not reachable, skipped');
      break;
    }
    try {
      await run('Postgres', p.url, tasks, tasks === 10_000 ? [1, 16, 32] : [1]);
    } finally {
      await p.drop();
    }
  }
}
