import crypto from 'node:crypto';
import { createTurn, type ChatTurn } from '../chat/chat-turn.ts';
import type { InboundDeps } from '../chat/chat-deps.ts';
import type { IncomingMessage } from '../ports/chat.ts';
import type { WorkStore } from '../ports/work-store.ts';
import type { Ctx } from './console-deps.ts';
import { html } from './html.ts';

/**
 * The console acting as an admin's chat: an action here runs the chat command's own code (复核, 退办 …)
 * as a message from `console:<name>`, kept as an InboundMessage of channel "console" so the 留痕
 * shows it. What the command tells the unit goes through the outbox as in chat; the answer meant for
 * the admin is shown on the page instead of being sent. With a `formKey` (formKeyField) the same form
 * sent twice is the same message, so a command that records once per message records it once.
 */
export async function consoleTurn(ctx: Ctx, text: string, formKey?: string): Promise<{ turn: ChatTurn; answers: string[]; finish: () => Promise<void> }> {
  const { deps } = ctx;
  const now = deps.clock.now();
  const keyed = !!formKey && FORM_KEY.test(formKey);
  const m: IncomingMessage = {
    // The account is part of the id: a key replayed from another account is another message, not a unique-key error.
    id: keyed ? `${ctx.actor}:${formKey}` : `console:${crypto.randomUUID()}`, channel: 'console', talkerId: ctx.actor, talkerName: ctx.user.name, text, type: 'text', sentAt: now, mentionsSelf: true,
  };
  const stored = await storeAction(ctx, m, keyed);
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

/** A form's one-time key (formKeyField): the same form submitted twice is the same message. */
const FORM_KEY = /^[0-9a-f-]{36}$/;

/** A hidden field naming this rendering of a form, so a double submit (or a reload of the result) acts once. */
export const formKeyField = () => html`<input type="hidden" name="formKey" value="${crypto.randomUUID()}">`;

/**
 * The action's InboundMessage: a new row, or the row of the same form sent before by the same
 * account (whose record the command then finds already made). Two submits at once: the loser of
 * the unique insert reads the winner's row.
 */
async function storeAction(ctx: Ctx, m: IncomingMessage, keyed: boolean) {
  const { prisma } = ctx.deps;
  const data = { channel: 'console', messageId: m.id, talkerId: m.talkerId, talkerName: m.talkerName, text: m.text, sentAt: m.sentAt, receivedAt: m.sentAt, status: 'received' as const };
  if (!keyed) return prisma.inboundMessage.create({ data });
  const mine = () => prisma.inboundMessage.findFirst({ where: { messageId: m.id, talkerId: m.talkerId } });
  const before = await mine();
  if (before) return before;
  try {
    return await prisma.inboundMessage.create({ data });
  } catch (e) {
    const again = (e as { code?: string }).code === 'P2002' ? await mine() : null;
    if (again) return again;
    throw e;
  }
}
