import { enqueueOutbox, type OutboxItem } from '../outbox/enqueue-outbox.ts';
import type { ChatTarget, IncomingMessage } from '../ports/chat.ts';
import type { InboundDeps, Tx } from './chat-deps.ts';
import type { Sender } from './resolve-sender.ts';
import type { WorkStore } from '../ports/work-store.ts';

/** The result of handling one inbound message, kept on its InboundMessage row. */
export interface Outcome {
  /** `needs_admin`: the message waits in the admins' inbox and nothing is recorded from it until one acts. */
  status: 'interpreted' | 'ignored' | 'needs_admin';
  /**
   * Why it was ignored (permission, unknown group), visible to admins. A note that starts with
   * `PERMISSION_DENIED` or `NEEDS_ADMIN` (a question forwarded, a file awaiting review) is kept on the
   * row's `error`, which the admins' inbox shows as the reason.
   */
  note?: string;
}

/** Prefix of an outcome note for a message an admin must look at. */
export const NEEDS_ADMIN = 'NEEDS_ADMIN';

/** What the InboundMessage row keeps as `error` for an outcome. */
export function outcomeError(o: Outcome): string | null {
  return o.note && /^(PERMISSION_DENIED|NEEDS_ADMIN)\b/.test(o.note) ? o.note.slice(0, 2000) : null;
}

/** One inbound message being handled: who sent it, where, and how to answer. */
export interface ChatTurn {
  deps: InboundDeps;
  m: IncomingMessage;
  inboundId: number;
  sender: Sender;
  now: Date;
  /** Where the conversation is: the group, or the private chat with the sender. */
  here: ChatTarget;
  /** Queues the one answer to this message (idempotent per message). */
  reply(text: string, tx?: Tx): Promise<void>;
  /** Queues a message to someone else (sent in the send window; to the writer, at once); `tag` keeps the key unique per message. */
  notify(tag: string, target: ChatTarget, text: string, mentions?: string[], tx?: Tx): Promise<void>;
  /** The same answer as an outbox row, for a WorkChange that writes it with the record. */
  replyItem(text: string): OutboxItem;
  notifyItem(tag: string, target: ChatTarget, text: string, mentions?: string[]): OutboxItem;
  /** Whether a WorkChange for this message was applied (which also marked the message interpreted). */
  readonly recorded: boolean;
}

export function createTurn(deps: InboundDeps, m: IncomingMessage, inboundId: number, sender: Sender): ChatTurn {
  const here: ChatTarget = m.roomId || m.roomTopic ? { kind: 'group', ref: m.roomId ?? m.roomTopic! } : { kind: 'person', ref: m.talkerId };
  const now = deps.clock.now();
  const replyItem = (text: string): OutboxItem => ({ idempotencyKey: `reply:${inboundId}`, target: here, text, mentions: here.kind === 'group' ? [m.talkerId] : [], notBefore: now });
  // A notice back to the writer (a picture after the answer) is part of the answer and goes out at
  // once; a notice to anyone else (a unit's group, admins) is a push and waits for the send window.
  const toWriter = (t: ChatTarget) => (t.kind === here.kind && t.ref === here.ref) || (t.kind === 'person' && t.ref === m.talkerId);
  const notifyItem = (tag: string, target: ChatTarget, text: string, mentions?: string[]): OutboxItem => ({
    idempotencyKey: `${toWriter(target) ? 'reply' : 'notify'}:${inboundId}:${tag}`, target, text, mentions: mentions ?? [], notBefore: now,
  });
  // Every change this turn applies carries the message id: applied at most once per message.
  let recorded = false;
  // The open work read with the sender answers for their units until this turn records something.
  let readWithSender = sender.work ?? null;
  const work: WorkStore = {
    ...deps.work,
    unitWork(unitId, opts) {
      if (readWithSender && !opts?.withClosed && readWithSender.unitIds.includes(unitId)) {
        return Promise.resolve(readWithSender.items.filter((w) => w.assignment.unitId === unitId));
      }
      return deps.work.unitWork(unitId, opts);
    },
    async apply(change) {
      readWithSender = null;
      const r = await deps.work.apply({ inboundId, ...change });
      recorded = true;
      return r;
    },
  };
  return {
    deps: { ...deps, work }, m, inboundId, sender, now, here, replyItem, notifyItem,
    get recorded() {
      return recorded;
    },
    async reply(text, tx) {
      await enqueueOutbox(tx ?? deps.prisma, [replyItem(text)]);
    },
    async notify(tag, target, text, mentions, tx) {
      await enqueueOutbox(tx ?? deps.prisma, [notifyItem(tag, target, text, mentions)]);
    },
  };
}

/** Where a unit is reached: its groups, else its contacts privately. */
export async function unitTargets(tx: Tx, unitId: number): Promise<ChatTarget[]> {
  const groups = await tx.chatGroup.findMany({ where: { units: { some: { unitId } } }, select: { roomId: true, topic: true } });
  if (groups.length) return groups.map((g) => ({ kind: 'group', ref: g.roomId ?? g.topic }));
  const people = await tx.person.findMany({ where: { unitId, chatId: { not: null }, kind: 'contact' }, select: { chatId: true } });
  return people.map((p) => ({ kind: 'person', ref: p.chatId! }));
}

export { adminTargets } from './admin-targets.ts';
