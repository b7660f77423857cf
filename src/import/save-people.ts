import type { PrismaClient } from '../generated/prisma/client.ts';
import { bulkQuery, bulkTransaction, type BulkQuery } from '../store/bulk-sql.ts';
import { applyPeopleWrites, loadPeople, upsertGroups, type StoredPerson } from './people-bulk-write.ts';
import { InputError } from '../errors.ts';
import type { PeopleRole, PeopleRow } from './read-people-file.ts';
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

/**
 * The dry run: what importing these rows would change, row by row, and every row whose unit is
 * unknown (all of them, not only the first). Reads only.
 */
export async function diffPeople(prisma: Tx, rows: readonly PeopleRow[]): Promise<{ changes: PeopleChange[]; errors: string[] }> {
  const sql = bulkQuery(prisma);
  const units = await sql<UnitRef>(`SELECT id, name, COALESCE(aliases, ARRAY[]::text[]) AS aliases FROM "Unit"`);
  const unitNames = new Map(units.map((u) => [u.id, u.name]));
  const stored = await loadPeople(sql, rows);
  // Each row is compared with the database as it is (not as earlier rows would leave it).
  const book = new PeopleBook(stored.people);
  const groups = new Map((await sql<{ topic: string; id: number }>(`SELECT topic, id FROM "ChatGroup" WHERE topic = ANY($1::text[])`, [rows.flatMap((r) => (r.group ? [r.group] : []))])).map((g) => [g.topic, g.id]));
  const bound = new Set(stored.bindings);
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
    const existing = book.find(r.account, r.name, kind, unit?.id ?? null);
    const binds: string[] = [];
    if (r.group && unit && !bound.has(`${groups.get(r.group)}:${unit.id}`)) binds.push(r.group);
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
 *
 * Set-based: the people and groups the file can touch are read once, the rows are applied in
 * order in memory (a later row finds the person an earlier row made), and the result is written
 * in one statement — a handful of round trips for a district's hundreds of rows.
 */
export async function savePeople(prisma: PrismaClient, rows: readonly PeopleRow[], actor: string, at = new Date()): Promise<PeopleSaveReport> {
  return bulkTransaction(prisma, async (sql) => {
    const units = await sql<UnitRef>(`SELECT id, name, COALESCE(aliases, ARRAY[]::text[]) AS aliases FROM "Unit"`);
    const unknown = rows.flatMap((r) => {
      try {
        unitOf(units, r);
        return [];
      } catch (e) {
        return [(e as Error).message];
      }
    });
    if (unknown.length) throw new InputError('IMPORT_INVALID', `通讯录有${unknown.length}处单位不认识，未导入任何一行：\n${unknown.slice(0, 30).map((e) => `  · ${e}`).join('\n')}`, '检查单位名称，或先在单位目录中补充该单位');
    const stored = await loadPeople(sql, rows);
    const groups = await upsertGroups(sql, rows.flatMap((r) => (r.group ? [{ topic: r.group, office: KIND_OF[r.role] === 'admin' }] : [])));
    const people = new PeopleBook(stored.people);
    const bound = new Set(stored.bindings);
    const contactsByUnit = new Map<number, StoredPerson[]>();
    const backups: { unitId: number; person: StoredPerson }[] = [];
    const oversight: { person: StoredPerson; unitId: number; role: string }[] = [];
    const leadersListed: StoredPerson[] = [];
    const binds: { groupId: number; unitId: number }[] = [];
    const audits: { action: string; entity: string; person?: StoredPerson; entityId?: number; before?: unknown; after: (p: StoredPerson | undefined) => unknown }[] = [];
    let groupRows = 0;
    let created = 0;
    let updated = 0;
    for (const r of rows) {
      const unitId = unitOf(units, r)?.id ?? null;
      const kind = KIND_OF[r.role];
      const existing = people.find(r.account, r.name, kind, unitId);
      // 分管领导 is kept in Person.role so the export gives the file back as it came.
      const role = kind === 'leader' ? (r.role === '分管领导' ? '分管领导' : existing?.role === '分管领导' ? null : (existing?.role ?? null)) : (existing?.role ?? null);
      const data = { name: r.name, kind, unitId: kind === 'leader' ? (existing?.unitId ?? null) : unitId, chatId: r.account, chatName: r.account ? r.name : null, phone: r.phone, isAdmin: kind === 'admin', role };
      const before = existing ? pick(existing) : undefined;
      const person = existing ? people.update(existing, data) : people.create(data);
      // A leader's 单位 is the unit they oversee (分管): its tasks reach their digest.
      if (kind === 'leader') {
        leadersListed.push(person);
        if (unitId !== null) oversight.push({ person, unitId, role: r.role });
      }
      const after = pick(person);
      const changed = !before || JSON.stringify(before) !== JSON.stringify(after);
      if (!existing) created++;
      else if (changed) updated++;
      if (changed) audits.push({ action: existing ? 'person.update' : 'person.create', entity: 'Person', person, before, after: () => ({ ...after, role: r.role, source: `通讯录${r.where}` }) });
      if (unitId !== null && r.role === '联络员') contactsByUnit.set(unitId, [...(contactsByUnit.get(unitId) ?? []), person]);
      if (unitId !== null && r.role === 'B角') backups.push({ unitId, person });
      if (r.group) {
        const group = groups.get(r.group)!;
        groupRows++;
        if (unitId !== null && !bound.has(`${group.id}:${unitId}`)) {
          bound.add(`${group.id}:${unitId}`);
          binds.push({ groupId: group.id, unitId });
          audits.push({ action: 'group.bind', entity: 'ChatGroup', entityId: group.id, after: () => ({ topic: r.group, unitId, source: `通讯录${r.where}` }) });
        }
      }
    }
    for (const b of backups) for (const contact of contactsByUnit.get(b.unitId) ?? []) people.update(contact, { backup: b.person });
    await people.assignIds(sql);
    const id = (p: StoredPerson) => p.id!;
    await applyPeopleWrites(sql, {
      insert: people.created(),
      update: people.changed(),
      binds,
      oversightFor: [...new Set(leadersListed.map(id))],
      oversight: uniqueBy(oversight.map((o) => ({ personId: id(o.person), unitId: o.unitId, role: o.role })), (o) => `${o.personId}:${o.unitId}`),
      audits: [
        ...audits.map((e) => ({ action: e.action, entity: e.entity, entityId: e.person ? id(e.person) : (e.entityId ?? null), before: e.before ?? null, after: e.after(e.person) })),
        { action: 'people.import', entity: 'Person', entityId: null, before: null, after: { rows: rows.length, created, updated } },
      ],
      actor,
      at,
    });
    return { people: rows.length, groups: groupRows, created, updated, unchanged: rows.length - created - updated };
  });
}

const pick = (p: Pick<StoredPerson, 'name' | 'kind' | 'unitId' | 'chatId' | 'phone' | 'isAdmin'>) => ({ name: p.name, kind: p.kind, unitId: p.unitId, chatId: p.chatId, phone: p.phone, isAdmin: p.isAdmin });

function uniqueBy<T>(rows: T[], key: (r: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(key(r)) && !!seen.add(key(r)));
}

/**
 * The people the file can touch, as the rows are applied in order: found by account first, else
 * by name and kind (a contact also by unit), the oldest first — as the database would be asked
 * after each row. New people get ids just before the write.
 */
class PeopleBook {
  private readonly all: StoredPerson[];
  private readonly fresh: StoredPerson[] = [];
  private readonly dirty = new Set<StoredPerson>();

  constructor(stored: StoredPerson[]) {
    this.all = [...stored].sort((a, b) => a.id! - b.id!);
  }

  find(account: string | null, name: string, kind: string, unitId: number | null): StoredPerson | undefined {
    return (account ? this.all.find((p) => p.chatId === account) : undefined) ?? this.all.find((p) => p.name === name && p.kind === kind && (kind !== 'contact' || p.unitId === unitId));
  }

  create(data: Omit<StoredPerson, 'id' | 'backup'>): StoredPerson {
    const p: StoredPerson = { ...data, id: null, backup: null };
    this.all.push(p);
    this.fresh.push(p);
    return p;
  }

  update(p: StoredPerson, data: Partial<StoredPerson>): StoredPerson {
    Object.assign(p, data);
    if (p.id !== null) this.dirty.add(p);
    return p;
  }

  async assignIds(sql: BulkQuery): Promise<void> {
    if (this.fresh.length === 0) return;
    const [row] = await sql<{ ids: number[] }>(`SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('"Person"', 'id'))::int FROM generate_series(1, $1)) AS ids`, [this.fresh.length]);
    this.fresh.forEach((p, i) => (p.id = row!.ids[i]!));
  }

  created(): StoredPerson[] {
    return this.fresh;
  }

  changed(): StoredPerson[] {
    return [...this.dirty];
  }
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
