import type { Prisma } from '../generated/prisma/client.ts';

/**
 * Set-based inserts and updates for plan import: one statement per table with array parameters
 * (unnest), instead of Prisma's row batches — 5,000 tasks go in as one query on PGlite too.
 */
type Tx = Prisma.TransactionClient;

export interface TaskWrite {
  sectionId: number | null;
  seq: number;
  title: string | null;
  text: string;
  deadline: string | null;
  deadlineText: string | null;
  deadlineKind: string;
  recurrence: string | null;
}

const cols = (rows: TaskWrite[]) => [
  rows.map((r) => r.sectionId),
  rows.map((r) => r.seq),
  rows.map((r) => r.title),
  rows.map((r) => r.text),
  rows.map((r) => r.deadline),
  rows.map((r) => r.deadlineText),
  rows.map((r) => r.deadlineKind),
  rows.map((r) => r.recurrence),
];

export async function insertTasks(tx: Tx, planId: number, rows: (TaskWrite & { no: string })[]): Promise<{ id: number; no: string }[]> {
  if (rows.length === 0) return [];
  return tx.$queryRawUnsafe<{ id: number; no: string }[]>(
    `INSERT INTO "Task" ("planId", "no", "sectionId", "seq", "title", "text", "deadline", "deadlineText", "deadlineKind", "recurrence", "updatedAt")
     SELECT $1, u.no, u.s, u.q, u.ti, u.tx, u.d::date, u.dt, u.k::"DeadlineKind", u.r, CURRENT_TIMESTAMP
     FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS u(no, s, q, ti, tx, d, dt, k, r)
     RETURNING "id", "no"`,
    planId,
    rows.map((r) => r.no),
    ...cols(rows),
  );
}

export async function updateTasks(tx: Tx, rows: (TaskWrite & { id: number })[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE "Task" AS t SET "sectionId" = u.s, "seq" = u.q, "title" = u.ti, "text" = u.tx, "deadline" = u.d::date,
       "deadlineText" = u.dt, "deadlineKind" = u.k::"DeadlineKind", "recurrence" = u.r, "updatedAt" = CURRENT_TIMESTAMP
     FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS u(id, s, q, ti, tx, d, dt, k, r)
     WHERE t."id" = u.id`,
    rows.map((r) => r.id),
    ...cols(rows),
  );
}

export interface TaskUnitWrite {
  taskId: number;
  role: string;
  rawName: string;
  unitId: number | null;
  collective: boolean;
  ordinal: number;
}

export async function insertTaskUnits(tx: Tx, rows: TaskUnitWrite[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "TaskUnit" ("taskId", "role", "rawName", "unitId", "collective", "ordinal")
     SELECT u.t, u.r::"AssignmentRole", u.n, u.unit, u.c, u.o
     FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::bool[], $6::int[]) AS u(t, r, n, unit, c, o)`,
    rows.map((r) => r.taskId),
    rows.map((r) => r.role),
    rows.map((r) => r.rawName),
    rows.map((r) => r.unitId),
    rows.map((r) => r.collective),
    rows.map((r) => r.ordinal),
  );
}

export async function insertTaskLeaders(tx: Tx, rows: { taskId: number; personId: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "TaskLeader" ("taskId", "personId") SELECT * FROM unnest($1::int[], $2::int[]) ON CONFLICT DO NOTHING`,
    rows.map((r) => r.taskId),
    rows.map((r) => r.personId),
  );
}

export interface MilestoneWrite {
  taskId: number;
  dueOn: string | null;
  deadlineText: string;
  text: string;
  doneAt: Date | null;
}

export async function insertMilestones(tx: Tx, rows: MilestoneWrite[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "Milestone" ("taskId", "dueOn", "deadlineText", "text", "doneAt")
     SELECT u.t, u.d::date, u.dt, u.x, u.done::timestamp(3)
     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(t, d, dt, x, done)`,
    rows.map((r) => r.taskId),
    rows.map((r) => r.dueOn),
    rows.map((r) => r.deadlineText),
    rows.map((r) => r.text),
    rows.map((r) => (r.doneAt ? r.doneAt.toISOString().replace('T', ' ').replace('Z', '') : null)),
  );
}
