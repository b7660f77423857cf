import crypto from 'node:crypto';
import { createTurn, type ChatTurn } from '../chat/chat-turn.ts';
import type { InboundDeps } from '../chat/chat-deps.ts';
import type { IncomingMessage } from '../ports/chat.ts';
import type { WorkStore } from '../ports/work-store.ts';
import type { Ctx } from './console-deps.ts';

/**
 * The console acting as an admin's chat: an action here runs the chat command's own code (复核, 退办 …)
 * as a message from `console:<name>`, kept as an InboundMessage of channel "console" so the 留痕
 * shows it. What the command tells the unit goes through the outbox as in chat; the answer meant for
 * the admin is shown on the page instead of being sent.
 */
export async function consoleTurn(ctx: Ctx, text: string): Promise<{ turn: ChatTurn; answers: string[]; finish: () => Promise<void> }> {
  const { deps } = ctx;
  const now = deps.clock.now();
  const m: IncomingMessage = {
    id: `console:${crypto.randomUUID()}`, channel: 'console', talkerId: ctx.actor, talkerName: ctx.user.name, text, type: 'text', sentAt: now, mentionsSelf: true,
  };
  const stored = await deps.prisma.inboundMessage.create({
    data: { channel: 'console', messageId: m.id, talkerId: m.talkerId, talkerName: m.talkerName, text, sentAt: now, receivedAt: now, status: 'received' },
  });
  // Stored as received: the change the action records marks it interpreted in the same transaction
  // (the work store records nothing for a message already interpreted). The inbound recovery sweep
  // leaves channel "console" alone; `finish` marks an action that recorded nothing (an error answer).
  const answers: string[] = [];
  const replyKey = `reply:${stored.id}`;
  const work: WorkStore = {
    ...deps.work,
    apply: async (change) => {
      const r = await deps.work.apply({ ...change, outbox: (change.outbox ?? []).filter((o) => o.idempotencyKey !== replyKey) });
      // A change that found its message already recorded wrote nothing: its answer is not true either.
      if (!r.alreadyRecorded) for (const o of change.outbox ?? []) if (o.idempotencyKey === replyKey) answers.push(o.text);
      return r;
    },
  };
  const inboundDeps: InboundDeps = { prisma: deps.prisma, work, clock: deps.clock, calendar: deps.calendar, logger: deps.logger, dataDir: deps.dataDir, admins: deps.admins, botName: deps.botName };
  const turn = createTurn(inboundDeps, m, stored.id, {
    person: null, unit: null, group: null, isAdmin: true, isLeader: false,
    actor: { personId: null, isAdmin: ctx.user.role === 'admin', isLeader: false, unitIds: [] },
  });
  turn.reply = async (t) => {
    answers.push(t);
  };
  const finish = async () => {
    await deps.prisma.inboundMessage.updateMany({ where: { id: stored.id, status: 'received' }, data: { status: 'interpreted' } });
  };
  return { turn, answers, finish };
}
