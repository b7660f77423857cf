import type { Tx } from './chat-deps.ts';
import { outcomeError, type ChatTurn, type Outcome } from './chat-turn.ts';
import { writeAudit } from './write-audit.ts';

/**
 * Claims a message for a command's writes, inside the transaction that makes them: locks its row
 * and marks it interpreted. Returns false when it was already interpreted (or finished otherwise):
 * the writes were committed by an earlier attempt whose acknowledgement was lost (a database restart
 * at that instant), and doing them again would write a second audit entry or request. A message
 * with no row (a command run outside the pipeline) is never refused.
 */
export async function claimMessage(tx: Tx, inboundId: number): Promise<boolean> {
  const rows = await tx.$queryRaw<{ status: string }[]>`SELECT "status"::text AS "status" FROM "InboundMessage" WHERE "id" = ${inboundId} FOR UPDATE`;
  if (!rows[0]) return true;
  if (rows[0].status !== 'received') return false;
  await tx.$executeRaw`UPDATE "InboundMessage" SET "status" = 'interpreted', "error" = NULL WHERE "id" = ${inboundId}`;
  return true;
}

/**
 * Runs a chat command's own transaction once per inbound message: the writes, the message's outcome
 * and (for a refusal) its audit entry commit together, keyed by the message. A retry after a lost
 * commit acknowledgement writes nothing and answers as the first attempt did (the reply's outbox key
 * is the message's, so its first text stands).
 */
export async function oncePerMessage(turn: ChatTurn, write: (tx: Tx) => Promise<Outcome>): Promise<Outcome> {
  return turn.deps.prisma.$transaction(async (tx) => {
    if (!(await claimMessage(tx, turn.inboundId))) return { status: 'interpreted', note: 'already recorded by an earlier attempt' } satisfies Outcome;
    const outcome = await write(tx);
    // Claiming marked it interpreted; a refusal or a note for admins is kept instead.
    if (outcome.status !== 'interpreted' || outcomeError(outcome)) {
      await tx.inboundMessage.update({ where: { id: turn.inboundId }, data: { status: outcome.status, error: outcomeError(outcome) } });
    }
    await auditRefusal(tx, turn, outcome);
    return outcome;
  });
}

/**
 * Keeps a message's outcome on its row, once: only a row still `received` is finished, and a
 * refusal's audit entry is written in the same transaction, so a retry writes neither again.
 */
export async function finishMessage(turn: ChatTurn, outcome: Outcome): Promise<void> {
  const error = outcomeError(outcome);
  if (!outcome.note?.startsWith('PERMISSION_DENIED')) {
    // Nothing to audit: one guarded statement, no transaction (most ignored chatter ends here).
    await turn.deps.prisma.inboundMessage.updateMany({ where: { id: turn.inboundId, status: 'received' }, data: { status: outcome.status, error } });
    return;
  }
  await turn.deps.prisma.$transaction(async (tx) => {
    const n = await tx.$executeRaw`
      UPDATE "InboundMessage" SET "status" = ${outcome.status}::"InboundStatus", "error" = ${error}
      WHERE "id" = ${turn.inboundId} AND "status" = 'received'`;
    if (n > 0) await auditRefusal(tx, turn, outcome);
  });
}

/** Every refused attempt (a stranger posing as a leader, contact or admin) is in the audit log. */
async function auditRefusal(tx: Tx, turn: ChatTurn, outcome: Outcome): Promise<void> {
  if (!outcome.note?.startsWith('PERMISSION_DENIED')) return;
  const { m } = turn;
  await writeAudit(tx, {
    at: turn.now, actor: m.talkerId, action: 'access.denied', entity: 'InboundMessage', entityId: turn.inboundId,
    after: { talkerName: m.talkerName, room: m.roomTopic ?? null, text: m.text.slice(0, 200), note: outcome.note },
  });
}
