import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { InputError } from '../errors.ts';
import type { PeopleRole, PeopleRow } from './read-people-file.ts';
import { savePeopleOversight } from './save-oversight.ts';
import { writeAudit } from '../chat/write-audit.ts';
import type { Tx } from '../chat/chat-deps.ts';

export interface PeopleSaveReport {
  people: number;
  groups: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** What one row of the 通讯录 would do: add a person, change some fields, or nothing. */
export interface PeopleChange {
  where: string;
  action: 'create' | 'update' | 'same';
  name: string;
  role: PeopleRole;
  unit: string | null;
  /** 账号：旧 → 新, in Chinese, for the dry run. */
  fields: string[];
  /** Groups the row would bind to its unit (new bindings only). */
  binds: string[];
}

const KIND_OF: Record<PeopleRole, 'admin' | 'leader' | 'contact'> = { 管理员: 'admin', 牵头领导: 'leader', 分管领导: 'leader', 联络员: 'contact', B角: 'contact' };

type UnitRef = { id: number; name: string; aliases: string[] };
function unitOf(units: UnitRef[], r: PeopleRow): UnitRef | null {
  if (!r.unit) return null;
  const u = units.find((x) => x.name === r.unit || x.aliases.includes(r.unit!));
  if (!u) throw new InputError('IMPORT_INVALID', `通讯录${r.where}“单位”列：单位“${r.unit}”不在单位目录中`, '检查单位名称，或先在单位目录中补充该单位');
  return u;
}

async function findExisting(tx: Tx, r: PeopleRow, unitId: number | null) {
  const kind = KIND_OF[r.role];
  return (
    (r.account ? await tx.person.findUnique({ where: { chatId: r.account } }) : null) ??
    (await tx.person.findFirst({ where: { name: r.name, kind, ...(kind === 'contact' ? { unitId } : {}) } }))
  );
}

/**
 * The dry run: what importing these rows would change, row by row, and every row whose unit is
 * unknown (all of them, not only the first). Reads only.
 */
export async function diffPeople(prisma: Tx, rows: readonly PeopleRow[]): Promise<{ changes: PeopleChange[]; errors: string[] }> {
  const units = await prisma.unit.findMany({ select: { id: true, name: true, aliases: true } });
  const unitNames = new Map(units.map((u) => [u.id, u.name]));
  const changes: PeopleChange[] = [];
  const errors: string[] = [];
  for (const r of rows) {
    let unit: UnitRef | null;
    try {
      unit = unitOf(units, r);
    } catch (e) {
      errors.push((e as Error).message);
      continue;
    }
    const kind = KIND_OF[r.role];
    const existing = await findExisting(prisma, r, unit?.id ?? null);
    const binds: string[] = [];
    if (r.group && unit) {
      const bound = await prisma.groupUnit.findFirst({ where: { unitId: unit.id, group: { topic: r.group } } });
      if (!bound) binds.push(r.group);
    }
    if (!existing) {
      changes.push({ where: r.where, action: 'create', name: r.name, role: r.role, unit: unit?.name ?? null, fields: [], binds });
      continue;
    }
    const fields: string[] = [];
    const cmp = (label: string, before: string | null, after: string | null) => {
      if ((before ?? '') !== (after ?? '')) fields.push(`${label}：${before || '（空）'} → ${after || '（空）'}`);
    };
    cmp('姓名', existing.name, r.name);
    cmp('类别', existing.kind, kind);
    if (kind !== 'leader') cmp('单位', existing.unitId !== null ? (unitNames.get(existing.unitId) ?? null) : null, unit?.name ?? null);
    cmp('账号', existing.chatId, r.account);
    cmp('手机', existing.phone, r.phone);
    changes.push({ where: r.where, action: fields.length || binds.length ? 'update' : 'same', name: r.name, role: r.role, unit: unit?.name ?? null, fields, binds });
  }
  return { changes, errors };
}

/**
 * Writes the 通讯录: contacts and B角 of units, leaders (an imported leader of the same name gains
 * the account), admins, and the groups each unit is reached in (an admin's group is the 督办室群).
 * The account is the only identity the bot trusts; re-applying the file updates, never duplicates.
 * Each person added or changed is one audit line with the values before and after.
 */
export async function savePeople(prisma: PrismaClient, rows: readonly PeopleRow[], actor: string, at = new Date()): Promise<PeopleSaveReport> {
  return prisma.$transaction(async (tx) => {
    const units = await tx.unit.findMany({ select: { id: true, name: true, aliases: true } });
    const unknown = rows.flatMap((r) => {
      try {
        unitOf(units, r);
        return [];
      } catch (e) {
        return [(e as Error).message];
      }
    });
    if (unknown.length) throw new InputError('IMPORT_INVALID', `通讯录有${unknown.length}处单位不认识，未导入任何一行：\n${unknown.slice(0, 30).map((e) => `  · ${e}`).join('\n')}`, '检查单位名称，或先在单位目录中补充该单位');
    const contactsByUnit = new Map<number, number[]>();
    const backups: { unitId: number; personId: number }[] = [];
    let groups = 0;
    const oversight: { personId: number; unitId: number; role: string }[] = [];
    const leadersListed: number[] = [];
    // Audit lines are written in one statement at the end: a district's 通讯录 is hundreds of rows.
    const audits: Parameters<typeof writeAudit>[1][] = [];
    let created = 0;
    let updated = 0;
    for (const r of rows) {
      const unitId = unitOf(units, r)?.id ?? null;
      const kind = KIND_OF[r.role];
      const existing = await findExisting(tx, r, unitId);
      // 分管领导 is kept in Person.role so the export gives the file back as it came.
      const role = kind === 'leader' ? (r.role === '分管领导' ? '分管领导' : existing?.role === '分管领导' ? null : (existing?.role ?? null)) : (existing?.role ?? null);
      const data = { name: r.name, kind, unitId: kind === 'leader' ? (existing?.unitId ?? null) : unitId, chatId: r.account, chatName: r.account ? r.name : null, phone: r.phone, isAdmin: kind === 'admin', role } as const;
      const person = existing ? await tx.person.update({ where: { id: existing.id }, data }) : await tx.person.create({ data });
      // A leader's 单位 is the unit they oversee (分管): its tasks reach their digest.
      if (kind === 'leader') {
        leadersListed.push(person.id);
        if (unitId !== null) oversight.push({ personId: person.id, unitId, role: r.role });
      }
      const pick = (p: { name: string; kind: string; unitId: number | null; chatId: string | null; phone: string | null; isAdmin: boolean }) => ({ name: p.name, kind: p.kind, unitId: p.unitId, chatId: p.chatId, phone: p.phone, isAdmin: p.isAdmin });
      const changed = !existing || JSON.stringify(pick(existing)) !== JSON.stringify(pick(person));
      if (!existing) created++;
      else if (changed) updated++;
      if (changed) audits.push({ at, actor, action: existing ? 'person.update' : 'person.create', entity: 'Person', entityId: person.id, before: existing ? pick(existing) : undefined, after: { ...pick(person), role: r.role, source: `通讯录${r.where}` } });
      if (unitId !== null && r.role === '联络员') contactsByUnit.set(unitId, [...(contactsByUnit.get(unitId) ?? []), person.id]);
      if (unitId !== null && r.role === 'B角') backups.push({ unitId, personId: person.id });
      if (r.group) {
        const office = kind === 'admin';
        const group = await tx.chatGroup.upsert({ where: { topic: r.group }, create: { topic: r.group, isOffice: office }, update: office ? { isOffice: true } : {} });
        groups++;
        if (unitId !== null) {
          const bound = await tx.groupUnit.findUnique({ where: { groupId_unitId: { groupId: group.id, unitId } } });
          if (!bound) {
            await tx.groupUnit.create({ data: { groupId: group.id, unitId } });
            audits.push({ at, actor, action: 'group.bind', entity: 'ChatGroup', entityId: group.id, after: { topic: group.topic, unitId, source: `通讯录${r.where}` } });
          }
        }
      }
    }
    for (const b of backups) {
      for (const contactId of contactsByUnit.get(b.unitId) ?? []) await tx.person.update({ where: { id: contactId }, data: { backupId: b.personId } });
    }
    await savePeopleOversight(tx, oversight, leadersListed);
    audits.push({ at, actor, action: 'people.import', entity: 'Person', after: { rows: rows.length, created, updated } });
    await tx.auditLog.createMany({
      data: audits.map((e) => ({ at: e.at, actor: e.actor, action: e.action, entity: e.entity, entityId: e.entityId === undefined ? null : String(e.entityId), before: json(e.before), after: json(e.after) })),
    });
    return { people: rows.length, groups, created, updated, unchanged: rows.length - created - updated };
  }, { timeout: 120_000, maxWait: 30_000 }); // a row-by-row write of a whole directory: minutes on a busy machine, never 5 s
}

const json = (v: unknown) => (v === undefined || v === null ? undefined : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue));

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
