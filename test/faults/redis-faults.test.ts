import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startOwnRedis } from '../scheduler/own-redis.ts';
import { uniquePrefix } from '../scheduler/redis-helpers.ts';
import { prepareFleetRun, until as untilHolds, workerFleet } from '../scheduler/worker-fleet.ts';

/**
 * Redis killed under the BullMQ path while slots are due. Two worker processes (the real engine, the
 * BullMQ scheduler and the outbox sender; test/scheduler/fixtures/cadence-worker.ts) share a
 * PostgreSQL and a private redis-server on port 56379 with an fsync'd append-only file. The parent is
 * the clock: for each slot time of two simulated weeks it enqueues a tick carrying that time, and
 * re-enqueues it every second until the database shows the time's slots done, as the real
 * once-a-minute tick keeps firing. Redis is SIGKILLed and restarted on its data three times and
 * wiped once, each time just after a tick went in. Redis holds only jobs; the record is in
 * PostgreSQL, so: no slot lost, none planned twice, every message delivered exactly once (no sender
 * was killed, so the 可能未送达 window never opens).
 */
const PORT = 56379;
const FROM = '2026-04-27';
const TO = '2026-05-11';
const hasRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** Whether something answers on the port already (a leftover server must not be mistaken for ours). */
const portTaken = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/** What `a` has beyond `b`, counting repeats (multiset difference). */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  return a.filter((x) => {
    const n = left.get(x) ?? 0;
    if (n) left.set(x, n - 1);
    return !n;
  });
}

describe.skipIf(!hasRedis)('Redis SIGKILLed and wiped under the BullMQ scheduler while slots are due', () => {
  const procs = new Set<ChildProcess>();
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('loses no slot, plans none twice, and delivers every message exactly once', { timeout: 300_000 }, async () => {
    expect(await portTaken(PORT), `port ${PORT} is in use`).toBe(false);
    const { expected, pg, db, slots, times } = await prepareFleetRun(cleanups, FROM, TO);
    expect(times.length).toBeGreaterThanOrEqual(8);

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-redis-faults-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const redisDir = path.join(dataDir, 'redis');
    fs.mkdirSync(redisDir);
    const redis = await startOwnRedis(PORT, { persistDir: redisDir });
    cleanups.push(redis.stop);
    // The two faults are what they say: a crash keeps what Redis wrote, a wipe does not.
    const probe = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    probe.on('error', () => undefined);
    await probe.set('probe', '1');
    await redis.crash();
    expect(await probe.get('probe')).toBe('1');
    await redis.restart();
    expect(await probe.get('probe')).toBeNull();
    probe.disconnect();
    const { queue, spawnWorker, lines, slotsDoneAt } = workerFleet({
      databaseUrl: pg.url, redisUrl: redis.url, prefix: uniquePrefix('redis-faults'), deliveries: path.join(dataDir, 'deliveries.jsonl'), sendDelayMs: 20,
      env: { WORKER_LOG_LEVEL: 'silent' }, procs, cleanups, db, slots,
    });
    const until = (cond: () => Promise<boolean> | boolean, what: string, ms = 90_000) => untilHolds(cond, what, ms);

    spawnWorker();
    spawnWorker();
    await until(() => lines().filter((l) => l.phase === 'ready').length === 2, 'workers ready');

    // Which fault at which slot time: SIGKILL and back on its data, or SIGKILL and back empty.
    const faults = new Map<number, 'crash' | 'wipe'>([
      [Math.floor(times.length / 5), 'crash'],
      [Math.floor((2 * times.length) / 5), 'crash'],
      [Math.floor((3 * times.length) / 5), 'wipe'],
      [Math.floor((4 * times.length) / 5), 'crash'],
    ]);
    const done: string[] = [];
    for (const [i, t] of times.entries()) {
      let attempt = 0;
      const tick = () => queue.add('tick', { name: 'tick', now: new Date(t).toISOString() }, { jobId: `tick_${t}_${attempt++}` }).catch(() => undefined);
      await tick();
      const fault = faults.get(i);
      if (fault) {
        // While this tick and its slot jobs are in flight.
        await new Promise((r) => setTimeout(r, 30));
        if (fault === 'crash') await redis.crash();
        else await redis.restart();
        done.push(fault);
      }
      const retick = setInterval(() => void tick(), 1_000);
      try {
        await until(() => slotsDoneAt(t), `slots at ${new Date(t).toISOString()}`);
      } finally {
        clearInterval(retick);
      }
    }
    await until(async () => (await db.prisma.outbox.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0, 'outbox drained');
    expect(done).toEqual(['crash', 'crash', 'wipe', 'crash']);

    // Every planned slot ran, once; none is left running or missed.
    const runs = await db.prisma.slotRun.findMany();
    const planned = runs.length;
    expect(runs.filter((r) => r.state === 'done')).toHaveLength(slots.length);
    expect(planned).toBe(slots.length);
    // The same dispatches as the single-process run without faults, by idempotency key: none lost, none twice.
    const all = await db.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(all.map((r) => r.idempotencyKey).sort()).toEqual(expected.map((d) => d.key).sort());
    // Sends follow the README: no sender was killed, so every message is sent, and delivered exactly once.
    expect(all.filter((r) => r.status !== 'sent')).toEqual([]);
    const canon = (m: { target?: unknown; text?: string; mentions?: string[] }) => JSON.stringify([m.target, m.text, m.mentions]);
    const delivered = lines().filter((l) => l.phase === 'done').map(canon).sort();
    const wanted = all.map((r) => canon({ target: { kind: r.targetKind, ref: r.targetRef }, text: r.text, mentions: r.mentions })).sort();
    const lost = minus(wanted, delivered).length;
    const duplicated = minus(delivered, wanted).length;
    console.log(`Redis faults (3 SIGKILL + restart on its data, 1 wipe): slots planned ${slots.length} / ran ${planned}; messages planned ${wanted.length} / delivered ${delivered.length} / lost ${lost} / duplicated ${duplicated}`);
    expect(delivered).toEqual(wanted);
  });
});
