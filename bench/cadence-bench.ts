// Cadence engine: time to plan and record one 周调度 slot for 10,000 open tasks over 300 units
// (embedded PGlite, and a real Postgres when BENCH_DATABASE_URL or the local test server is
// reachable), and scheduler firing lag of the tick for both backends (node-cron; BullMQ on
// BENCH_REDIS_URL, default redis://127.0.0.1:6379).
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createScheduler } from '../src/adapters/scheduler/create-scheduler.ts';
import { createCalendar } from '../src/adapters/calendar/create-calendar.ts';
import { atLocal } from '../src/domain/calendar/shanghai-time.ts';
import { createCadenceEngine } from '../src/engine/create-cadence-engine.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { silentLogger } from '../src/log/create-logger.ts';
import { ManualClock } from '../src/ports/clock.ts';
import { openDatabase } from '../src/store/open-database.ts';
import { freshPostgres } from './fresh-postgres.ts';
import { seedWork } from '../test/helpers/seed-work.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const UNITS = Number(process.env.BENCH_UNITS ?? 300);
/** Plan sizes for the growth table (Postgres): tasks, with units growing as 3 per 100 tasks (300 at 10,000). */
const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,10000,20000').split(',').filter(Boolean).map(Number);
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The bench's work model at the configured size (see test/helpers/seed-work.ts). */
export async function seed(prisma: PrismaClient, size = { tasks: TASKS, units: UNITS }): Promise<void> {
  await seedWork(prisma, size);
}

async function benchSlot(label: string, databaseUrl?: string, size = { tasks: TASKS, units: UNITS }): Promise<void> {
  const db = await openDatabase({ databaseUrl, dataDir: 'memory://' });
  try {
    const t0 = performance.now();
    await seed(db.prisma, size);
    const seeded = performance.now() - t0;
    const clock = new ManualClock('2026-05-11T00:00:00+08:00');
    const engine = createCadenceEngine({ prisma: db.prisma, calendar: createCalendar(), clock, logger: silentLogger, cadenceFile: 'config/cadences.json', templatesFile: 'config/templates.json' });
    await engine.listCadences();
    const runs: { ms: number; messages: number; planMs: number; recordMs: number }[] = [];
    for (const monday of ['2026-05-11', '2026-05-18', '2026-05-25']) {
      const at = atLocal(monday, '09:00');
      clock.set(at);
      const s = performance.now();
      const r = await engine.runSlot('weekly_reminder', at);
      runs.push({ ms: performance.now() - s, messages: r.messages, planMs: r.planMs ?? 0, recordMs: r.recordMs ?? 0 });
    }
    const again = performance.now();
    await engine.runSlot('weekly_reminder', atLocal('2026-05-25', '09:00'));
    const rerun = performance.now() - again;
    const base = await baseline(db.prisma, runs[0]!.messages);
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
    const med = (k: 'planMs' | 'recordMs') => runs.map((r) => r[k]).sort((a, b) => a - b)[1]!.toFixed(0);
    console.log(
      `${label}: 周调度 slot, ${size.tasks} tasks / ${size.units} units → ${runs[0]!.messages} messages; plan+record median ${ms[1]!.toFixed(0)} ms (min ${ms[0]!.toFixed(0)}, max ${ms[2]!.toFixed(0)}; planning ${med('planMs')} ms, writing the outbox ${med('recordMs')} ms); already-done re-run ${rerun.toFixed(1)} ms; seeding ${(seeded / 1000).toFixed(1)} s`,
    );
    console.log(`${label}: baseline in the same database — raw SQL reading every open assignment with its task and last report ${base.readMs.toFixed(0)} ms, one INSERT of the same ${runs[0]!.messages} outbox rows ${base.insertMs.toFixed(0)} ms (median of 3)`);
  } finally {
    await db.close();
  }
}


/** What the slot could not do faster than: read the assignments it decides over, and insert its rows in one statement. */
async function baseline(prisma: PrismaClient, rows: number): Promise<{ readMs: number; insertMs: number }> {
  const read: number[] = [];
  const insert: number[] = [];
  const sent = (await prisma.outbox.findMany({ where: { cadence: 'weekly_reminder' }, select: { text: true, mentions: true }, orderBy: { id: 'asc' } })).slice(0, rows);
  for (let i = 0; i < 3; i++) {
    let t = performance.now();
    await prisma.$queryRawUnsafe(`SELECT a."unitId", a."id", a."state", t."no", t."title", t."deadline",
        (SELECT max(p."reportedAt") FROM "ProgressUpdate" p WHERE p."taskId" = a."taskId" AND p."unitId" = a."unitId") AS "last"
      FROM "Assignment" a JOIN "Task" t ON t."id" = a."taskId" WHERE a."state" <> 'closed'`);
    read.push(performance.now() - t);
    // The very texts and mentions the slot wrote, under new keys.
    const json = JSON.stringify(sent.map((o, k) => ({ k: `base-${i}-${k}`, t: o.text, m: o.mentions })));
    t = performance.now();
    await prisma.$executeRawUnsafe(`INSERT INTO "Outbox" ("idempotencyKey", "targetKind", "targetRef", "text", "mentions", "updatedAt")
      SELECT x.k, 'group', 'g', x.t, ARRAY(SELECT json_array_elements_text(x.m)), now() FROM json_to_recordset($1::json) AS x(k text, t text, m json)`, json);
    insert.push(performance.now() - t);
  }
  const med = (l: number[]) => l.sort((a, b) => a - b)[1]!;
  return { readMs: med(read), insertMs: med(insert) };
}

async function benchLag(backend: 'node-cron' | 'bullmq', n = 6): Promise<void> {
  const lags: number[] = [];
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const prefix = `duban-bench-${crypto.randomBytes(4).toString('hex')}`;
  const scheduler = createScheduler({
    redisUrl: backend === 'bullmq' ? REDIS : undefined,
    logger: silentLogger,
    tickPattern: '* * * * * *',
    tickOnStart: false,
    prefix,
    queueName: 'lag',
    handler: async (job) => {
      if (job.name !== 'tick') return;
      const now = Date.now();
      lags.push(now - Math.floor(now / 1000) * 1000); // the tick is due on the second
      if (lags.length >= n) resolve();
    },
  });
  await scheduler.start();
  await done;
  await scheduler.close();
  if (backend === 'bullmq') {
    const { Redis } = await import('ioredis');
    const r = new Redis(REDIS);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  }
  lags.sort((a, b) => a - b);
  console.log(`scheduler firing lag (${backend}, ${n} ticks of a per-second pattern): median ${lags[Math.floor(n / 2)]} ms, max ${lags.at(-1)} ms`);
}

if (process.argv[1] && import.meta.filename === (await import('node:path')).resolve(process.argv[1])) await main();

async function main(): Promise<void> {
await benchSlot('PGlite (embedded)');
// Growth: the same slot on Postgres at each plan size, each in its own fresh database.
// BENCH_DATABASE_URL names one database: one size only there.
for (const tasks of process.env.BENCH_DATABASE_URL ? [TASKS] : SIZES) {
  const pgdb = await freshPostgres();
  if (!pgdb) {
    console.log('Postgres: not reachable, skipped');
    break;
  }
  try {
    await benchSlot('Postgres', pgdb.url, { tasks, units: Math.max(30, Math.round((tasks * 3) / 100)) });
  } finally {
    await pgdb.drop();
  }
}
await benchLag('node-cron');
await benchLag('bullmq').catch((e: Error) => console.log(`bullmq lag: skipped (${e.message})`));
}
