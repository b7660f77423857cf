import type { PrismaClient } from '../generated/prisma/client.ts';
import type { DemoPeople } from './demo-people.ts';

/**
 * Puts the demo's admins, leaders, unit contacts and groups into the database. Idempotent: running
 * it on every start keeps one row per person and group.
 */
export async function seedPeople(prisma: PrismaClient, people: DemoPeople): Promise<void> {
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
