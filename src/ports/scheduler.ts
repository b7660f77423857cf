/**
 * Runs the bot's jobs: a `tick` on a cron pattern (every minute), and one-off jobs enqueued by id.
 * Two backends implement it — node-cron in-process, BullMQ on Redis for many workers — and both
 * pass the same conformance suite (test/scheduler). The processors live in jobs/ and do not know
 * which backend runs them.
 */
export type SchedulerJob =
  /** Decide what is due. `now` is set only by simulations that drive a virtual clock. */
  | { name: 'tick'; now?: string }
  /** Plan and record one cadence slot. */
  | { name: 'slot'; cadenceKey: string; slotAt: string };

export interface JobContext {
  /** Enqueues a follow-up job (a tick fans out into slot jobs). */
  enqueue(job: SchedulerJob, opts?: EnqueueOptions): Promise<void>;
}

export type JobHandler = (job: SchedulerJob, ctx: JobContext) => Promise<void>;

export interface EnqueueOptions {
  /** A job with this id that is queued, running or recently finished is not added again. No ':'. */
  id?: string;
}

export interface SchedulerPort {
  readonly backend: 'bullmq' | 'node-cron';
  /** Starts the tick and the job processing. */
  start(): Promise<void>;
  /** Stops ticking, lets the job in hand finish; safe to call twice. */
  close(): Promise<void>;
  enqueue(job: SchedulerJob, opts?: EnqueueOptions): Promise<void>;
}
