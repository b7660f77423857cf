import type { Logger } from '../../log/create-logger.ts';
import type { Clock } from '../../ports/clock.ts';
import type { JobHandler, SchedulerPort } from '../../ports/scheduler.ts';
import { createBullmqScheduler } from './bullmq-scheduler.ts';
import { createNodeCronScheduler } from './node-cron-scheduler.ts';

export interface CreateSchedulerOptions {
  /** Set → BullMQ on this Redis (many workers); unset → node-cron in this process. */
  redisUrl?: string | undefined;
  clock: Clock;
  logger: Logger;
  handler: JobHandler;
  /** Cron pattern of the tick (default every minute). */
  tickPattern?: string;
  queueName?: string;
  prefix?: string;
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Run one tick right at start, catching up missed slots (default true). */
  tickOnStart?: boolean;
  /** BullMQ: how often to check the tick scheduler survived in Redis (default 10 s). */
  tickGuardMs?: number;
}

export function createScheduler(opts: CreateSchedulerOptions): SchedulerPort {
  if (opts.redisUrl) {
    return createBullmqScheduler({
      redisUrl: opts.redisUrl,
      handler: opts.handler,
      logger: opts.logger,
      ...(opts.tickPattern ? { tickPattern: opts.tickPattern } : {}),
      ...(opts.queueName ? { queueName: opts.queueName } : {}),
      ...(opts.prefix ? { prefix: opts.prefix } : {}),
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...(opts.lockDurationMs ? { lockDurationMs: opts.lockDurationMs } : {}),
      ...(opts.stalledIntervalMs ? { stalledIntervalMs: opts.stalledIntervalMs } : {}),
      ...(opts.tickOnStart !== undefined ? { tickOnStart: opts.tickOnStart } : {}),
      ...(opts.tickGuardMs ? { tickGuardMs: opts.tickGuardMs } : {}),
    });
  }
  return createNodeCronScheduler({
    handler: opts.handler,
    logger: opts.logger,
    ...(opts.tickPattern ? { tickPattern: opts.tickPattern } : {}),
    ...(opts.tickOnStart !== undefined ? { tickOnStart: opts.tickOnStart } : {}),
  });
}
