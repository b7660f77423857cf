import { saveRosterOversight } from './save-oversight.ts';
import crypto from 'node:crypto';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { AssignmentRole, ParsedPlan, ParsedSection, ParsedTask } from '../domain/plan/plan-types.ts';
import { syncAssignments, type AssignmentSyncReport } from './sync-assignments.ts';
import { insertMilestones, insertTaskLeaders, insertTasks, insertTaskUnits, updateTasks, type MilestoneWrite, type TaskUnitWrite, type TaskWrite } from './bulk-write.ts';

type Tx = Prisma.TransactionClient;

export interface SavePlanOptions {
  /** Who imported: a chat id, "cli", "demo". Goes to the audit log. */
  actor: string;
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface PlanChangeReport {
  planId: number;
  created: boolean;
  /** When an existing plan was found under another file name, that name. */
  previousDocument: string | null;
  added: string[];
  changed: { no: string; fields: FieldChange[] }[];
  /** Tasks no longer in the document. Those with recorded progress are kept, never deleted. */
  removed: { no: string; kept: boolean }[];
  unchanged: number;
  unitsCreated: string[];
  leadersCreated: string[];
  /** Each unit's part of each task, after the collectives were expanded. */
  assignments: AssignmentSyncReport;
}

const ROLES: AssignmentRole[] = ['lead', 'responsible', 'participating'];
const ROLE_FIELD: Record<AssignmentRole, string> = { lead: 'leadUnits', responsible: 'responsibleUnits', participating: 'participatingUnits' };

function toDate(d: string | null): Date | null {
  return d ? new Date(`${d}T00:00:00.000Z`) : null;
}

function fromDate(d: Date | null): string | null {
  return d ? d.toISOString().slice(0, 10) : null;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function planContentHash(plan: ParsedPlan): string {
  const { warnings: _w, ...content } = plan;
  return crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/**
 * Writes a parsed plan: Plan (by sourceDocument), Sections, Tasks (by planId+no), Milestones, Units
 * (resolved names), leaders and roster people, and each task's units and leaders. Re-importing the
 * same document updates rows in place and reports what changed; progress already recorded (status,
 * percent, ProgressUpdate rows) is never touched, and a task that left the document but has
 * progress is kept.
 */
export async function savePlan(prisma: PrismaClient, plan: ParsedPlan, opts: SavePlanOptions): Promise<PlanChangeReport> {
  return prisma.$transaction((tx) => saveInTx(tx, plan, opts), { timeout: 600_000, maxWait: 60_000 });
}

async function saveInTx(tx: Tx, plan: ParsedPlan, opts: SavePlanOptions): Promise<PlanChangeReport> {
  // The same plan under a new file name (a revised draft, the exported ledger): same 文号, or same
  // title and year (a ledger that prints no year matches on the title).
  const existingPlan =
    (await tx.plan.findUnique({ where: { sourceDocument: plan.document } })) ??
    (plan.docNumber ? await tx.plan.findFirst({ where: { docNumber: plan.docNumber }, orderBy: { id: 'asc' } }) : null) ??
    (await tx.plan.findFirst({ where: { title: plan.title, ...(plan.year != null ? { year: plan.year } : {}) }, orderBy: { id: 'asc' } }));
  // A ledger carries no 文号, issuer or mechanisms: re-importing one must not wipe them.
  const planData = {
    title: plan.title,
    issuer: plan.issuer ?? existingPlan?.issuer ?? null,
    docNumber: plan.docNumber ?? existingPlan?.docNumber ?? null,
    issuedOn: toDate(plan.issuedOn) ?? existingPlan?.issuedOn ?? null,
    year: plan.year ?? existingPlan?.year ?? null,
    mechanisms: plan.mechanisms.length > 0 ? plan.mechanisms : (existingPlan?.mechanisms ?? []),
    contentHash: planContentHash(plan),
  };
  const dbPlan = existingPlan
    ? await tx.plan.update({ where: { id: existingPlan.id }, data: { ...planData, sourceDocument: plan.document } })
    : await tx.plan.create({ data: { sourceDocument: plan.document, ...planData } });
  const planId = dbPlan.id;

  const unitIds = await saveUnits(tx, plan);
  const { personIds, created: leadersCreated } = await savePeople(tx, plan);
  await saveRosterOversight(tx, planId, plan.roster, personIds);
  const { sectionIds, pruneSections, oldSections } = await saveSections(tx, planId, plan.sections);

  const existing = await loadExisting(tx, planId);
  const byNo = new Map(existing.map((t) => [t.no, t]));
  const sectionPath = new Map<number, string[]>();
  for (const s of plan.sections) {
    const id = sectionIds.get(s.key)!;
    const path: string[] = [];
    for (let k: string | null = s.key; k; k = plan.sections.find((x) => x.key === k)?.parentKey ?? null) {
      path.unshift(plan.sections.find((x) => x.key === k)!.title);
    }
    sectionPath.set(id, path);
  }

  const report: PlanChangeReport = { planId, created: !existingPlan, previousDocument: existingPlan && existingPlan.sourceDocument !== plan.document ? existingPlan.sourceDocument : null, added: [], changed: [], removed: [], unchanged: 0, unitsCreated: unitIds.created, leadersCreated, assignments: { created: 0, updated: 0, removed: 0, collectives: new Map() } };
  const taskRow = (t: ParsedTask): TaskWrite => ({
    sectionId: t.sectionKey ? (sectionIds.get(t.sectionKey) ?? null) : null,
    seq: t.seq,
    title: t.title,
    text: t.text,
    deadline: t.deadline.date,
    deadlineText: t.deadline.text,
    deadlineKind: t.deadline.kind,
    recurrence: t.deadline.recurrence,
  });

  // New tasks in one statement; their ids come back for the child rows.
  const fresh = dedupeByNo(plan.tasks).filter((t) => !byNo.has(t.no));
  const createdRows = await insertTasks(tx, planId, fresh.map((t) => ({ no: t.no, ...taskRow(t) })));
  const taskIds = new Map(createdRows.map((r) => [r.no, r.id]));
  report.added = fresh.map((t) => t.no);

  const unitRows: TaskUnitWrite[] = [];
  const leaderRows: { taskId: number; personId: number }[] = [];
  const milestoneRows: MilestoneWrite[] = [];
  const taskUpdates: (TaskWrite & { id: number })[] = [];
  const dropUnitIds: number[] = [];
  const dropLeaderKeys: { taskId: number; personId: number }[] = [];
  const dropMilestoneTasks: number[] = [];

  const desiredUnits = (t: ParsedTask, taskId: number) => {
    const seen = new Set<string>();
    return t.units
      .filter((u) => {
        const k = `${u.role}|${u.rawName}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .map((u): TaskUnitWrite => ({ taskId, role: u.role, rawName: u.rawName, unitId: u.resolved ? (unitIds.ids.get(u.resolved.name) ?? null) : null, collective: u.collective, ordinal: u.ordinal }));
  };
  const desiredLeaders = (t: ParsedTask) => [...new Set(t.leaders)].map((n) => personIds.get(n)!).filter((id) => id != null);
  const milestoneData = (t: ParsedTask, taskId: number, done: Map<string, Date | null>) =>
    t.milestones.map((m): MilestoneWrite => ({ taskId, dueOn: m.dueOn, deadlineText: m.deadlineText, text: m.text, doneAt: done.get(`${m.deadlineText}|${m.text}`) ?? null }));

  for (const t of fresh) {
    const id = taskIds.get(t.no)!;
    unitRows.push(...desiredUnits(t, id));
    leaderRows.push(...desiredLeaders(t).map((personId) => ({ taskId: id, personId })));
    milestoneRows.push(...milestoneData(t, id, new Map()));
  }

  for (const t of dedupeByNo(plan.tasks)) {
    const old = byNo.get(t.no);
    if (!old) continue;
    const row = taskRow(t);
    const fields: FieldChange[] = [];
    const cmp = (field: string, before: unknown, after: unknown) => {
      if (!same(before, after)) fields.push({ field, before, after });
    };
    cmp('sections', old.sectionId ? (sectionPath.get(old.sectionId) ?? oldSectionPath(oldSections.get(old.sectionId) ?? null)) : [], t.sectionKey ? (sectionPath.get(row.sectionId!) ?? []) : []);
    cmp('title', old.title, row.title);
    cmp('text', old.text, row.text);
    cmp('deadline', fromDate(old.deadline), t.deadline.date);
    cmp('deadlineText', old.deadlineText, row.deadlineText);
    cmp('deadlineKind', old.deadlineKind, row.deadlineKind);
    cmp('recurrence', old.recurrence, row.recurrence);
    cmp('leaders', old.leaders.map((l) => l.person.name).sort(), [...new Set(t.leaders)].sort());
    const want = desiredUnits(t, old.id);
    for (const role of ROLES) {
      cmp(ROLE_FIELD[role], old.units.filter((u) => u.role === role).sort((a, b) => a.ordinal - b.ordinal).map((u) => u.rawName), want.filter((u) => u.role === role).map((u) => u.rawName));
    }
    cmp('milestones', old.milestones.map((m) => `${m.deadlineText}|${m.text}`), t.milestones.map((m) => `${m.deadlineText}|${m.text}`));

    const rowChanged = !same(
      { s: old.sectionId, q: old.seq, ti: old.title, x: old.text, d: fromDate(old.deadline), dt: old.deadlineText, k: old.deadlineKind, r: old.recurrence },
      { s: row.sectionId, q: row.seq, ti: row.title, x: row.text, d: t.deadline.date, dt: row.deadlineText, k: row.deadlineKind, r: row.recurrence },
    );
    if (rowChanged) taskUpdates.push({ id: old.id, ...row });

    // Units: keyed by role + name as written.
    const oldUnits = new Map(old.units.map((u) => [`${u.role}|${u.rawName}`, u]));
    for (const u of want) {
      const prev = oldUnits.get(`${u.role}|${u.rawName}`);
      if (!prev) unitRows.push(u);
      else {
        oldUnits.delete(`${u.role}|${u.rawName}`);
        if (prev.unitId !== u.unitId || prev.collective !== u.collective || prev.ordinal !== u.ordinal) {
          await tx.taskUnit.update({ where: { id: prev.id }, data: { unitId: u.unitId, collective: u.collective, ordinal: u.ordinal } });
        }
      }
    }
    dropUnitIds.push(...[...oldUnits.values()].map((u) => u.id));

    const wantLeaders = new Set(desiredLeaders(t));
    for (const l of old.leaders) if (!wantLeaders.has(l.personId)) dropLeaderKeys.push({ taskId: old.id, personId: l.personId });
    for (const p of wantLeaders) if (!old.leaders.some((l) => l.personId === p)) leaderRows.push({ taskId: old.id, personId: p });

    if (fields.some((f) => f.field === 'milestones') || !same(old.milestones.map((m) => fromDate(m.dueOn)), t.milestones.map((m) => m.dueOn))) {
      dropMilestoneTasks.push(old.id);
      milestoneRows.push(...milestoneData(t, old.id, new Map(old.milestones.map((m) => [`${m.deadlineText}|${m.text}`, m.doneAt]))));
    }
    if (fields.length > 0) report.changed.push({ no: t.no, fields });
    else report.unchanged++;
  }

  const keepNos = new Set(plan.tasks.map((t) => t.no));
  const gone = existing.filter((t) => !keepNos.has(t.no));
  const goneIds = gone.map((t) => t.id);
  const withHistory = new Set<number>();
  if (goneIds.length) {
    for (const r of await tx.progressUpdate.findMany({ where: { taskId: { in: goneIds } }, select: { taskId: true }, distinct: ['taskId'] })) withHistory.add(r.taskId);
    for (const r of await tx.taskRequest.findMany({ where: { taskId: { in: goneIds } }, select: { taskId: true }, distinct: ['taskId'] })) withHistory.add(r.taskId);
    for (const r of await tx.escalation.findMany({ where: { taskId: { in: goneIds } }, select: { taskId: true }, distinct: ['taskId'] })) withHistory.add(r.taskId);
    for (const r of await tx.instructionTarget.findMany({ where: { taskId: { in: goneIds } }, select: { taskId: true }, distinct: ['taskId'] })) withHistory.add(r.taskId);
  }
  const deletable = gone.filter((t) => !withHistory.has(t.id));
  report.removed = gone.map((t) => ({ no: t.no, kept: !deletable.includes(t) }));

  if (dropUnitIds.length) await tx.taskUnit.deleteMany({ where: { id: { in: dropUnitIds } } });
  for (const k of dropLeaderKeys) await tx.taskLeader.delete({ where: { taskId_personId: k } });
  if (dropMilestoneTasks.length) await tx.milestone.deleteMany({ where: { taskId: { in: dropMilestoneTasks } } });
  if (deletable.length) await tx.task.deleteMany({ where: { id: { in: deletable.map((t) => t.id) } } });
  await updateTasks(tx, taskUpdates);
  await insertTaskUnits(tx, unitRows);
  await insertTaskLeaders(tx, leaderRows);
  await insertMilestones(tx, milestoneRows);
  await pruneSections();
  const allTaskIds = new Map([...existing.map((t) => [t.no, t.id] as const), ...taskIds]);
  report.assignments = await syncAssignments(tx, dedupeByNo(plan.tasks), allTaskIds, unitIds.ids);

  await tx.auditLog.create({
    data: {
      actor: opts.actor,
      action: existingPlan ? 'plan.reimport' : 'plan.import',
      entity: 'Plan',
      entityId: String(planId),
      before: existingPlan ? { tasks: existing.length, contentHash: existingPlan.contentHash } : undefined,
      after: {
        document: plan.document,
        tasks: plan.tasks.length,
        added: report.added,
        changed: report.changed.map((c) => ({ no: c.no, fields: c.fields.map((f) => f.field) })),
        removed: report.removed,
        contentHash: planData.contentHash,
      } as Prisma.InputJsonValue,
    },
  });
  return report;
}

/**
 * The plan's current tasks with their units, leaders and milestones — one query per table, joined
 * in memory (IN-lists of thousands of ids are slow on PGlite).
 */
async function loadExisting(tx: Tx, planId: number) {
  // Sequential: a transaction holds one connection, and pg refuses overlapping queries on it.
  const tasks = await tx.task.findMany({ where: { planId }, orderBy: { seq: 'asc' } });
  const units = await tx.taskUnit.findMany({ where: { task: { planId } } });
  const leaders = await tx.taskLeader.findMany({ where: { task: { planId } }, select: { taskId: true, personId: true, person: { select: { name: true } } } });
  const milestones = await tx.milestone.findMany({ where: { task: { planId } }, orderBy: { id: 'asc' } });
  const group = <T extends { taskId: number }>(rows: T[]) => {
    const m = new Map<number, T[]>();
    for (const r of rows) (m.get(r.taskId) ?? m.set(r.taskId, []).get(r.taskId)!).push(r);
    return m;
  };
  const u = group(units);
  const l = group(leaders);
  const ms = group(milestones);
  return tasks.map((t) => ({ ...t, units: u.get(t.id) ?? [], leaders: l.get(t.id) ?? [], milestones: ms.get(t.id) ?? [] }));
}

function oldSectionPath(section: { title: string } | null): string[] {
  return section ? [section.title] : [];
}

function dedupeByNo(tasks: ParsedTask[]): ParsedTask[] {
  const seen = new Set<string>();
  return tasks.filter((t) => (seen.has(t.no) ? false : (seen.add(t.no), true)));
}

async function saveUnits(tx: Tx, plan: ParsedPlan): Promise<{ ids: Map<string, number>; created: string[] }> {
  const wanted = new Map<string, { kind: string; aliases: string[] }>();
  for (const t of plan.tasks) for (const u of t.units) if (u.resolved) wanted.set(u.resolved.name, { kind: u.resolved.kind, aliases: u.resolved.aliases });
  const names = [...wanted.keys()];
  const found = names.length ? await tx.unit.findMany({ where: { name: { in: names } } }) : [];
  const ids = new Map(found.map((u) => [u.name, u.id]));
  for (const u of found) {
    const w = wanted.get(u.name)!;
    // The directory is the authority on kinds and aliases.
    if (u.kind !== w.kind || !same(u.aliases, w.aliases)) await tx.unit.update({ where: { id: u.id }, data: { kind: w.kind, aliases: w.aliases } });
  }
  const missing = names.filter((n) => !ids.has(n));
  if (missing.length) {
    const rows = await tx.unit.createManyAndReturn({ data: missing.map((name) => ({ name, ...wanted.get(name)! })), select: { id: true, name: true } });
    for (const r of rows) ids.set(r.name, r.id);
  }
  return { ids, created: missing };
}

async function savePeople(tx: Tx, plan: ParsedPlan): Promise<{ personIds: Map<string, number>; created: string[] }> {
  const roster = new Map(plan.roster.map((r) => [r.name, r]));
  const names = [...new Set([...plan.tasks.flatMap((t) => t.leaders), ...plan.roster.map((r) => r.name)])];
  const found = names.length ? await tx.person.findMany({ where: { kind: 'leader', name: { in: names }, unitId: null } }) : [];
  const personIds = new Map<string, number>();
  for (const p of found) {
    if (personIds.has(p.name)) continue;
    personIds.set(p.name, p.id);
    const r = roster.get(p.name);
    if (r && (r.title !== p.title || r.role !== p.role)) await tx.person.update({ where: { id: p.id }, data: { title: r.title ?? p.title, role: r.role ?? p.role } });
  }
  const missing = names.filter((n) => !personIds.has(n));
  if (missing.length) {
    const rows = await tx.person.createManyAndReturn({
      data: missing.map((name) => ({ name, kind: 'leader' as const, title: roster.get(name)?.title ?? null, role: roster.get(name)?.role ?? null })),
      select: { id: true, name: true },
    });
    for (const r of rows) personIds.set(r.name, r.id);
  }
  return { personIds, created: missing };
}

/** Sections keyed by their numbering path; kept rows keep their ids so tasks need no rewrite. */
async function saveSections(tx: Tx, planId: number, sections: ParsedSection[]) {
  const old = await tx.section.findMany({ where: { planId } });
  const oldById = new Map(old.map((s) => [s.id, s]));
  const keyOf = (s: (typeof old)[number]): string => {
    const parts: string[] = [];
    for (let cur: (typeof old)[number] | undefined = s; cur; cur = cur.parentId ? oldById.get(cur.parentId) : undefined) parts.unshift(cur.label);
    return parts.join('/');
  };
  const oldByKey = new Map(old.map((s) => [keyOf(s), s]));
  const sectionIds = new Map<string, number>();
  const used = new Set<number>();
  for (const s of sections) {
    const parentId = s.parentKey ? (sectionIds.get(s.parentKey) ?? null) : null;
    const prev = oldByKey.get(s.key);
    if (prev && prev.parentId === parentId) {
      if (prev.title !== s.title || prev.level !== s.level || prev.ordinal !== s.ordinal) {
        await tx.section.update({ where: { id: prev.id }, data: { title: s.title, level: s.level, ordinal: s.ordinal } });
      }
      sectionIds.set(s.key, prev.id);
      used.add(prev.id);
    } else {
      // Ordinals are unique among siblings; a clash (a renumbered document) takes the next free one.
      let ordinal = s.ordinal;
      while (await tx.section.findFirst({ where: { planId, parentId, ordinal }, select: { id: true } })) ordinal += 1000;
      const row = await tx.section.create({ data: { planId, parentId, level: s.level, ordinal, label: s.label, title: s.title } });
      sectionIds.set(s.key, row.id);
      used.add(row.id);
    }
  }
  const pruneSections = async () => {
    const unused = old.filter((s) => !used.has(s.id)).map((s) => s.id);
    if (unused.length) await tx.section.deleteMany({ where: { id: { in: unused } } });
  };
  return { sectionIds, pruneSections, oldSections: oldById };
}
