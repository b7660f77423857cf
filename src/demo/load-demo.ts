import path from 'node:path';
import { configSchema } from '../config/config-schema.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { loadPlanJson } from '../import/load-plan-json.ts';
import { loadUnitDirectory } from '../import/load-unit-directory.ts';
import { savePlan } from '../import/save-plan.ts';
import { syncUnitDirectory } from '../import/sync-unit-directory.ts';
import type { DemoPeople } from './demo-people.ts';
import { seedPeople } from './seed-people.ts';

/** The demo plan's district (南昌市青云谱区): its departments, streets, town and 集聚区. */
export const DEMO_UNITS_FILE = 'demo/units.json';

/**
 * The unit directory the demo imports its plan against: the operator's own (unitsFile /
 * DUBAN_UNITS_FILE) when they set one, else demo/units.json — the shipped config/units.json is
 * another district's, where 各街道、镇、集聚区 would reach the wrong units.
 */
export function demoUnitsFile(unitsFile: string): string {
  const shipped = configSchema.shape.unitsFile.parse(undefined);
  return path.resolve(unitsFile) === path.resolve(shipped) ? DEMO_UNITS_FILE : unitsFile;
}

/**
 * Loads the demo plan into an empty database, with every unit of the directory (so a collective
 * phrase has units to reach), then the demo's people and groups. On a database that already has
 * plans it only refreshes the people, so restarts keep recorded progress.
 */
export async function loadDemo(
  prisma: PrismaClient,
  opts: { planFile: string; people: DemoPeople; unitsFile?: string },
): Promise<{ plan: string; tasks: number; units: number }> {
  if ((await prisma.plan.count()) === 0) {
    const directory = loadUnitDirectory(opts.unitsFile ?? DEMO_UNITS_FILE);
    await syncUnitDirectory(prisma, directory);
    await savePlan(prisma, loadPlanJson(opts.planFile, { directory }), { actor: 'demo' });
  }
  await seedPeople(prisma, opts.people);
  const plan = await prisma.plan.findFirstOrThrow({ orderBy: { id: 'asc' } });
  return { plan: plan.title, tasks: await prisma.task.count({ where: { planId: plan.id } }), units: await prisma.unit.count() };
}
