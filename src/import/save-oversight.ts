import type { PrismaClient } from '../generated/prisma/client.ts';

type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/**
 * A leader's units from the people directory (分管领导 / 挂点领导 / 牵头领导 with a 单位): the tasks
 * those units lead or are responsible for reach that leader's digest. The file is the truth for the
 * leaders it lists: their earlier directory entries are replaced.
 */
export async function savePeopleOversight(tx: Tx, entries: ReadonlyArray<{ personId: number; unitId: number; role: string }>, listed: readonly number[]): Promise<void> {
  if (listed.length) await tx.oversight.deleteMany({ where: { personId: { in: [...listed] }, source: 'people' } });
  const seen = new Set<string>();
  const rows = entries.filter((e) => !seen.has(`${e.personId}:${e.unitId}`) && seen.add(`${e.personId}:${e.unitId}`));
  if (rows.length) await tx.oversight.createMany({ data: rows.map((e) => ({ personId: e.personId, unitId: e.unitId, planId: null, role: e.role, source: 'people' })) });
}
