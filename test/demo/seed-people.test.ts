import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UNITS_FILE, loadDemo } from '../../src/demo/load-demo.ts';
import { readDemoPeople, type DemoPeople } from '../../src/demo/demo-people.ts';
import { alreadySeeded, seedPeople } from '../../src/demo/seed-people.ts';
import type { Database } from '../../src/store/open-database.ts';
import { openTestDatabase } from '../helpers/databases.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

// A restart of the demo skips seeding when nothing would change; any difference still seeds in full.
describe('seedPeople on a restart', () => {
  let db: Database;
  let people: DemoPeople;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    people = readDemoPeople(path.join(ROOT, 'demo/people.json'));
    await loadDemo(db.prisma, { planFile: path.join(ROOT, 'demo/plan.json'), people, unitsFile: path.join(ROOT, DEMO_UNITS_FILE) });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it('finds a seeded database unchanged, and seeding it again writes nothing new', async () => {
    expect(await alreadySeeded(db.prisma, people)).toBe(true);
    const before = await db.prisma.person.count();
    await seedPeople(db.prisma, people);
    expect(await db.prisma.person.count()).toBe(before);
  });

  it('sees a moved contact, a new group unit, a changed flag and a lost backup, and seeding applies them', async () => {
    const contact = people.contacts.find((c) => !c.backup)!;
    const otherUnit = people.contacts.find((c) => c.unit !== contact.unit)!.unit;
    const changed: DemoPeople[] = [
      { ...people, contacts: people.contacts.map((c) => (c === contact ? { ...c, unit: otherUnit } : c)) },
      { ...people, groups: people.groups.map((g, i) => (i === 0 ? { ...g, allUnits: !(g.allUnits ?? false) } : g)) },
      { ...people, groups: people.groups.map((g, i) => (i === 0 ? { ...g, units: [...g.units, otherUnit] } : g)) },
    ];
    for (const p of changed) {
      expect(await alreadySeeded(db.prisma, p)).toBe(false);
      await seedPeople(db.prisma, p);
      expect(await alreadySeeded(db.prisma, p)).toBe(true);
    }
    const withBackup = people.contacts.find((c) => c.backup);
    if (withBackup) {
      await db.prisma.person.update({ where: { chatId: withBackup.chatId }, data: { backupId: null } });
      expect(await alreadySeeded(db.prisma, people)).toBe(false);
    }
    await db.prisma.person.update({ where: { chatId: people.admins[0]!.chatId }, data: { isAdmin: false } });
    expect(await alreadySeeded(db.prisma, people)).toBe(false);
    await seedPeople(db.prisma, people);
    expect(await alreadySeeded(db.prisma, people)).toBe(true);
  });
});
