import type { Prisma } from '../generated/prisma/client.ts';
import type { Tx } from './chat-deps.ts';

/** One line in the audit log: who did what to which record, with the values before and after. */
export async function writeAudit(
  tx: Tx,
  e: { actor: string; action: string; entity: string; entityId?: string | number; before?: unknown; after?: unknown; at: Date },
): Promise<void> {
  await tx.auditLog.create({
    data: {
      at: e.at,
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entityId: e.entityId === undefined ? null : String(e.entityId),
      before: e.before === undefined ? undefined : (JSON.parse(JSON.stringify(e.before)) as Prisma.InputJsonValue),
      after: e.after === undefined ? undefined : (JSON.parse(JSON.stringify(e.after)) as Prisma.InputJsonValue),
    },
  });
}
