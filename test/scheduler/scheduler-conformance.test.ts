import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScheduler } from '../../src/adapters/scheduler/create-scheduler.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import type { JobHandler, SchedulerJob, SchedulerPort } from '../../src/ports/scheduler.ts';
import { REDIS_TEST_URL } from '../helpers/databases.ts';
import { dropPrefix, uniquePrefix } from './redis-helpers.ts';

/** One suite, run against both backends: the processors in jobs/ rely on exactly these behaviours. */
const BACKENDS = [
  { name: 'node-cron', redisUrl: undefined },
  { name: 'bullmq', redisUrl: REDIS_TEST_URL },
];

const slot = (n: number): SchedulerJob => ({ name: 'slot', cadenceKey: `c${n}`, slotAt: new Date(Date.UTC(2026, 4, n)).toISOString() });

describe.each(BACKENDS)('scheduler conformance: $name', ({ name, redisUrl }) => {
  const open: SchedulerPort[] = [];
  const prefixes: string[] = [];
  const make = (handler: JobHandler, tickPattern = '0 0 1 1 *') => {
    const prefix = uniquePrefix('conf');
    prefixes.push(prefix);
    const s = createScheduler({ redisUrl, logger: silentLogger, handler, tickPattern, prefix, queueName: 'conf' });
    open.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    if (redisUrl) for (const p of prefixes.splice(0)) await dropPrefix(redisUrl, p);
  });

  it(`is the ${name} backend`, () => {
    expect(make(async () => {}).backend).toBe(name);
  });

  it('runs an enqueued job once, even when enqueued twice with the same id', async () => {
    const seen: SchedulerJob[] = [];
    const s = make(async (job) => void (job.name === 'slot' && seen.push(job)));
    await s.start();
    await s.enqueue(slot(1), { id: 'slot_c1' });
    await s.enqueue(slot(1), { id: 'slot_c1' });
    await s.enqueue(slot(2), { id: 'slot_c2' });
    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 5_000, interval: 20 });
    await s.enqueue(slot(1), { id: 'slot_c1' }); // after it ran, too
    await s.enqueue(slot(3), { id: 'slot_c3' });
    await vi.waitFor(() => expect(seen).toHaveLength(3), { timeout: 5_000, interval: 20 });
    expect(seen.map((j) => (j.name === 'slot' ? j.cadenceKey : j.name)).sort()).toEqual(['c1', 'c2', 'c3']);
  });

  it('lets a job fan out into follow-up jobs', async () => {
    const seen: string[] = [];
    const s = make(async (job, ctx) => {
      if (job.name === 'tick' && !job.now) return; // the start-up tick
      seen.push(job.name);
      if (job.name === 'tick') for (const n of [1, 2, 3]) await ctx.enqueue(slot(n), { id: `fan_${n}` });
    });
    await s.start();
    await s.enqueue({ name: 'tick', now: '2026-05-01T01:00:00Z' });
    await vi.waitFor(() => expect(seen.filter((n) => n === 'slot')).toHaveLength(3), { timeout: 5_000, interval: 20 });
    expect(seen[0]).toBe('tick');
  });

  it('ticks once at start, to catch up after downtime', async () => {
    const ticks: SchedulerJob[] = [];
    const s = make(async (job) => void (job.name === 'tick' && ticks.push(job)));
    await s.start();
    await vi.waitFor(() => expect(ticks).toEqual([{ name: 'tick' }]), { timeout: 5_000, interval: 20 });
  });

  it('keeps processing after a job fails', async () => {
    const done: string[] = [];
    const s = make(async (job) => {
      if (job.name === 'slot' && job.cadenceKey === 'c1') throw new Error('boom');
      if (job.name === 'slot') done.push(job.cadenceKey);
    });
    await s.start();
    await s.enqueue(slot(1), { id: 'bad' });
    await s.enqueue(slot(2), { id: 'good' });
    await vi.waitFor(() => expect(done).toEqual(['c2']), { timeout: 5_000, interval: 20 });
  });

  it('fires the tick on its cron pattern, and close() (twice) stops it', async () => {
    const ticks: number[] = [];
    const s = make(async (job) => void (job.name === 'tick' && ticks.push(Date.now())), '* * * * * *');
    await s.start();
    await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(2), { timeout: 6_000, interval: 20 });
    await s.close();
    await s.close();
    const n = ticks.length;
    await new Promise((r) => setTimeout(r, 1_200)); // one more tick period: none may arrive
    expect(ticks.length).toBe(n);
    await s.enqueue(slot(9), { id: 'after_close' }).catch(() => undefined);
  });
});
