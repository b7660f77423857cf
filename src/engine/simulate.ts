import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../log/create-logger.ts';
import { createOutboxSender } from '../outbox/create-outbox-sender.ts';
import type { ManualClock } from '../ports/clock.ts';
import type { CadenceEngine } from './create-cadence-engine.ts';
import { createRehearsalChat } from '../adapters/chat/rehearsal-chat.ts';

/** One message as it left the bot. */
export interface Dispatch {
  at: Date;
  cadence: string | null;
  key: string;
  target: { kind: 'group' | 'person'; ref: string };
  mentions: string[];
  text: string;
}

/**
 * Runs the real engine over [from, to) on a virtual clock: at every slot time the clock is set, the
 * engine's tick decides what is due, each due slot is planned, and the outbox is sent through a
 * recording chat. Returns every message in the order it was sent.
 */
export async function simulate(opts: {
  prisma: PrismaClient;
  engine: CadenceEngine;
  clock: ManualClock;
  logger: Logger;
  from: Date;
  to: Date;
  /** Called before each slot time, e.g. to let units report. */
  beforeSlot?: (at: Date) => Promise<void>;
  /** A slot that throws is reported here and the run goes on; without it the error stops the run. */
  onSlotError?: (slot: { cadenceKey: string; slotAt: Date }, error: unknown) => void;
}): Promise<Dispatch[]> {
  const { prisma, engine, clock } = opts;
  const chat = createRehearsalChat(clock);
  const sender = createOutboxSender({ prisma, chat, clock, logger: opts.logger, sendPerMinute: 0, sendJitterMs: 0, maxAttempts: 3, workerId: 'simulate' });
  const times = [...new Set((await engine.planUpcoming(opts.from, opts.to)).map((s) => s.at.getTime()))].sort((a, b) => a - b);
  const out: Dispatch[] = [];
  for (const t of times) {
    const at = new Date(t);
    await opts.beforeSlot?.(at);
    clock.set(at);
    const { due } = await engine.tick(at);
    for (const s of due) {
      try {
        await engine.runSlot(s.cadenceKey, s.slotAt);
      } catch (e) {
        if (!opts.onSlotError) throw e;
        opts.onSlotError(s, e);
      }
    }
    await sender.flushOnce();
  }
  await sender.close();
  const rows = await prisma.outbox.findMany({ where: { status: 'sent' }, orderBy: [{ sentAt: 'asc' }, { id: 'asc' }] });
  for (const r of rows) {
    out.push({ at: r.sentAt!, cadence: r.cadence, key: r.idempotencyKey, target: { kind: r.targetKind as 'group' | 'person', ref: r.targetRef }, mentions: r.mentions, text: r.text });
  }
  return out;
}
