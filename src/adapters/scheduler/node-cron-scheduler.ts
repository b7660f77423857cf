import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../log/create-logger.ts';
import type { EnqueueOptions, JobHandler, SchedulerJob, SchedulerPort } from '../../ports/scheduler.ts';

const REMEMBERED_IDS = 10_000;

/**
 * In-process scheduler for a single bot process (no Redis): node-cron fires the tick; jobs run one
 * at a time in enqueue order. Job ids are remembered so a slot enqueued by two ticks runs once —
 * across restarts the SlotRun table and the outbox keys keep it exactly once.
 */
export function createNodeCronScheduler(opts: { handler: JobHandler; logger: Logger; tickPattern?: string; tickOnStart?: boolean }): SchedulerPort {
  const { handler, logger } = opts;
  const queue: { job: SchedulerJob; id?: string }[] = [];
  const seen = new Set<string>();
  let task: ScheduledTask | undefined;
  let draining: Promise<void> | undefined;
  let running = false;
  let closed = false;
  let closing: Promise<void> | undefined;

  const enqueue = async (job: SchedulerJob, o: EnqueueOptions = {}) => {
    if (closed) return;
    if (o.id) {
      if (seen.has(o.id)) return;
      seen.add(o.id);
      if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value!);
    }
    queue.push({ job, ...(o.id ? { id: o.id } : {}) });
    if (!running) {
      running = true;
      draining = drain();
    }
  };

  async function drain(): Promise<void> {
    try {
      for (let next = queue.shift(); next && !closed; next = queue.shift()) {
        try {
          await handler(next.job, { enqueue });
        } catch (e) {
          // The next tick finds the slot still due (SlotRun 'failed') and tries again within the grace window.
          if (next.id) seen.delete(next.id);
          logger.error({ err: e, job: next.job }, 'job failed');
        }
      }
    } finally {
      // Cleared in the same turn the loop sees an empty queue, so a job enqueued next starts a new drain.
      running = false;
    }
  }

  return {
    backend: 'node-cron',
    async start() {
      if (task || closed) return;
      task = cron.schedule(opts.tickPattern ?? '* * * * *', () => void enqueue({ name: 'tick' }), { timezone: 'Asia/Shanghai', noOverlap: true, name: 'duban-tick' });
      // Catch up at once after downtime rather than at the next minute.
      if (opts.tickOnStart ?? true) await enqueue({ name: 'tick' });
    },
    enqueue,
    close() {
      closing ??= (async () => {
        closed = true;
        queue.length = 0;
        await task?.destroy();
        await draining;
      })();
      return closing;
    },
  };
}
