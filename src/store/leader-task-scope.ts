import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/**
 * The tasks a leader leads (牵头领导) or oversees — a plan by its roster (组长, 常务副组长 …), or the
 * tasks a unit they 分管 leads or is responsible for (src/domain/work/oversight.ts) — as a filter the
 * console adds to every query a leader's account makes. No person: no task (a leader account not yet
 * tied to a directory entry sees nothing rather than everything).
 */
export async function leaderTaskWhere(prisma: Pick<PrismaClient, 'oversight'>, personId: number | null): Promise<Prisma.TaskWhereInput> {
  if (personId === null) return { id: { in: [] } };
  const scope = await prisma.oversight.findMany({ where: { personId }, select: { planId: true, unitId: true } });
  const planIds = scope.filter((e) => e.planId !== null && e.unitId === null).map((e) => e.planId!);
  const unitIds = scope.filter((e) => e.unitId !== null).map((e) => e.unitId!);
  return {
    OR: [
      { leaders: { some: { personId } } },
      ...(planIds.length ? [{ planId: { in: planIds } }] : []),
      ...(unitIds.length ? [{ assignments: { some: { unitId: { in: unitIds }, role: { in: ['lead' as const, 'responsible' as const] } } } }] : []),
    ],
  };
}
