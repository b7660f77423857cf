import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startOwnRedis } from './own-redis.ts';
import { uniquePrefix } from './redis-helpers.ts';
import { prepareFleetRun, until, workerFleet } from './worker-fleet.ts';

/**
 * Three worker processes (tsx child processes) share one Postgres and a private Redis over a
 * simulated month. The parent is the clock: for each slot time it enqueues a `tick` job carrying
 * that virtual time and re-enqueues it every second until the database shows the slots at that
 * time done — as the real once-a-minute tick would keep firing. The workers do everything else:
 * tick → slot jobs (deduplicated by id across workers) → planning → outbox → delivery (claimed
 * with SKIP LOCKED). On the way one worker is SIGKILLed in the middle of a send and restarted, and
 * Redis is killed and restarted empty.
 */
const FROM = '2026-04-27';
const TO = '2026-05-27';

describe('three workers on real Redis over a simulated month', () => {
  const procs = new Set<ChildProcess>();
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('delivers every dispatch once through a worker SIGKILL mid-send and a Redis restart; the interrupted send is flagged 可能未送达, never repeated', { timeout: 240_000 }, async () => {
    // The expected dispatches: the same fixture and month, in one process.
    const { expected, pg, db, slots, times } = await prepareFleetRun(cleanups, FROM, TO);

    const redis = await startOwnRedis();
    cleanups.push(redis.stop);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-multi-'));
    const deliveries = path.join(dir, 'deliveries.jsonl');
    const hangFile = path.join(dir, 'hang');
    const { queue, spawnWorker, lines, slotsDoneAt } = workerFleet({
      databaseUrl: pg.url, redisUrl: redis.url, prefix: uniquePrefix('multi'), deliveries, sendDelayMs: 150, procs, cleanups, db, slots,
    });

    const workers = [spawnWorker({ HANG_FILE: hangFile }), spawnWorker(), spawnWorker()];
    await until(() => lines().filter((l) => l.phase === 'ready').length === 3, 'workers ready');

    let killed: { pid: number } | undefined;
    let watcher: NodeJS.Timeout | undefined;
    cleanups.push(async () => clearInterval(watcher));
    let redisRestarted = false;
    for (const [i, t] of times.entries()) {
      let attempt = 0;
      const tick = () => queue.add('tick', { name: 'tick', now: new Date(t).toISOString() }, { jobId: `tick_${t}_${attempt++}` }).catch(() => undefined);
      await tick();
      if (!redisRestarted && i === Math.floor((2 * times.length) / 3)) {
        // Kill Redis while this tick and its slot jobs are in flight; it comes back empty.
        await new Promise((r) => setTimeout(r, 30));
        await redis.restart();
        redisRestarted = true;
      }
      const retick = setInterval(() => void tick(), 1_000);
      try {
        await until(() => slotsDoneAt(t), `slots at ${new Date(t).toISOString()}`);
      } finally {
        clearInterval(retick);
      }

      if (!watcher && i === Math.floor(times.length / 3)) {
        // From here on, the first worker's next send() hangs inside send(): kill it there, so its
        // last line is a 'begin' without a 'done'. Then start a fresh worker in its place.
        const victim = workers[0]!;
        fs.writeFileSync(hangFile, '');
        watcher = setInterval(() => {
          if (killed || !lines().some((l) => l.pid === victim.pid && l.hang)) return;
          victim.kill('SIGKILL');
          killed = { pid: victim.pid! };
          victim.once('exit', () => (workers[0] = spawnWorker()));
        }, 5);
      }
    }
    await until(() => !!killed, 'a worker killed mid-send', 30_000);
    // Drained: nothing pending or in flight. The row whose sender was killed mid-send is settled at
    // most once (a scheduled message): failed with 可能未送达 after its lease, never re-sent blind.
    await until(async () => (await db.prisma.outbox.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0, 'outbox drained', 90_000);

    expect(killed).toBeDefined();
    expect(redisRestarted).toBe(true);
    // The killed worker began a send it never finished.
    const byVictim = lines().filter((l) => l.pid === killed!.pid);
    expect(byVictim.at(-1)).toMatchObject({ phase: 'begin', hang: true });
    // The work really was shared: at least three processes delivered.
    expect(new Set(lines().filter((l) => l.phase === 'done').map((l) => l.pid)).size).toBeGreaterThanOrEqual(3);

    // Every planned slot ran once; none was missed.
    expect(await db.prisma.slotRun.count({ where: { state: 'done' } })).toBe(slots.length);
    expect(await db.prisma.slotRun.count({ where: { state: { not: 'done' } } })).toBe(0);

    // The same dispatches as the single-process run, by idempotency key (notices to admins aside).
    const all = await db.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
    const rows = all.filter((r) => !r.idempotencyKey.startsWith('delivery_unknown:'));
    expect(rows.map((r) => r.idempotencyKey).sort()).toEqual(expected.map((d) => d.key).sort());

    // At most the killed send is unknown, and it says so; everything else was sent.
    const unknown = rows.filter((r) => r.status !== 'sent');
    expect(unknown.length).toBeLessThanOrEqual(1);
    for (const r of unknown) expect(r).toMatchObject({ status: 'failed', lastError: expect.stringContaining('可能未送达') });

    // Each sent row (the admins' 可能未送达 notice too) delivered exactly once, nothing twice: the deliveries are the sent rows, as a multiset.
    const canon = (m: { target?: unknown; text?: string; mentions?: string[] }) => JSON.stringify([m.target, m.text, m.mentions]);
    const delivered = lines().filter((l) => l.phase === 'done').map(canon).sort();
    const wanted = all.filter((r) => r.status === 'sent').map((r) => canon({ target: { kind: r.targetKind, ref: r.targetRef }, text: r.text, mentions: r.mentions })).sort();
    expect(delivered).toEqual(wanted);
  });
});
