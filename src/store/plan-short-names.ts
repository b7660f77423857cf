import type { PrismaClient } from '../generated/prisma/client.ts';
import { uniqueShortNames } from '../domain/work/index.ts';

/**
 * Each plan's short name (《重大重点项目》), unique among the active plans — or among all plans,
 * archived ones included, where an admin names a plan to archive or restore it.
 */
export async function loadPlanShortNames(prisma: Pick<PrismaClient, 'plan'>, opts: { withArchived?: boolean } = {}): Promise<Map<number, string>> {
  const plans = await prisma.plan.findMany({
    where: opts.withArchived ? {} : { archivedAt: null },
    select: { id: true, title: true, shortName: true, year: true },
    orderBy: { id: 'asc' },
  });
  return uniqueShortNames(plans);
}
