import type { BulkQuery } from '../store/bulk-sql.ts';

/**
 * The statements of a plan import, each set-based: the rows of a table travel as one JSON document
 * (json_to_recordset), so 5,000 tasks cost the same handful of round trips as 5 — about ten per
 * import whatever its size (it was one or more per changed row). What to write is decided in
 * save-plan.ts from one snapshot of what is stored; the writes then go in ONE statement whose
 * parts touch disjoint rows (foreign keys are checked at its end, so new tasks, sections and their
 * child rows may go in together). Dates travel as text and timestamps are written as UTC wall time,
 * as Prisma writes them.
 */

const NOW = `(now() AT TIME ZONE 'UTC')`;
const json = (rows: unknown) => JSON.stringify(rows);

export interface StoredPlan {
  id: number;
  sourceDocument: string;
  issuer: string | null;
  docNumber: string | null;
  issuedOn: string | null;
  year: number | null;
  mechanisms: string[];
  contentHash: string | null;
}

/** The plan a document updates: same file name, else same 文号, else same title (and year when the document has one). */
export async function findPlan(sql: BulkQuery, key: { document: string; docNumber: string | null; title: string; year: number | null }): Promise<StoredPlan | null> {
  const [row] = await sql<{ p: StoredPlan }>(
    `SELECT json_build_object('id', p.id, 'sourceDocument', p."sourceDocument", 'issuer', p.issuer, 'docNumber', p."docNumber", 'issuedOn', p."issuedOn",
              'year', p.year, 'mechanisms', p.mechanisms, 'contentHash', p."contentHash") AS p
     FROM (SELECT 1 AS k, * FROM "Plan" WHERE "sourceDocument" = $1
           UNION ALL (SELECT 2, * FROM "Plan" WHERE $2::text IS NOT NULL AND "docNumber" = $2 ORDER BY id LIMIT 1)
           UNION ALL (SELECT 3, * FROM "Plan" WHERE title = $3 AND ($4::int IS NULL OR year = $4) ORDER BY id LIMIT 1)) p
     ORDER BY p.k LIMIT 1`,
    [key.document, key.docNumber, key.title, key.year],
  );
  return row?.p ?? null;
}

export interface PlanRowWrite {
  sourceDocument: string;
  title: string;
  issuer: string | null;
  docNumber: string | null;
  issuedOn: string | null;
  year: number | null;
  mechanisms: string[];
  contentHash: string;
}

/** Inserts the plan, or updates the stored one in place (its archivedAt and shortName untouched). Returns its id. */
export async function writePlanRow(sql: BulkQuery, existingId: number | null, p: PlanRowWrite): Promise<number> {
  const values = [p.sourceDocument, p.title, p.issuer, p.docNumber, p.issuedOn, p.year, p.mechanisms, p.contentHash];
  const [row] = existingId
    ? await sql<{ id: number }>(
        `UPDATE "Plan" SET "sourceDocument" = $1, title = $2, issuer = $3, "docNumber" = $4, "issuedOn" = $5::date, year = $6, mechanisms = $7::text[],
           "contentHash" = $8, "updatedAt" = ${NOW} WHERE id = $9 RETURNING id`,
        [...values, existingId],
      )
    : await sql<{ id: number }>(
        `INSERT INTO "Plan" ("sourceDocument", title, issuer, "docNumber", "issuedOn", year, mechanisms, "contentHash", "updatedAt")
         VALUES ($1, $2, $3, $4, $5::date, $6, $7::text[], $8, ${NOW}) RETURNING id`,
        values,
      );
  return row!.id;
}

/**
 * The directory units the plan names, created when missing and corrected when their kind or
 * aliases changed (the directory is the authority), plus the ids of `lookup` (units a collective
 * expands to), which are only read. Returns every id by name and which names were created.
 */
export async function upsertUnits(sql: BulkQuery, wanted: { name: string; kind: string; aliases: string[] }[], lookup: string[]): Promise<{ ids: Map<string, number>; created: Set<string> }> {
  if (wanted.length === 0 && lookup.length === 0) return { ids: new Map(), created: new Set() };
  const rows = await sql<{ name: string; id: number; created: boolean }>(
    `WITH want AS (SELECT * FROM json_to_recordset($1::json) AS x(name text, kind text, aliases json)),
     up AS (
       INSERT INTO "Unit" (name, aliases, kind, "updatedAt")
       SELECT w.name, ARRAY(SELECT json_array_elements_text(w.aliases)), w.kind, ${NOW} FROM want w
       ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, aliases = EXCLUDED.aliases, "updatedAt" = EXCLUDED."updatedAt"
         WHERE "Unit".kind IS DISTINCT FROM EXCLUDED.kind OR "Unit".aliases IS DISTINCT FROM EXCLUDED.aliases
       RETURNING id, name)
     -- The outer query sees the table as it was before this statement: a name it does not find was created.
     SELECT up.name, up.id, NOT EXISTS (SELECT 1 FROM "Unit" u WHERE u.name = up.name) AS created FROM up
     UNION ALL
     SELECT u.name, u.id, false FROM "Unit" u
     WHERE (u.name IN (SELECT name FROM want) OR u.name = ANY($2::text[])) AND u.name NOT IN (SELECT name FROM up)`,
    [json(wanted), lookup],
  );
  return { ids: new Map(rows.map((r) => [r.name, r.id])), created: new Set(rows.filter((r) => r.created).map((r) => r.name)) };
}

/**
 * Plan-level leaders (kind leader, no unit) by name: the oldest of a name is reused; a roster entry
 * updates its title and role; missing ones are created in the order given.
 */
export async function upsertLeaders(sql: BulkQuery, wanted: { name: string; roster: boolean; title: string | null; role: string | null }[]): Promise<{ ids: Map<string, number>; created: Set<string> }> {
  if (wanted.length === 0) return { ids: new Map(), created: new Set() };
  const rows = await sql<{ name: string; id: number; created: boolean }>(
    `WITH want AS (SELECT * FROM json_to_recordset($1::json) AS x(name text, roster bool, title text, role text, ord int)),
     found AS (
       SELECT DISTINCT ON (p.name) p.id, p.name, p.title, p.role FROM "Person" p
       WHERE p.kind = 'leader' AND p."unitId" IS NULL AND p.name IN (SELECT name FROM want) ORDER BY p.name, p.id),
     upd AS (
       UPDATE "Person" p SET title = COALESCE(w.title, f.title), role = COALESCE(w.role, f.role), "updatedAt" = ${NOW}
       FROM found f JOIN want w ON w.name = f.name
       WHERE p.id = f.id AND w.roster AND (w.title IS DISTINCT FROM f.title OR w.role IS DISTINCT FROM f.role)),
     ins AS (
       INSERT INTO "Person" (name, kind, title, role, "updatedAt")
       SELECT w.name, 'leader', w.title, w.role, ${NOW} FROM want w WHERE w.name NOT IN (SELECT name FROM found) ORDER BY w.ord
       RETURNING id, name)
     SELECT name, id, false AS created FROM found UNION ALL SELECT name, id, true FROM ins`,
    [json(wanted.map((w, ord) => ({ ...w, ord })))],
  );
  return { ids: new Map(rows.map((r) => [r.name, r.id])), created: new Set(rows.filter((r) => r.created).map((r) => r.name)) };
}

export interface StoredSection { id: number; parentId: number | null; level: number; ordinal: number; label: string; title: string }
export interface StoredTask {
  id: number;
  no: string;
  sectionId: number | null;
  seq: number;
  title: string | null;
  text: string;
  deadline: string | null;
  deadlineText: string | null;
  deadlineKind: string;
  recurrence: string | null;
}
export interface StoredTaskUnit { id: number; taskId: number; role: string; rawName: string; unitId: number | null; collective: boolean; ordinal: number }
export interface StoredLeader { taskId: number; personId: number; name: string }
/** doneAt as stored (UTC wall time, text), written back unchanged when a task's milestones are rewritten. */
export interface StoredMilestone { taskId: number; dueOn: string | null; deadlineText: string; text: string; doneAt: string | null }
export interface StoredAssignment { id: number; taskId: number; unitId: number; role: string; via: string | null; state: string; reported: boolean; received: boolean }

export interface PlanSnapshot {
  sections: StoredSection[];
  tasks: StoredTask[];
  units: StoredTaskUnit[];
  leaders: StoredLeader[];
  milestones: StoredMilestone[];
  /** Assignments of the tasks the document still lists. */
  assignments: StoredAssignment[];
  /** `taskId:unitId` of approved 转办 away from a unit. */
  movedAway: Set<string>;
  /** Tasks the document no longer lists that have history (progress, requests, escalations, 批示). */
  withHistory: Set<number>;
}

export const EMPTY_SNAPSHOT: PlanSnapshot = { sections: [], tasks: [], units: [], leaders: [], milestones: [], assignments: [], movedAway: new Set(), withHistory: new Set() };

/** Everything stored under a plan that an import compares with, in one query. */
export async function loadPlanSnapshot(sql: BulkQuery, planId: number, keepNos: string[]): Promise<PlanSnapshot> {
  const [row] = await sql<{ s: Record<string, unknown[][] | null> }>(
    `WITH t AS (SELECT * FROM "Task" WHERE "planId" = $1), kept AS (SELECT id FROM t WHERE no = ANY($2::text[]))
     SELECT json_build_object(
       'sections', (SELECT json_agg(json_build_array(s.id, s."parentId", s.level, s.ordinal, s.label, s.title)) FROM "Section" s WHERE s."planId" = $1),
       'tasks', (SELECT json_agg(json_build_array(t.id, t.no, t."sectionId", t.seq, t.title, t.text, t.deadline, t."deadlineText", t."deadlineKind", t.recurrence) ORDER BY t.seq) FROM t),
       'units', (SELECT json_agg(json_build_array(u.id, u."taskId", u.role, u."rawName", u."unitId", u.collective, u.ordinal)) FROM "TaskUnit" u JOIN t ON t.id = u."taskId"),
       'leaders', (SELECT json_agg(json_build_array(l."taskId", l."personId", p.name)) FROM "TaskLeader" l JOIN t ON t.id = l."taskId" JOIN "Person" p ON p.id = l."personId"),
       'milestones', (SELECT json_agg(json_build_array(m."taskId", m."dueOn", m."deadlineText", m.text, m."doneAt") ORDER BY m.id) FROM "Milestone" m JOIN t ON t.id = m."taskId"),
       'assignments', (SELECT json_agg(json_build_array(a.id, a."taskId", a."unitId", a.role, a.via, a.state, a."lastReportedAt" IS NOT NULL, a."receivedAt" IS NOT NULL))
                       FROM "Assignment" a JOIN kept ON kept.id = a."taskId"),
       'moved', (SELECT json_agg(json_build_array(r."taskId", r."unitId")) FROM "TaskRequest" r JOIN kept ON kept.id = r."taskId" WHERE r.kind = 'transfer' AND r.status = 'approved'),
       'history', (SELECT json_agg(g.id) FROM t g WHERE NOT (g.no = ANY($2::text[])) AND (
                     EXISTS (SELECT 1 FROM "ProgressUpdate" x WHERE x."taskId" = g.id) OR EXISTS (SELECT 1 FROM "TaskRequest" x WHERE x."taskId" = g.id)
                     OR EXISTS (SELECT 1 FROM "Escalation" x WHERE x."taskId" = g.id) OR EXISTS (SELECT 1 FROM "InstructionTarget" x WHERE x."taskId" = g.id)))
     ) AS s`,
    [planId, keepNos],
  );
  const s = row!.s;
  // Rows come as JSON arrays (compact for 20,000 task units); each list's tuple type is the SELECT's.
  const list = <T extends unknown[]>(k: string) => (s[k] ?? []) as unknown as T[];
  type N = number | null;
  type S = string | null;
  return {
    sections: list<[number, N, number, number, string, string]>('sections').map(([id, parentId, level, ordinal, label, title]) => ({ id, parentId, level, ordinal, label, title })),
    tasks: list<[number, string, N, number, S, string, S, S, string, S]>('tasks').map(([id, no, sectionId, seq, title, text, deadline, deadlineText, deadlineKind, recurrence]) => ({ id, no, sectionId, seq, title, text, deadline, deadlineText, deadlineKind, recurrence })),
    units: list<[number, number, string, string, N, boolean, number]>('units').map(([id, taskId, role, rawName, unitId, collective, ordinal]) => ({ id, taskId, role, rawName, unitId, collective, ordinal })),
    leaders: list<[number, number, string]>('leaders').map(([taskId, personId, name]) => ({ taskId, personId, name })),
    milestones: list<[number, S, string, string, S]>('milestones').map(([taskId, dueOn, deadlineText, text, doneAt]) => ({ taskId, dueOn, deadlineText, text, doneAt })),
    assignments: list<[number, number, number, string, S, string, boolean, boolean]>('assignments').map(([id, taskId, unitId, role, via, state, reported, received]) => ({ id, taskId, unitId, role, via, state, reported, received })),
    movedAway: new Set(list<[number, N]>('moved').map(([taskId, unitId]) => `${taskId}:${unitId}`)),
    withHistory: new Set((s.history ?? []) as unknown as number[]),
  };
}

/** Ids for rows about to be inserted, so a new section's children and a new task's units can name them in the same statement. */
export async function allocateIds(sql: BulkQuery, sections: number, tasks: number): Promise<{ sections: number[]; tasks: number[] }> {
  if (sections === 0 && tasks === 0) return { sections: [], tasks: [] };
  const [row] = await sql<{ s: number[]; t: number[] }>(
    `SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('"Section"', 'id'))::int FROM generate_series(1, $1)) AS s,
            ARRAY(SELECT nextval(pg_get_serial_sequence('"Task"', 'id'))::int FROM generate_series(1, $2)) AS t`,
    [sections, tasks],
  );
  return { sections: row!.s, tasks: row!.t };
}

/** A task, its units and milestones as written: the stored shapes without the ids the database gives. */
export type TaskWrite = Omit<StoredTask, 'id' | 'no'>;
export type TaskUnitWrite = Omit<StoredTaskUnit, 'id'>;
export type MilestoneWrite = StoredMilestone;

export interface PlanWrites {
  planId: number;
  sections: { prune: number[]; update: { id: number; level: number; ordinal: number; title: string }[]; insert: (Omit<StoredSection, 'id'> & { id: number })[] };
  tasks: { insert: (TaskWrite & { id: number; no: string })[]; update: (TaskWrite & { id: number })[]; delete: number[] };
  taskUnits: { insert: TaskUnitWrite[]; update: { id: number; unitId: number | null; collective: boolean; ordinal: number }[]; delete: number[] };
  leaders: { insert: { taskId: number; personId: number }[]; delete: { taskId: number; personId: number }[] };
  /** Tasks whose milestones are rewritten, and the milestones to insert (theirs and new tasks'). */
  milestones: { replace: number[]; insert: MilestoneWrite[] };
  /** The plan's roster oversight (组长 …): replaces what an earlier import said. */
  oversight: { personId: number; role: string }[];
  assignments: { insert: { taskId: number; unitId: number; role: string; via: string | null }[]; update: { id: number; role: string; via: string | null }[]; delete: number[]; retire: number[] };
  audit: { actor: string; action: string; before: unknown; after: unknown };
}

const taskCols = (r: TaskWrite) => ({ s: r.sectionId, q: r.seq, ti: r.title, tx: r.text, d: r.deadline, dt: r.deadlineText, k: r.deadlineKind, r: r.recurrence });
const TASK_RECORD = `s int, q int, ti text, tx text, d text, dt text, k text, r text`;

/** All of an import's writes as one statement. Returns how many assignments were created and removed. */
export async function applyPlanWrites(sql: BulkQuery, w: PlanWrites): Promise<{ assignmentsCreated: number; assignmentsRemoved: number }> {
  const [row] = await sql<{ created: number; removed: number }>(
    `WITH
     sec_del AS (DELETE FROM "Section" WHERE id = ANY($2::int[])),
     sec_upd AS (UPDATE "Section" s SET level = x.l, ordinal = x.o, title = x.ti FROM json_to_recordset($3::json) AS x(id int, l int, o int, ti text) WHERE s.id = x.id),
     sec_ins AS (INSERT INTO "Section" (id, "planId", "parentId", level, ordinal, label, title)
                 SELECT x.id, $1, x.p, x.l, x.o, x.lb, x.ti FROM json_to_recordset($4::json) AS x(id int, p int, l int, o int, lb text, ti text)),
     task_ins AS (INSERT INTO "Task" (id, "planId", no, "sectionId", seq, title, text, deadline, "deadlineText", "deadlineKind", recurrence, "updatedAt")
                  SELECT x.id, $1, x.no, x.s, x.q, x.ti, x.tx, x.d::date, x.dt, x.k::"DeadlineKind", x.r, ${NOW}
                  FROM json_to_recordset($5::json) AS x(id int, no text, ${TASK_RECORD})),
     task_upd AS (UPDATE "Task" t SET "sectionId" = x.s, seq = x.q, title = x.ti, text = x.tx, deadline = x.d::date, "deadlineText" = x.dt,
                    "deadlineKind" = x.k::"DeadlineKind", recurrence = x.r, "updatedAt" = ${NOW}
                  FROM json_to_recordset($6::json) AS x(id int, ${TASK_RECORD}) WHERE t.id = x.id),
     task_del AS (DELETE FROM "Task" WHERE id = ANY($7::int[])),
     tu_del AS (DELETE FROM "TaskUnit" WHERE id = ANY($8::int[])),
     tu_upd AS (UPDATE "TaskUnit" u SET "unitId" = x.unit, collective = x.c, ordinal = x.o FROM json_to_recordset($9::json) AS x(id int, unit int, c bool, o int) WHERE u.id = x.id),
     tu_ins AS (INSERT INTO "TaskUnit" ("taskId", role, "rawName", "unitId", collective, ordinal)
                SELECT x.t, x.r::"AssignmentRole", x.n, x.unit, x.c, x.o FROM json_to_recordset($10::json) AS x(t int, r text, n text, unit int, c bool, o int)),
     tl_del AS (DELETE FROM "TaskLeader" l USING json_to_recordset($11::json) AS x(t int, p int) WHERE l."taskId" = x.t AND l."personId" = x.p),
     tl_ins AS (INSERT INTO "TaskLeader" ("taskId", "personId") SELECT x.t, x.p FROM json_to_recordset($12::json) AS x(t int, p int) ON CONFLICT DO NOTHING),
     ms_del AS (DELETE FROM "Milestone" WHERE "taskId" = ANY($13::int[])),
     ms_ins AS (INSERT INTO "Milestone" ("taskId", "dueOn", "deadlineText", text, "doneAt")
                SELECT x.t, x.d::date, x.dt, x.x, x.done::timestamp(3) FROM json_to_recordset($14::json) AS x(t int, d text, dt text, x text, done text)),
     ov_del AS (DELETE FROM "Oversight" WHERE "planId" = $1 AND source = 'plan'),
     ov_ins AS (INSERT INTO "Oversight" ("personId", "planId", "unitId", role, source) SELECT x.p, $1, NULL, x.r, 'plan' FROM json_to_recordset($15::json) AS x(p int, r text)),
     a_ins AS (INSERT INTO "Assignment" ("taskId", "unitId", role, via, "updatedAt")
               SELECT x.t, x.u, x.r::"AssignmentRole", x.v, ${NOW} FROM json_to_recordset($16::json) AS x(t int, u int, r text, v text)
               ON CONFLICT ("taskId", "unitId") DO NOTHING RETURNING 1),
     a_upd AS (UPDATE "Assignment" a SET role = x.r::"AssignmentRole", via = x.v, "updatedAt" = ${NOW} FROM json_to_recordset($17::json) AS x(id int, r text, v text) WHERE a.id = x.id),
     a_del AS (DELETE FROM "Assignment" WHERE id = ANY($18::int[]) RETURNING 1),
     a_ret AS (UPDATE "Assignment" SET role = 'participating', via = '方案已不再列出', "updatedAt" = ${NOW} WHERE id = ANY($19::int[])),
     audit AS (INSERT INTO "AuditLog" (at, actor, action, entity, "entityId", before, after) VALUES (${NOW}, $20, $21, 'Plan', $1::text, $22::jsonb, $23::jsonb))
     SELECT (SELECT count(*) FROM a_ins)::int AS created, (SELECT count(*) FROM a_del)::int AS removed`,
    [
      w.planId,
      w.sections.prune,
      json(w.sections.update.map((s) => ({ id: s.id, l: s.level, o: s.ordinal, ti: s.title }))),
      json(w.sections.insert.map((s) => ({ id: s.id, p: s.parentId, l: s.level, o: s.ordinal, lb: s.label, ti: s.title }))),
      json(w.tasks.insert.map((t) => ({ id: t.id, no: t.no, ...taskCols(t) }))),
      json(w.tasks.update.map((t) => ({ id: t.id, ...taskCols(t) }))),
      w.tasks.delete,
      w.taskUnits.delete,
      json(w.taskUnits.update.map((u) => ({ id: u.id, unit: u.unitId, c: u.collective, o: u.ordinal }))),
      json(w.taskUnits.insert.map((u) => ({ t: u.taskId, r: u.role, n: u.rawName, unit: u.unitId, c: u.collective, o: u.ordinal }))),
      json(w.leaders.delete.map((l) => ({ t: l.taskId, p: l.personId }))),
      json(w.leaders.insert.map((l) => ({ t: l.taskId, p: l.personId }))),
      w.milestones.replace,
      json(w.milestones.insert.map((m) => ({ t: m.taskId, d: m.dueOn, dt: m.deadlineText, x: m.text, done: m.doneAt }))),
      json(w.oversight.map((o) => ({ p: o.personId, r: o.role }))),
      json(w.assignments.insert.map((a) => ({ t: a.taskId, u: a.unitId, r: a.role, v: a.via }))),
      json(w.assignments.update.map((a) => ({ id: a.id, r: a.role, v: a.via }))),
      w.assignments.delete,
      w.assignments.retire,
      w.audit.actor,
      w.audit.action,
      w.audit.before === undefined ? null : json(w.audit.before),
      json(w.audit.after),
    ],
  );
  return { assignmentsCreated: row!.created, assignmentsRemoved: row!.removed };
}
