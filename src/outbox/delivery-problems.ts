import type { PrismaClient } from '../generated/prisma/client.ts';

type Db = Pick<PrismaClient, 'outbox'>;

/** Messages the office must know did not go out: superseded (too late to be useful) and failed (refused or retries exhausted). */
export async function listDeliveryProblems(db: Db, take = 20) {
  return db.outbox.findMany({
    where: { status: { in: ['superseded', 'failed'] } },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take,
    select: { id: true, status: true, cadence: true, targetKind: true, targetRef: true, text: true, lastError: true, slotAt: true, updatedAt: true },
  });
}

export async function countDeliveryProblems(db: Db): Promise<{ superseded: number; failed: number }> {
  const [superseded, failed] = await Promise.all([db.outbox.count({ where: { status: 'superseded' } }), db.outbox.count({ where: { status: 'failed' } })]);
  return { superseded, failed };
}
