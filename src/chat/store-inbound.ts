import type { IncomingMessage } from '../ports/chat.ts';
import type { Tx } from './chat-deps.ts';
import { bulkQuery } from '../store/bulk-sql.ts';

/**
 * Stores a message before anything reads it, in one statement. The unique message id makes a
 * replayed or doubled event a no-op: returns null for a message already stored. Straight on the pool
 * (bulk-sql.ts): every message passes here, and Prisma's raw path compiles the query each time.
 */
export async function storeInbound(tx: Pick<Tx, '$queryRawUnsafe'>, m: IncomingMessage, receivedAt: Date): Promise<{ id: number } | null> {
  // PostgreSQL text cannot hold NUL; a message carrying one is kept without it rather than refused.
  const clean = (s: string) => s.replace(/\u0000/g, '');
  // Timestamps go as ISO text and are kept as UTC wall time, as Prisma keeps them.
  const rows = await bulkQuery(tx)<{ id: number }>(
    `INSERT INTO "InboundMessage" ("channel", "messageId", "roomId", "roomTopic", "talkerId", "talkerName", "type", "text", "sentAt", "receivedAt", "mentionsSelf")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamp(3), $10::timestamp(3), $11)
     ON CONFLICT ("messageId") DO NOTHING
     RETURNING "id"`,
    [m.channel, m.id, m.roomId ?? null, m.roomTopic ?? null, m.talkerId, m.talkerName ? clean(m.talkerName) : null, m.type, clean(m.text), m.sentAt.toISOString(), receivedAt.toISOString(), !!m.mentionsSelf],
    { prepared: true },
  );
  return rows[0] ? { id: Number(rows[0].id) } : null;
}

/** A stored message as the pipeline reads it: what a restart interprets exactly as it arrived. */
export interface StoredInbound {
  id: number;
  message: IncomingMessage;
}

/**
 * Messages stored but not yet interpreted (a crash, or the database going away between store and
 * interpretation), oldest first.
 */
export async function listUninterpreted(tx: Tx, opts: { take?: number } = {}): Promise<StoredInbound[]> {
  const rows = await tx.inboundMessage.findMany({
    // A console action is interpreted by the console while the admin waits, never by the sweep.
    where: { status: 'received', channel: { not: 'console' } },
    orderBy: { id: 'asc' },
    take: opts.take ?? 500,
  });
  return rows.map((r) => ({
    id: r.id,
    message: {
      id: r.messageId, channel: r.channel, ...(r.roomId ? { roomId: r.roomId } : {}), ...(r.roomTopic ? { roomTopic: r.roomTopic } : {}),
      talkerId: r.talkerId, talkerName: r.talkerName ?? '', text: r.text, type: r.type as IncomingMessage['type'], sentAt: r.sentAt, mentionsSelf: r.mentionsSelf,
      // The channel's file handle did not survive the restart; a stored path still counts.
      ...(r.attachment ? { saveAttachment: async () => r.attachment! } : {}),
    },
  }));
}

/** Messages whose interpretation failed, newest first, for admins to look at. */
export async function listFailedInbound(tx: Tx, take = 50) {
  return tx.inboundMessage.findMany({ where: { status: 'failed' }, orderBy: { receivedAt: 'desc' }, take });
}
