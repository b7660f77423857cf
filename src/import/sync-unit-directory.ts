import type { PrismaClient } from '../generated/prisma/client.ts';
import type { UnitDirectory } from '../domain/plan/unit-directory.ts';

export interface UnitSyncReport {
  created: string[];
  updated: string[];
}

/**
 * Makes the Unit table carry every directory unit with its current aliases and kind. Units that
 * left the directory stay (tasks and groups may point at them); nothing is deleted.
 */
export async function syncUnitDirectory(prisma: PrismaClient, directory: UnitDirectory): Promise<UnitSyncReport> {
  const existing = new Map((await prisma.unit.findMany()).map((u) => [u.name, u]));
  const report: UnitSyncReport = { created: [], updated: [] };
  const missing = directory.units.filter((u) => !existing.has(u.name));
  if (missing.length) {
    await prisma.unit.createMany({ data: missing.map((u) => ({ name: u.name, aliases: u.aliases, kind: u.kind })), skipDuplicates: true });
    report.created = missing.map((u) => u.name);
  }
  for (const u of directory.units) {
    const row = existing.get(u.name);
    if (row && (row.kind !== u.kind || JSON.stringify(row.aliases) !== JSON.stringify(u.aliases))) {
      await prisma.unit.update({ where: { id: row.id }, data: { kind: u.kind, aliases: u.aliases } });
      report.updated.push(u.name);
    }
  }
  return report;
}
