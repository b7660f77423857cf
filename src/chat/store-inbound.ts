import type { IncomingMessage } from '../ports/chat.ts';
import type { Tx } from './chat-deps.ts';
import { bulkQuery } from '../store/bulk-sql.ts';
import { hasFile, keepAttachment, type KeptFile } from './inbound-files.ts';

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

/**
 * The same for an image or file message, with what became of its file at arrival (`kept`): saved
 * (the path) or refused (the answer), so interpretation after a crash still has it. Rare, so plain.
 */
export async function storeInboundWithFile(tx: Pick<Tx, '$queryRaw'>, m: IncomingMessage, receivedAt: Date, kept: KeptFile): Promise<{ id: number } | null> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO "InboundMessage" ("channel", "messageId", "roomId", "roomTopic", "talkerId", "talkerName", "type", "text", "sentAt", "receivedAt", "mentionsSelf", "attachment", "error")
    VALUES (${m.channel}, ${m.id}, ${m.roomId ?? null}, ${m.roomTopic ?? null}, ${m.talkerId}, ${m.talkerName ? m.talkerName.replace(/\u0000/g, '') : null}, ${m.type}, ${m.text.replace(/\u0000/g, '')},
      ${m.sentAt}, ${receivedAt}, ${!!m.mentionsSelf}, ${kept.attachment ?? null}, ${kept.refused ?? null})
    ON CONFLICT ("messageId") DO NOTHING
    RETURNING "id"`;
  return rows[0] ?? null;
}

/** Whether a channel message id is stored already (a replay): checked before saving its file again. */
export async function isStored(tx: Pick<Tx, '$queryRaw'>, messageId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "InboundMessage" WHERE "messageId" = ${messageId}`;
  return rows.length > 0;
}

/**
 * The pipeline's store step: an image or file is saved first (once: a replay is not saved again;
 * `kept` carries it across retries), then stored with the message. Returns the row id and the kept
 * file, or null for a message already stored.
 */
export async function storeArrival(
  tx: Tx, dataDir: string, m: IncomingMessage, receivedAt: Date, kept: { file?: KeptFile } = {},
): Promise<{ id: number; kept: KeptFile } | null> {
  if (hasFile(m) && !kept.file) {
    if (await isStored(tx, m.id)) return null;
    kept.file = await keepAttachment(m, dataDir);
  }
  const stored = kept.file ? await storeInboundWithFile(tx, m, receivedAt, kept.file) : await storeInbound(tx, m, receivedAt);
  return stored && { id: stored.id, kept: kept.file ?? {} };
}

/** A stored message as the pipeline reads it: what a restart interprets exactly as it arrived. */
export interface StoredInbound {
  id: number;
  message: IncomingMessage;
  /** Its file as kept at arrival (the channel's handle did not survive the restart). */
  kept: KeptFile;
}

const FILE_TYPES = new Set(['image', 'file']);

/**
 * Messages stored but not yet interpreted (a crash, the database going away between store and
 * interpretation, or a person's messages waiting behind one in the spool), in arrival order; with
 * `talkerId`, one person's.
 */
export async function listUninterpreted(tx: Tx, opts: { talkerId?: string; take?: number } = {}): Promise<StoredInbound[]> {
  const rows = await tx.inboundMessage.findMany({
    // A console action is interpreted by the console while the admin waits, never by the sweep.
    where: { status: 'received', channel: { not: 'console' }, ...(opts.talkerId !== undefined ? { talkerId: opts.talkerId } : {}) },
    orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
    take: opts.take ?? 500,
  });
  return rows.map((r) => ({
    id: r.id,
    message: {
      id: r.messageId, channel: r.channel, ...(r.roomId ? { roomId: r.roomId } : {}), ...(r.roomTopic ? { roomTopic: r.roomTopic } : {}),
      talkerId: r.talkerId, talkerName: r.talkerName ?? '', text: r.text, type: r.type as IncomingMessage['type'], sentAt: r.sentAt, mentionsSelf: r.mentionsSelf,
    },
    // A received file message with an error and no file was refused at arrival (too large).
    kept: FILE_TYPES.has(r.type) ? { attachment: r.attachment, refused: r.attachment ? null : r.error } : {},
  }));
}

/** Who has stored messages not yet interpreted: the recovery sweep catches each of them up, in order. */
export async function listWaitingTalkers(tx: Tx): Promise<string[]> {
  const rows = await tx.inboundMessage.findMany({ where: { status: 'received', channel: { not: 'console' } }, distinct: ['talkerId'], select: { talkerId: true } });
  return rows.map((r) => r.talkerId);
}

/** Messages whose interpretation failed, newest first, for admins to look at. */
export async function listFailedInbound(tx: Tx, take = 50) {
  return tx.inboundMessage.findMany({ where: { status: 'failed' }, orderBy: { receivedAt: 'desc' }, take });
}
