// Reply ingest: store → understand → record → confirmation queued, through the real inbound
// handler, with 1 / 16 / 32 concurrent senders, at 1k / 5k / 10k / 20k tasks over 300 units (cost
// per reply must not grow with the plan), on embedded PGlite and on Postgres — each configuration
// side by side with the baseline in the same run: raw single-row INSERTs through the same client.
// Prints the round trips per reply (every statement the pg client sends, BEGIN/COMMIT included)
// and, at the end, the growth table.
//
// BENCH_INGEST_MESSAGES   messages per configuration (default 96), sent in BENCH_INGEST_ROUNDS rounds
//                         (default 4): each round runs the baseline and every code once, and the
//                         ratios are medians of the rounds' ratios (a busy machine moves all alike)
// BENCH_INGEST_SIZES      task counts, comma-separated (default 1000,5000,10000,20000)
// BENCH_INGEST_SENDERS    concurrent senders, comma-separated (default 1,16,32)
// BENCH_INGEST_ONLY       'pglite' | 'postgres'
// BENCH_INGEST_UNIT_TASKS the senders' units hold this many tasks whatever the plan's size (the rest
//                         goes to the other units). Unset, each unit holds tasks/300, as in issue 14's
//                         measurement — then the plan's size and the sender's own work grow together.
// BENCH_INGEST_BEFORE     another checkout of this repository (e.g. `git worktree add /tmp/before <commit>`):
//                         its inbound handler and work store are measured too, on the same database,
//                         interleaved with this one's, so one run gives before/after ratios.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createCalendar } from '../src/adapters/calendar/create-calendar.ts';
import { createInboundHandler } from '../src/chat/create-inbound-handler.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { silentLogger } from '../src/log/create-logger.ts';
import { systemClock } from '../src/ports/clock.ts';
import { openDatabase } from '../src/store/open-database.ts';
import { createPrismaWorkStore } from '../src/store/prisma-work-store.ts';
import { freshPostgres } from './fresh-postgres.ts';

const N = Number(process.env.BENCH_INGEST_MESSAGES ?? 96);
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 4);
const SIZES = (process.env.BENCH_INGEST_SIZES ?? '1000,5000,10000,20000').split(',').map(Number);
const SENDERS = (process.env.BENCH_INGEST_SENDERS ?? '1,16,32').split(',').map(Number);
const BEFORE = process.env.BENCH_INGEST_BEFORE;
const UNITS = 300;
const UNIT_TASKS = process.env.BENCH_INGEST_UNIT_TASKS ? Number(process.env.BENCH_INGEST_UNIT_TASKS) : undefined;
const MAX_SENDERS = Math.max(...SENDERS);
/** The unit index of sender s: distinct units, spread over the plan. */
const senderUnit = (s: number) => (s * 37) % UNITS;

// Every statement any pg client sends (Prisma's adapter and the bulk path both use pg): the round trips.
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

type Handler = { handle: ReturnType<typeof createInboundHandler>['handle']; close(): Promise<void> };
interface Code {
  name: string;
  handler(prisma: PrismaClient, dataDir: string): Handler;
}

const deps = (prisma: PrismaClient, dataDir: string, work: unknown) =>
  ({ prisma, work, clock: systemClock, calendar: createCalendar(), logger: silentLogger, dataDir, admins: [], botName: '督办助手' }) as Parameters<typeof createInboundHandler>[0];

const codes: Code[] = [{ name: 'this', handler: (prisma, dir) => createInboundHandler(deps(prisma, dir, createPrismaWorkStore(prisma))) }];
if (BEFORE) {
  const root = path.resolve(BEFORE);
  const h = (await import(path.join(root, 'src/chat/create-inbound-handler.ts'))) as { createInboundHandler: typeof createInboundHandler };
  const w = (await import(path.join(root, 'src/store/prisma-work-store.ts'))) as { createPrismaWorkStore: (p: PrismaClient) => unknown };
  codes.unshift({ name: 'before', handler: (prisma, dir) => h.createInboundHandler(deps(prisma, dir, w.createPrismaWorkStore(prisma))) });
}

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
  if (UNIT_TASKS !== undefined) {
    // The senders' units keep their first UNIT_TASKS tasks; the rest of theirs go to the other units.
    const min = (await prisma.unit.findFirstOrThrow({ orderBy: { id: 'asc' } })).id;
    const senders = [...new Set(Array.from({ length: MAX_SENDERS }, (_, s) => min + senderUnit(s)))];
    const others = Array.from({ length: UNITS }, (_, i) => min + i).filter((u) => !senders.includes(u));
    await prisma.$executeRawUnsafe(`UPDATE "Assignment" a SET "unitId" = (ARRAY[${others.join(',')}]::int[])[1 + a."id" % ${others.length}]
      FROM (SELECT "id", row_number() OVER (PARTITION BY "unitId" ORDER BY "taskId") AS n FROM "Assignment" WHERE "unitId" = ANY(ARRAY[${senders.join(',')}])) r
      WHERE a."id" = r."id" AND r.n > ${UNIT_TASKS}`);
  }
  // As right after a plan import: the planner has no statistics for the new rows yet (autovacuum
  // analyses later). A query plan that walks the plan shows here.
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

interface Measure {
  rate: number;
  /** Median over the rounds of (this rate ÷ the raw INSERT rate of the same round). */
  ofRaw: number;
  p50: number;
  p99: number;
  /** Statements per reply. */
  rt: number;
}
interface Row {
  db: string;
  tasks: number;
  raw: number;
  by: Map<string, Map<number, Measure>>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let seq = 0;
/** `count` replies from `senders` people at once: replies/s, latencies, statements sent. */
async function sendReplies(handler: Handler, minUnit: number, tasks: number, senders: number, count: number): Promise<{ rate: number; lat: number[]; statements: number }> {
  const lat: number[] = [];
  const s0 = statements;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async (_, s) => {
      const unitIdx = senderUnit(s);
      const unitId = minUnit + unitIdx;
      const own = Math.min(UNIT_TASKS ?? Infinity, Math.floor(tasks / UNITS)); // the unit's tasks: no = unitIdx + 300 j
      for (let k = 0; k < Math.ceil(count / senders); k++) {
        const no = unitIdx + UNITS * ((seq + k) % own) || UNITS; // a task of this unit
        const a = performance.now();
        await handler.handle({
          id: `bench-${seq++}`, channel: 'wechaty', roomId: `room-${unitId}`, roomTopic: `单位${unitIdx + 1}工作群`, talkerId: `wx-${unitId}`, talkerName: `联络员${unitId}`,
          text: `第${no}项已完成${(k % 9) * 10 + 10}%，存在资金缺口`, type: 'text', sentAt: new Date(), mentionsSelf: false,
        });
        lat.push(performance.now() - a);
      }
    }),
  );
  return { rate: (lat.length / (performance.now() - t0)) * 1000, lat, statements: statements - s0 };
}

async function rawInserts(prisma: PrismaClient, count: number): Promise<number> {
  const r0 = performance.now();
  for (let i = 0; i < count; i++) await prisma.$executeRaw`INSERT INTO bench_raw (k, body, at) VALUES (${`k${seq++}`}, ${'第3项已完成60%，存在资金缺口'}, ${new Date()})`;
  return (count / (performance.now() - r0)) * 1000;
}

async function run(label: string, url: string | undefined, tasks: number): Promise<Row> {
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-ingest-'));
  const row: Row = { db: label, tasks, raw: 0, by: new Map(codes.map((c) => [c.name, new Map()])) };
  try {
    await seed(db.prisma, tasks);
    const minUnit = (await db.prisma.unit.findFirstOrThrow({ orderBy: { id: 'asc' } })).id;
    await db.prisma.$executeRawUnsafe('CREATE TABLE bench_raw (id serial primary key, k text unique, body text, at timestamp(3))');
    const handlers = codes.map((c) => ({ c, h: c.handler(db.prisma, dataDir) }));
    const raws: number[] = [];
    const perRound = Math.max(1, Math.round(N / ROUNDS));
    for (const senders of SENDERS) {
      // Interleaved in rounds: the baseline, then each code, then again.
      const got = new Map(codes.map((c) => [c.name, { rates: [] as number[], ofRaw: [] as number[], lat: [] as number[], statements: 0 }]));
      const rawRates: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const raw = await rawInserts(db.prisma, perRound);
        rawRates.push(raw);
        for (const { c, h } of handlers) {
          const r = await sendReplies(h, minUnit, tasks, senders, perRound);
          const g = got.get(c.name)!;
          g.rates.push(r.rate);
          g.ofRaw.push(r.rate / raw);
          g.lat.push(...r.lat);
          g.statements += r.statements;
        }
      }
      raws.push(median(rawRates));
      for (const c of codes) {
        const g = got.get(c.name)!;
        const m: Measure = { rate: median(g.rates), ofRaw: median(g.ofRaw), p50: pct(g.lat, 50), p99: pct(g.lat, 99), rt: g.statements / g.lat.length };
        row.by.get(c.name)!.set(senders, m);
        console.log(
          `${label}, ${tasks} tasks, ${c.name}, ${String(senders).padStart(2)} sender(s): ${m.rate.toFixed(0)} replies/s (${(m.ofRaw * 100).toFixed(0)} % of raw INSERT ${median(rawRates).toFixed(0)}/s), ` +
            `p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, ${m.rt.toFixed(1)} round trips/reply`,
        );
      }
    }
    row.raw = median(raws);
    for (const { h } of handlers) await h.close();
    const counts = await db.prisma.inboundMessage.groupBy({ by: ['status'], _count: true });
    const progress = await db.prisma.progressUpdate.count();
    const replies = await db.prisma.outbox.count({ where: { idempotencyKey: { startsWith: 'reply:' } } });
    console.log(`  check: inbound ${counts.map((c) => `${c.status} ${c._count}`).join(', ')}; ${progress} progress rows; ${replies} confirmations queued`);
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return row;
}

const rows: Row[] = [];
const only = process.env.BENCH_INGEST_ONLY; // 'pglite' | 'postgres'
for (const tasks of SIZES) {
  if (only !== 'postgres') rows.push(await run('PGlite', undefined, tasks));
  if (only !== 'pglite') {
    const p = await freshPostgres();
    if (!p) {
      console.log('Postgres: not reachable, skipped');
      continue;
    }
    try {
      rows.push(await run('Postgres', p.url, tasks));
    } finally {
      await p.drop();
    }
  }
}

// The growth table: per database, tasks down, senders across; each rate also as a share of the
// raw INSERT rate measured in the same configuration.
console.log(`\nEach sender's unit holds ${UNIT_TASKS === undefined ? 'tasks ÷ 300 tasks (grows with the plan)' : `${UNIT_TASKS} tasks whatever the plan's size`}.`);
console.log('Growth (median replies/s; median % of the raw single-row INSERT rate of the same round; p99 ms; round trips per reply):');
for (const db of [...new Set(rows.map((r) => r.db))]) {
  for (const c of codes) {
    console.log(`\n${db}${codes.length > 1 ? ` — ${c.name}` : ''}`);
    console.log(`| tasks | raw INSERT/s | ${SENDERS.map((s) => `${s} sender${s > 1 ? 's' : ''}`).join(' | ')} | round trips |`);
    console.log(`| --- | --- | ${SENDERS.map(() => '---').join(' | ')} | --- |`);
    for (const r of rows.filter((x) => x.db === db)) {
      const ms = r.by.get(c.name)!;
      const cells = SENDERS.map((s) => {
        const m = ms.get(s)!;
        return `${m.rate.toFixed(0)}/s ${(m.ofRaw * 100).toFixed(0)} % p99 ${m.p99.toFixed(0)}`;
      });
      console.log(`| ${r.tasks} | ${r.raw.toFixed(0)} | ${cells.join(' | ')} | ${ms.get(SENDERS[0]!)!.rt.toFixed(1)} |`);
    }
  }
  if (codes.length > 1) {
    console.log(`\n${db} — this ÷ before (median replies/s over the rounds, same run)`);
    for (const r of rows.filter((x) => x.db === db)) {
      const ratio = SENDERS.map((s) => `${s}: ${(r.by.get('this')!.get(s)!.rate / r.by.get('before')!.get(s)!.rate).toFixed(2)}×`);
      console.log(`  ${r.tasks} tasks: ${ratio.join(', ')}`);
    }
  }
}
