import type { SchedulerPort } from '../../ports/scheduler.ts';
import { createBullmqScheduler, type BullmqSchedulerOptions } from './bullmq-scheduler.ts';
import { createNodeCronScheduler } from './node-cron-scheduler.ts';

/** Cron fires on wall time; what a tick does reads the engine's clock, so no clock is needed here. */
export type CreateSchedulerOptions = Omit<BullmqSchedulerOptions, 'redisUrl'> & {
  /** Set → BullMQ on this Redis (many workers); unset → node-cron in this process. */
  redisUrl?: string | undefined;
};

export function createScheduler({ redisUrl, ...opts }: CreateSchedulerOptions): SchedulerPort {
  if (redisUrl) return createBullmqScheduler({ ...opts, redisUrl });
  const { handler, logger, tickPattern, tickOnStart } = opts;
  return createNodeCronScheduler({
    handler,
    logger,
    ...(tickPattern ? { tickPattern } : {}),
    ...(tickOnStart !== undefined ? { tickOnStart } : {}),
  });
}
