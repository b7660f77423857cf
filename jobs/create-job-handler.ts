import type { CadenceEngine } from '../src/engine/create-cadence-engine.ts';
import type { Logger } from '../src/log/create-logger.ts';
import type { JobHandler } from '../src/ports/scheduler.ts';
import { slotJobId } from './job-ids.ts';

/**
 * The job processors both scheduler backends run. A tick asks the engine what is due and fans out
 * one slot job per due slot (deterministic ids, so overlapping ticks add nothing); a slot job plans
 * and records the slot, whose messages the outbox sender then delivers.
 */
export function createJobHandler(deps: { engine: CadenceEngine; logger: Logger }): JobHandler {
  return async (job, ctx) => {
    if (job.name === 'tick') {
      const { due } = await deps.engine.tick(job.now ? new Date(job.now) : undefined);
      for (const s of due) await ctx.enqueue({ name: 'slot', cadenceKey: s.cadenceKey, slotAt: s.slotAt.toISOString() }, { id: slotJobId(s.cadenceKey, s.slotAt) });
      return;
    }
    const r = await deps.engine.runSlot(job.cadenceKey, new Date(job.slotAt));
    deps.logger.debug({ cadence: r.cadenceKey, slotAt: job.slotAt, state: r.state, messages: r.messages }, 'slot job');
  };
}
