import type { PrismaClient } from '../generated/prisma/client.ts';
import { InputError } from '../errors.ts';
import type { PeopleRow } from './read-people-file.ts';
import { savePeopleOversight } from './save-oversight.ts';

export interface PeopleSaveReport {
  people: number;
  groups: number;
}

/**
 * Writes the 通讯录: contacts and B角 of units, leaders (an imported leader of the same name gains
 * the account), admins, and the groups each unit is reached in (an admin's group is the 督办室群).
 * The account is the only identity the bot trusts; re-applying the file updates, never duplicates.
 */
export async function savePeople(prisma: PrismaClient, rows: readonly PeopleRow[], actor: string): Promise<PeopleSaveReport> {
  return prisma.$transaction(async (tx) => {
    const units = await tx.unit.findMany({ select: { id: true, name: true, aliases: true } });
    const unitOf = (r: PeopleRow): number | null => {
      if (!r.unit) return null;
      const u = units.find((x) => x.name === r.unit || x.aliases.includes(r.unit!));
      if (!u) throw new InputError('IMPORT_INVALID', `通讯录${r.where}：单位“${r.unit}”不在单位目录中`, '检查单位名称，或先在单位目录中补充该单位');
      return u.id;
    };
    const contactsByUnit = new Map<number, number[]>();
    const backups: { unitId: number; personId: number }[] = [];
    let groups = 0;
    const oversight: { personId: number; unitId: number; role: string }[] = [];
    const leadersListed: number[] = [];
    for (const r of rows) {
      const unitId = unitOf(r);
      const kind = r.role === '管理员' ? 'admin' : r.role === '牵头领导' || r.role === '分管领导' ? 'leader' : 'contact';
      const existing =
        (r.account ? await tx.person.findUnique({ where: { chatId: r.account } }) : null) ??
        (await tx.person.findFirst({ where: { name: r.name, kind, ...(kind === 'contact' ? { unitId } : {}) } }));
      const data = { name: r.name, kind, unitId: kind === 'leader' ? (existing?.unitId ?? null) : unitId, chatId: r.account, chatName: r.account ? r.name : null, phone: r.phone, isAdmin: kind === 'admin' } as const;
      const person = existing ? await tx.person.update({ where: { id: existing.id }, data }) : await tx.person.create({ data });
      // A leader's 单位 is the unit they oversee (分管): its tasks reach their digest.
      if (kind === 'leader') {
        leadersListed.push(person.id);
        if (unitId !== null) oversight.push({ personId: person.id, unitId, role: r.role });
      }
      if (unitId !== null && r.role === '联络员') contactsByUnit.set(unitId, [...(contactsByUnit.get(unitId) ?? []), person.id]);
      if (unitId !== null && r.role === 'B角') backups.push({ unitId, personId: person.id });
      if (r.group) {
        const office = kind === 'admin';
        const group = await tx.chatGroup.upsert({ where: { topic: r.group }, create: { topic: r.group, isOffice: office }, update: office ? { isOffice: true } : {} });
        groups++;
        if (unitId !== null) await tx.groupUnit.upsert({ where: { groupId_unitId: { groupId: group.id, unitId } }, create: { groupId: group.id, unitId }, update: {} });
      }
    }
    for (const b of backups) {
      for (const contactId of contactsByUnit.get(b.unitId) ?? []) await tx.person.update({ where: { id: contactId }, data: { backupId: b.personId } });
    }
    await savePeopleOversight(tx, oversight, leadersListed);
    await tx.auditLog.create({ data: { actor, action: 'people.import', entity: 'Person', after: { rows: rows.length } } });
    return { people: rows.length, groups };
  }, { timeout: 120_000, maxWait: 30_000 }); // a row-by-row write of a whole directory: minutes on a busy machine, never 5 s
}

/**
 * The 通讯录 a rehearsal assumes when the office gives none: each unit with work gets a group
 * `<单位>督办群` and one contact `<单位>联络员`; an admin `督办室管理员` sits in `督办室群`; each
 * imported leader's account is their name.
 */
export async function defaultPeople(prisma: PrismaClient): Promise<PeopleRow[]> {
  const units = await prisma.unit.findMany({ where: { work: { some: {} } }, select: { name: true }, orderBy: { id: 'asc' } });
  const leaders = await prisma.person.findMany({ where: { kind: 'leader' }, select: { name: true }, orderBy: { id: 'asc' } });
  return [
    { where: '默认', unit: null, name: '督办室管理员', role: '管理员', account: '督办室管理员', phone: null, group: '督办室群' },
    ...units.map((u) => ({ where: '默认', unit: u.name, name: `${u.name}联络员`, role: '联络员' as const, account: `${u.name}联络员`, phone: null, group: `${u.name}督办群` })),
    ...leaders.map((l) => ({ where: '默认', unit: null, name: l.name, role: '牵头领导' as const, account: l.name, phone: null, group: null })),
  ];
}
