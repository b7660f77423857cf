import type { PrismaClient } from '../generated/prisma/client.ts';
import type { DemoPeople } from './demo-people.ts';

/**
 * Puts the demo's admins, leaders, unit contacts and groups into the database. Idempotent: running
 * it on every start keeps one row per person and group.
 */
export async function seedPeople(prisma: PrismaClient, people: DemoPeople): Promise<void> {
  // A restart finds everything in place: a few reads instead of some fifty writes (the demo's start-up).
  if (await alreadySeeded(prisma, people)) return;
  // Demo files use the short names people say (区文广新旅局); the directory knows them as aliases.
  const unitId = async (name: string): Promise<number> => {
    const known = await prisma.unit.findFirst({ where: { OR: [{ name }, { aliases: { has: name } }] } });
    return known?.id ?? (await prisma.unit.create({ data: { name, kind: 'department', aliases: [] } })).id;
  };

  for (const a of people.admins) {
    await prisma.person.upsert({
      where: { chatId: a.chatId },
      create: { name: a.name, kind: 'admin', chatId: a.chatId, chatName: a.name, title: a.title ?? null, isAdmin: true },
      update: { isAdmin: true },
    });
  }
  for (const l of people.leaders) {
    // The plan import already created leaders by name; give them their chat identity.
    const existing = await prisma.person.findFirst({ where: { name: l.name, kind: 'leader' } });
    if (existing) await prisma.person.update({ where: { id: existing.id }, data: { chatId: l.chatId, chatName: l.name } });
    else await prisma.person.upsert({ where: { chatId: l.chatId }, create: { name: l.name, kind: 'leader', chatId: l.chatId, chatName: l.name }, update: {} });
  }
  for (const c of people.contacts) {
    const uid = await unitId(c.unit);
    await prisma.person.upsert({
      where: { chatId: c.chatId },
      create: { name: c.name, kind: 'contact', unitId: uid, chatId: c.chatId, chatName: c.name },
      update: { unitId: uid },
    });
  }
  for (const c of people.contacts.filter((x) => x.backup)) {
    const backup = people.contacts.find((x) => x.name === c.backup && x.unit === c.unit);
    if (!backup) continue;
    const b = await prisma.person.findUniqueOrThrow({ where: { chatId: backup.chatId } });
    await prisma.person.update({ where: { chatId: c.chatId }, data: { backupId: b.id } });
  }
  for (const g of people.groups) {
    const group = await prisma.chatGroup.upsert({
      where: { topic: g.topic },
      create: { topic: g.topic, isAllUnits: g.allUnits ?? false, isOffice: g.office ?? false },
      update: { isAllUnits: g.allUnits ?? false, isOffice: g.office ?? false },
    });
    for (const u of g.units) {
      const uid = await unitId(u);
      await prisma.groupUnit.upsert({ where: { groupId_unitId: { groupId: group.id, unitId: uid } }, create: { groupId: group.id, unitId: uid }, update: {} });
    }
  }
}

/**
 * Whether seeding would change nothing: every person, backup, group and group unit is as the file
 * says. Read in four queries; anything missing, different or ambiguous means seeding runs in full.
 */
export async function alreadySeeded(prisma: PrismaClient, people: DemoPeople): Promise<boolean> {
  const chatIds = [...people.admins, ...people.leaders, ...people.contacts].map((p) => p.chatId);
  const [persons, leaders, units, groups] = await Promise.all([
    prisma.person.findMany({ where: { chatId: { in: chatIds } }, select: { id: true, chatId: true, isAdmin: true, unitId: true, backupId: true } }),
    prisma.person.findMany({ where: { kind: 'leader', name: { in: people.leaders.map((l) => l.name) } }, select: { name: true, chatId: true, chatName: true } }),
    prisma.unit.findMany({ select: { id: true, name: true, aliases: true } }),
    prisma.chatGroup.findMany({ where: { topic: { in: people.groups.map((g) => g.topic) } }, select: { topic: true, isAllUnits: true, isOffice: true, units: { select: { unitId: true } } } }),
  ]);
  const byChatId = new Map(persons.map((p) => [p.chatId, p]));
  const unitOf = (name: string): number | undefined => {
    const found = units.filter((u) => u.name === name || u.aliases.includes(name));
    return found.length === 1 ? found[0]!.id : undefined;
  };
  if (!people.admins.every((a) => byChatId.get(a.chatId)?.isAdmin)) return false;
  for (const l of people.leaders) {
    const named = leaders.filter((x) => x.name === l.name);
    if (named.length !== 1 || named[0]!.chatId !== l.chatId || named[0]!.chatName !== l.name) return false;
  }
  for (const c of people.contacts) {
    const uid = unitOf(c.unit);
    if (uid === undefined || byChatId.get(c.chatId)?.unitId !== uid) return false;
    const backup = c.backup ? people.contacts.find((x) => x.name === c.backup && x.unit === c.unit) : undefined;
    if (backup && byChatId.get(c.chatId)!.backupId !== byChatId.get(backup.chatId)?.id) return false;
  }
  for (const g of people.groups) {
    const group = groups.find((x) => x.topic === g.topic);
    if (!group || group.isAllUnits !== (g.allUnits ?? false) || group.isOffice !== (g.office ?? false)) return false;
    for (const u of g.units) {
      const uid = unitOf(u);
      if (uid === undefined || !group.units.some((x) => x.unitId === uid)) return false;
    }
  }
  return true;
}
