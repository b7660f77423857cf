import type { PrismaClient } from '../generated/prisma/client.ts';
import { loadPlanJson } from '../import/load-plan-json.ts';
import { savePlan } from '../import/save-plan.ts';
import type { DemoPeople } from './demo-people.ts';
import { seedPeople } from './seed-people.ts';

/**
 * Loads the demo plan into an empty database, then the demo's people and groups. On a database
 * that already has plans it only refreshes the people, so restarts keep recorded progress.
 */
export async function loadDemo(prisma: PrismaClient, opts: { planFile: string; people: DemoPeople }): Promise<{ plan: string; tasks: number; units: number }> {
  if ((await prisma.plan.count()) === 0) await savePlan(prisma, loadPlanJson(opts.planFile), { actor: 'demo' });
  await seedPeople(prisma, opts.people);
  const plan = await prisma.plan.findFirstOrThrow({ orderBy: { id: 'asc' } });
  return { plan: plan.title, tasks: await prisma.task.count({ where: { planId: plan.id } }), units: await prisma.unit.count() };
}
