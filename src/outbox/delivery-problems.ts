import type { PrismaClient } from '../generated/prisma/client.ts';

type Db = Pick<PrismaClient, 'outbox'>;

/**
 * Messages the office must know did not go out: superseded (too late to be useful), failed (refused
 * or retries exhausted) and held (a private chat the channel cannot push to until the person writes
 * to the bot; see private-chat-hold.ts).
 */
export async function listDeliveryProblems(db: Db, take = 20) {
  return db.outbox.findMany({
    where: { status: { in: ['superseded', 'failed', 'held'] } },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take,
    select: { id: true, status: true, cadence: true, targetKind: true, targetRef: true, text: true, lastError: true, slotAt: true, updatedAt: true },
  });
}

export async function countDeliveryProblems(db: Db): Promise<{ superseded: number; failed: number; held: number }> {
  const [superseded, failed, held] = await Promise.all([
    db.outbox.count({ where: { status: 'superseded' } }),
    db.outbox.count({ where: { status: 'failed' } }),
    db.outbox.count({ where: { status: 'held' } }),
  ]);
  return { superseded, failed, held };
}

/** How a listed problem is named for admins. */
export const PROBLEM_LABEL: Record<'superseded' | 'failed' | 'held', string> = { superseded: '已过时未发', failed: '发送失败', held: '未开通私聊暂缓' };
