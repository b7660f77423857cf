import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { connectionFromUrl } from '../../src/adapters/scheduler/bullmq-scheduler.ts';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { createCadenceEngine } from '../../src/engine/create-cadence-engine.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { openDatabase, type Database } from '../../src/store/open-database.ts';
import { createPgDatabase, openTestDatabase } from '../helpers/databases.ts';
import { fixedReports, loadFixture } from '../cadence/fixture.ts';
import { runFixture } from '../cadence/run-fixture-month.ts';

// What the multi-worker tests share: the fixture's expected dispatches from one in-process run, the
// same fixture in a PostgreSQL of its own with its slots planned, and worker processes
// (fixtures/cadence-worker.ts) that write each delivery to a file.

const WORKER = path.resolve('test/scheduler/fixtures/cadence-worker.ts');
export type Cleanup = () => Promise<unknown>;
export type Delivery = { pid: number; phase: string; hang?: boolean; target?: unknown; text?: string; mentions?: string[] };

/** The expected dispatches of [from, to), and the fixture loaded into a fresh PostgreSQL with its slot times. */
export async function prepareFleetRun(cleanups: Cleanup[], from: string, to: string) {
  const ref: Database = await openTestDatabase('pglite');
  cleanups.push(() => ref.close());
  const expected = (await runFixture(ref, from, to)).dispatches;
  const pg = await createPgDatabase();
  cleanups.push(pg.drop);
  const db = await openDatabase({ databaseUrl: pg.url, dataDir: 'memory://' });
  cleanups.push(() => db.close());
  await loadFixture(db.prisma);
  const clock = new ManualClock(`${from}T00:00:00+08:00`);
  const engine = createCadenceEngine({ prisma: db.prisma, calendar: createCalendar(), clock, logger: silentLogger, cadenceFile: 'config/cadences.json', templatesFile: 'config/templates.json', reports: fixedReports });
  const slots = await engine.planUpcoming(clock.now(), new Date(`${to}T00:00:00+08:00`)); // also seeds the cadences as of `from`
  const times = [...new Set(slots.map((s) => s.at.getTime()))].sort((a, b) => a - b);
  return { expected, pg, db, slots, times };
}

/** Polls `cond` until it holds, or fails naming `what`. */
export async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 60_000, everyMs = 25): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Worker processes on one database, Redis and queue prefix, each delivery a line of `deliveries`;
 * the queue to tick them, and whether every slot planned at a time is done.
 */
export function workerFleet(o: {
  databaseUrl: string; redisUrl: string; prefix: string; deliveries: string; sendDelayMs: number; env?: Record<string, string>;
  procs: Set<ChildProcess>; cleanups: Cleanup[]; db: Database; slots: { at: Date }[];
}) {
  fs.writeFileSync(o.deliveries, '');
  const queue = new Queue('cadence', { connection: connectionFromUrl(o.redisUrl), prefix: o.prefix });
  o.cleanups.push(() => queue.close());
  queue.on('error', () => undefined);
  return {
    queue,
    spawnWorker(env: Record<string, string> = {}): ChildProcess {
      const p = spawn(process.execPath, ['--import', 'tsx', WORKER], {
        env: { ...process.env, DATABASE_URL: o.databaseUrl, REDIS_URL: o.redisUrl, QUEUE_PREFIX: o.prefix, DELIVERIES_FILE: o.deliveries, SEND_DELAY_MS: String(o.sendDelayMs), LEASE_MS: '3000', ...o.env, ...env },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      o.procs.add(p);
      p.once('exit', () => o.procs.delete(p));
      return p;
    },
    lines: (): Delivery[] => fs.readFileSync(o.deliveries, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Delivery),
    slotsDoneAt: async (t: number) =>
      (await o.db.prisma.slotRun.count({ where: { slotAt: new Date(t), state: 'done' } })) === o.slots.filter((s) => s.at.getTime() === t).length,
  };
}
