import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../../log/create-logger.ts';
import type { EnqueueOptions, JobHandler, SchedulerJob, SchedulerPort } from '../../ports/scheduler.ts';

export interface BullmqSchedulerOptions {
  redisUrl: string;
  handler: JobHandler;
  logger: Logger;
  tickPattern?: string;
  /** Queue name and key prefix: one per deployment (and per test). */
  queueName?: string;
  prefix?: string;
  concurrency?: number;
  /** How long a job stays locked to a worker that stopped renewing it (default 30 s), and how often stalls are checked (15 s). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Enqueue one tick at start so missed slots are caught up at once (default true). */
  tickOnStart?: boolean;
  /** How often to check that the tick scheduler still exists in Redis (default 10 s). */
  tickGuardMs?: number;
}

/**
 * BullMQ on Redis: any number of worker processes share one queue. The tick is a BullMQ job
 * scheduler, whose every iteration has a deterministic id, so it runs on one worker only; slot jobs
 * carry deterministic ids too. A worker killed mid-job leaves it stalled and another worker re-runs
 * it — the processors are idempotent (SlotRun, outbox keys), so a re-run adds nothing.
 *
 * If Redis loses its data (restart without persistence) the tick scheduler is re-created when the
 * connection comes back; slots lost with it are found again by the next tick, since the database,
 * not Redis, records which slots ran.
 */
export function createBullmqScheduler(opts: BullmqSchedulerOptions): SchedulerPort {
  const { handler, logger } = opts;
  const name = opts.queueName ?? 'duban';
  const prefix = opts.prefix ?? 'duban';
  const connection = connectionFromUrl(opts.redisUrl);
  const queue = new Queue(name, { connection, prefix });
  queue.on('error', (e) => logger.warn({ err: e.message }, 'redis (queue) error'));
  let worker: Worker | undefined;
  let guard: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;

  const enqueue = async (job: SchedulerJob, o: EnqueueOptions = {}) => {
    await queue.add(job.name, job, {
      ...(o.id ? { jobId: o.id } : {}),
      attempts: 5,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { age: 7 * 86400, count: 20_000 },
      // A failed slot job is dropped so the next tick can enqueue it again under the same id
      // (SlotRun says 'failed'); the error is in the log.
      removeOnFail: true,
    });
  };

  const upsertTick = () =>
    queue.upsertJobScheduler('duban-tick', { pattern: opts.tickPattern ?? '0 * * * * *', tz: 'Asia/Shanghai' }, { name: 'tick', data: { name: 'tick' } });

  return {
    backend: 'bullmq',
    async start() {
      if (worker || closing) return;
      worker = new Worker(name, async (job) => handler(job.data as SchedulerJob, { enqueue }), {
        connection,
        prefix,
        concurrency: opts.concurrency ?? 2,
        // A slot job is short; a worker that vanished for 30 s is taken as dead and its job re-run.
        lockDuration: opts.lockDurationMs ?? 30_000,
        stalledInterval: opts.stalledIntervalMs ?? 15_000,
      });
      worker.on('error', (e) => logger.warn({ err: e.message }, 'redis (worker) error'));
      worker.on('failed', (job, e) => logger.error({ job: job?.name, data: job?.data, err: e.message }, 'job failed'));
      await upsertTick();
      if (opts.tickOnStart ?? true) await enqueue({ name: 'tick' });
      // After a Redis restart that lost the data, put the tick back.
      guard = setInterval(() => {
        queue
          .getJobScheduler('duban-tick')
          .then((s) => (s ? undefined : upsertTick().then(() => logger.warn('tick scheduler was lost (Redis data gone?) and is restored'))))
          .catch((e: Error) => logger.debug({ err: e.message }, 'tick check failed'));
      }, opts.tickGuardMs ?? 10_000);
      guard.unref();
    },
    enqueue,
    close() {
      closing ??= (async () => {
        clearInterval(guard);
        await worker?.close();
        await queue.close();
      })();
      return closing;
    },
  };
}

export function connectionFromUrl(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // Keep retrying while Redis restarts: never give up, back off to 2 s.
    retryStrategy: (times: number) => Math.min(times * 100, 2_000),
  };
}
