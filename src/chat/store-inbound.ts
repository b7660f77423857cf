import type { IncomingMessage } from '../ports/chat.ts';
import type { Tx } from './chat-deps.ts';

/**
 * Stores a message before anything reads it. The unique message id makes a replayed or doubled
 * event a no-op: returns null for a message already stored.
 */
export async function storeInbound(tx: Tx, m: IncomingMessage, receivedAt: Date): Promise<{ id: number } | null> {
  const { count } = await tx.inboundMessage.createMany({
    data: [{
      channel: m.channel,
      messageId: m.id,
      roomId: m.roomId ?? null,
      roomTopic: m.roomTopic ?? null,
      talkerId: m.talkerId,
      talkerName: m.talkerName || null,
      type: m.type,
      text: m.text,
      sentAt: m.sentAt,
      receivedAt,
    }],
    skipDuplicates: true,
  });
  if (count === 0) return null;
  return tx.inboundMessage.findUniqueOrThrow({ where: { messageId: m.id }, select: { id: true } });
}

/** Messages whose interpretation failed, newest first, for admins to look at. */
export async function listFailedInbound(tx: Tx, take = 50) {
  return tx.inboundMessage.findMany({ where: { status: 'failed' }, orderBy: { receivedAt: 'desc' }, take });
}
