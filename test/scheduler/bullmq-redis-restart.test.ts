import { afterAll, describe, expect, it, vi } from 'vitest';
import { createScheduler } from '../../src/adapters/scheduler/create-scheduler.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import type { SchedulerPort } from '../../src/ports/scheduler.ts';
import { startOwnRedis } from './own-redis.ts';
import { uniquePrefix } from './redis-helpers.ts';

describe('BullMQ scheduler across a Redis restart that loses all data', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('puts its tick back and keeps processing enqueued jobs', { timeout: 60_000 }, async () => {
    const redis = await startOwnRedis();
    cleanups.push(redis.stop);
    const ticks: number[] = [];
    const slots: string[] = [];
    const s: SchedulerPort = createScheduler({
      redisUrl: redis.url,
      logger: silentLogger,
      tickPattern: '* * * * * *',
      tickOnStart: false,
      tickGuardMs: 200,
      prefix: uniquePrefix('restart'),
      handler: async (job) => {
        if (job.name === 'tick') ticks.push(Date.now());
        else slots.push(job.cadenceKey);
      },
    });
    cleanups.push(() => s.close());
    await s.start();
    await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(1), { timeout: 5_000, interval: 20 });

    await redis.restart(); // the job scheduler and every queued job are gone
    const after = Date.now();
    await vi.waitFor(() => expect(ticks.filter((t) => t > after + 100).length).toBeGreaterThanOrEqual(2), { timeout: 15_000, interval: 50 });
    await s.enqueue({ name: 'slot', cadenceKey: 'after_restart', slotAt: new Date().toISOString() }, { id: 'after_restart' });
    await vi.waitFor(() => expect(slots).toEqual(['after_restart']), { timeout: 10_000, interval: 20 });
  });
});
