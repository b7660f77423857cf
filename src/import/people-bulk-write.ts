import type { BulkQuery } from '../store/bulk-sql.ts';
import type { PeopleRow } from './read-people-file.ts';

/**
 * The statements of a 通讯录 import (save-people.ts decides what to write): one read of the people
 * and groups the file can touch, one upsert of its groups, and every other write in one statement.
 */

const NOW = `(now() AT TIME ZONE 'UTC')`;

export interface StoredPerson {
  /** null until a new person is given one, just before the write. */
  id: number | null;
  name: string;
  kind: 'admin' | 'leader' | 'contact';
  unitId: number | null;
  chatId: string | null;
  chatName: string | null;
  phone: string | null;
  isAdmin: boolean;
  role: string | null;
  /** The B角 this row's contact gets; null leaves the stored one. */
  backup: StoredPerson | null;
}

/** People with one of the file's accounts or names, and the groups' existing unit bindings (`groupId:unitId`). */
export async function loadPeople(sql: BulkQuery, rows: readonly PeopleRow[]): Promise<{ people: StoredPerson[]; bindings: string[] }> {
  const [row] = await sql<{ p: [number, string, StoredPerson['kind'], number | null, string | null, string | null, string | null, boolean, string | null][] | null; b: string[] | null }>(
    `SELECT (SELECT json_agg(json_build_array(p.id, p.name, p.kind, p."unitId", p."chatId", p."chatName", p.phone, p."isAdmin", p.role))
             FROM "Person" p WHERE p."chatId" = ANY($1::text[]) OR p.name = ANY($2::text[])) AS p,
            (SELECT json_agg(gu."groupId" || ':' || gu."unitId") FROM "GroupUnit" gu JOIN "ChatGroup" g ON g.id = gu."groupId" WHERE g.topic = ANY($3::text[])) AS b`,
    [rows.flatMap((r) => (r.account ? [r.account] : [])), rows.map((r) => r.name), rows.flatMap((r) => (r.group ? [r.group] : []))],
  );
  return {
    people: (row!.p ?? []).map(([id, name, kind, unitId, chatId, chatName, phone, isAdmin, role]) => ({ id, name, kind, unitId, chatId, chatName, phone, isAdmin, role, backup: null })),
    bindings: row!.b ?? [],
  };
}

/** The file's groups by topic, created when missing; an admin's group becomes the office group. */
export async function upsertGroups(sql: BulkQuery, groups: { topic: string; office: boolean }[]): Promise<Map<string, { id: number }>> {
  if (groups.length === 0) return new Map();
  const office = new Map<string, boolean>();
  for (const g of groups) office.set(g.topic, (office.get(g.topic) ?? false) || g.office);
  const rows = await sql<{ topic: string; id: number }>(
    `WITH want AS (SELECT * FROM json_to_recordset($1::json) AS x(topic text, office bool)),
     up AS (INSERT INTO "ChatGroup" (topic, "isOffice") SELECT topic, office FROM want
            ON CONFLICT (topic) DO UPDATE SET "isOffice" = true WHERE EXCLUDED."isOffice" AND NOT "ChatGroup"."isOffice"
            RETURNING id, topic)
     SELECT topic, id FROM up UNION ALL SELECT g.topic, g.id FROM "ChatGroup" g JOIN want w ON w.topic = g.topic WHERE g.topic NOT IN (SELECT topic FROM up)`,
    [JSON.stringify([...office].map(([topic, o]) => ({ topic, office: o })))],
  );
  return new Map(rows.map((r) => [r.topic, { id: r.id }]));
}

export interface PeopleWrites {
  insert: StoredPerson[];
  update: StoredPerson[];
  binds: { groupId: number; unitId: number }[];
  /** Leaders the file lists: their earlier directory oversight is replaced by `oversight`. */
  oversightFor: number[];
  oversight: { personId: number; unitId: number; role: string }[];
  audits: { action: string; entity: string; entityId: number | null; before: unknown; after: unknown }[];
  actor: string;
  at: Date;
}

const personJson = (rows: StoredPerson[]) =>
  JSON.stringify(rows.map((p) => ({ id: p.id, n: p.name, k: p.kind, u: p.unitId, c: p.chatId, cn: p.chatName, ph: p.phone, a: p.isAdmin, r: p.role, b: p.backup?.id ?? null })));
const PERSON_RECORD = `id int, n text, k text, u int, c text, cn text, ph text, a bool, r text, b int`;

/**
 * All writes of a 通讯录 import in one statement. A leader's 单位 is the unit they oversee: the file
 * is the truth for the leaders it lists, so their earlier directory oversight is replaced.
 */
export async function applyPeopleWrites(sql: BulkQuery, w: PeopleWrites): Promise<void> {
  await sql(
    `WITH
     p_ins AS (INSERT INTO "Person" (id, name, kind, "unitId", "chatId", "chatName", phone, "isAdmin", role, "backupId", "updatedAt")
               SELECT x.id, x.n, x.k::"PersonKind", x.u, x.c, x.cn, x.ph, x.a, x.r, x.b, ${NOW} FROM json_to_recordset($1::json) AS x(${PERSON_RECORD})),
     p_upd AS (UPDATE "Person" p SET name = x.n, kind = x.k::"PersonKind", "unitId" = x.u, "chatId" = x.c, "chatName" = x.cn, phone = x.ph, "isAdmin" = x.a,
                 role = x.r, "backupId" = COALESCE(x.b, p."backupId"), "updatedAt" = ${NOW}
               FROM json_to_recordset($2::json) AS x(${PERSON_RECORD}) WHERE p.id = x.id),
     gu_ins AS (INSERT INTO "GroupUnit" ("groupId", "unitId") SELECT x.g, x.u FROM json_to_recordset($3::json) AS x(g int, u int) ON CONFLICT DO NOTHING),
     ov_del AS (DELETE FROM "Oversight" WHERE "personId" = ANY($4::int[]) AND source = 'people'),
     ov_ins AS (INSERT INTO "Oversight" ("personId", "planId", "unitId", role, source) SELECT x.p, NULL, x.u, x.r, 'people' FROM json_to_recordset($5::json) AS x(p int, u int, r text))
     INSERT INTO "AuditLog" (at, actor, action, entity, "entityId", before, after)
     SELECT $6::timestamp(3), $7, x.action, x.entity, x.id, x.before, x.after FROM json_to_recordset($8::json) AS x(action text, entity text, id text, before jsonb, after jsonb)`,
    [
      personJson(w.insert),
      personJson(w.update),
      JSON.stringify(w.binds.map((b) => ({ g: b.groupId, u: b.unitId }))),
      w.oversightFor,
      JSON.stringify(w.oversight.map((o) => ({ p: o.personId, u: o.unitId, r: o.role }))),
      w.at.toISOString(),
      w.actor,
      JSON.stringify(w.audits.map((a) => ({ action: a.action, entity: a.entity, id: a.entityId === null ? null : String(a.entityId), before: a.before ?? null, after: a.after ?? null }))),
    ],
  );
}
