import crypto from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { AssignmentRole, ParsedPlan, ParsedSection, ParsedTask } from '../domain/plan/plan-types.ts';
import { rosterOverseesPlan } from '../domain/plan/roster.ts';
import { bulkTransaction, type BulkQuery } from '../store/bulk-sql.ts';
import { collectiveMembers, diffAssignments, type AssignmentSyncReport } from './sync-assignments.ts';
import {
  allocateIds, applyPlanWrites, EMPTY_SNAPSHOT, findPlan, loadPlanSnapshot, upsertLeaders, upsertUnits, writePlanRow,
  type MilestoneWrite, type PlanWrites, type StoredSection, type TaskUnitWrite, type TaskWrite,
} from './bulk-write.ts';

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

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function planContentHash(plan: ParsedPlan): string {
  const { warnings: _w, ...content } = plan;
  return crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/**
 * Writes a parsed plan: Plan (by sourceDocument), Sections, Tasks (by planId+no), Milestones, Units
 * (resolved names), leaders and roster people, and each task's units, leaders and assignments.
 * Re-importing the same document updates rows in place and reports what changed; progress already
 * recorded (status, percent, ProgressUpdate rows, assignment states) is never touched, and a task
 * that left the document but has history is kept.
 *
 * Set-based (issue 14): one transaction of about ten statements whatever the plan's size — find
 * the plan, write its row, units, leaders, one snapshot of what is stored, ids for new rows, and
 * every other write in one statement (bulk-write.ts). The comparison between the document and the
 * snapshot is done here, in memory.
 */
export async function savePlan(prisma: PrismaClient, plan: ParsedPlan, opts: SavePlanOptions): Promise<PlanChangeReport> {
  return bulkTransaction(prisma, (sql) => saveInTx(sql, plan, opts));
}

async function saveInTx(sql: BulkQuery, plan: ParsedPlan, opts: SavePlanOptions): Promise<PlanChangeReport> {
  // The same plan under a new file name (a revised draft, the exported ledger): same 文号, or same
  // title and year (a ledger that prints no year matches on the title).
  const existingPlan = await findPlan(sql, { document: plan.document, docNumber: plan.docNumber || null, title: plan.title, year: plan.year ?? null });
  // A ledger carries no 文号, issuer or mechanisms: re-importing one must not wipe them.
  const contentHash = planContentHash(plan);
  const planId = await writePlanRow(sql, existingPlan?.id ?? null, {
    sourceDocument: plan.document,
    title: plan.title,
    issuer: plan.issuer ?? existingPlan?.issuer ?? null,
    docNumber: plan.docNumber ?? existingPlan?.docNumber ?? null,
    issuedOn: plan.issuedOn ?? existingPlan?.issuedOn ?? null,
    year: plan.year ?? existingPlan?.year ?? null,
    mechanisms: plan.mechanisms.length > 0 ? plan.mechanisms : (existingPlan?.mechanisms ?? []),
    contentHash,
  });

  const tasks = dedupeByNo(plan.tasks);
  const wantedUnits = new Map<string, { name: string; kind: string; aliases: string[] }>();
  for (const t of plan.tasks) for (const u of t.units) if (u.resolved) wantedUnits.set(u.resolved.name, { name: u.resolved.name, kind: u.resolved.kind, aliases: u.resolved.aliases });
  const units = await upsertUnits(sql, [...wantedUnits.values()], collectiveMembers(tasks).filter((n) => !wantedUnits.has(n)));
  const roster = new Map(plan.roster.map((r) => [r.name, r]));
  const leaderNames = [...new Set([...plan.tasks.flatMap((t) => t.leaders), ...plan.roster.map((r) => r.name)])];
  const people = await upsertLeaders(sql, leaderNames.map((name) => ({ name, roster: roster.has(name), title: roster.get(name)?.title ?? null, role: roster.get(name)?.role ?? null })));

  // Lock the plan's tasks before reading what is stored: a reply records under the same task locks,
  // so one that lands while the import runs waits and then sees the result, and the snapshot the
  // import decides from (which tasks and parts have history) cannot be overtaken by a first report.
  if (existingPlan) await sql(`SELECT "id" FROM "Task" WHERE "planId" = $1 ORDER BY "id" FOR UPDATE`, [planId]);
  const stored = existingPlan ? await loadPlanSnapshot(sql, planId, tasks.map((t) => t.no)) : EMPTY_SNAPSHOT;
  const sections = diffSections(plan.sections, stored.sections);
  const byNo = new Map(stored.tasks.map((t) => [t.no, t]));
  const fresh = tasks.filter((t) => !byNo.has(t.no));
  const ids = await allocateIds(sql, sections.fresh.length, fresh.length);
  const sectionIds = new Map(sections.kept);
  sections.fresh.forEach((s, i) => sectionIds.set(s.key, ids.sections[i]!));
  const taskIds = new Map(stored.tasks.map((t) => [t.no, t.id]));
  fresh.forEach((t, i) => taskIds.set(t.no, ids.tasks[i]!));

  const writes: PlanWrites = {
    planId,
    sections: {
      prune: sections.prune,
      update: sections.update,
      insert: sections.fresh.map((s, i) => ({ id: ids.sections[i]!, parentId: s.parentKey ? sectionIds.get(s.parentKey)! : null, level: s.level, ordinal: s.ordinal, label: s.label, title: s.title })),
    },
    tasks: { insert: [], update: [], delete: [] },
    taskUnits: { insert: [], update: [], delete: [] },
    leaders: { insert: [], delete: [] },
    milestones: { replace: [], insert: [] },
    oversight: plan.roster.filter((r) => rosterOverseesPlan(r.role) && people.ids.has(r.name)).map((r) => ({ personId: people.ids.get(r.name)!, role: r.role! })),
    assignments: { insert: [], update: [], delete: [], retire: [] },
    audit: { actor: opts.actor, action: existingPlan ? 'plan.reimport' : 'plan.import', before: undefined, after: null },
  };

  const sectionPath = new Map<number, string[]>();
  const sectionByKey = new Map(plan.sections.map((s) => [s.key, s]));
  for (const s of plan.sections) {
    const path: string[] = [];
    for (let cur: ParsedSection | undefined = s; cur; cur = cur.parentKey ? sectionByKey.get(cur.parentKey) : undefined) path.unshift(cur.title);
    sectionPath.set(sectionIds.get(s.key)!, path);
  }
  const oldSectionTitle = new Map(stored.sections.map((s) => [s.id, s.title]));

  const report: PlanChangeReport = {
    planId,
    created: !existingPlan,
    previousDocument: existingPlan && existingPlan.sourceDocument !== plan.document ? existingPlan.sourceDocument : null,
    added: fresh.map((t) => t.no),
    changed: [],
    removed: [],
    unchanged: 0,
    unitsCreated: [...wantedUnits.keys()].filter((n) => units.created.has(n)),
    leadersCreated: leaderNames.filter((n) => people.created.has(n)),
    assignments: { created: 0, updated: 0, removed: 0, collectives: new Map() },
  };
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
  const desiredUnits = (t: ParsedTask, taskId: number) => {
    const seen = new Set<string>();
    return t.units
      .filter((u) => {
        const k = `${u.role}|${u.rawName}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .map((u): TaskUnitWrite => ({ taskId, role: u.role, rawName: u.rawName, unitId: u.resolved ? (units.ids.get(u.resolved.name) ?? null) : null, collective: u.collective, ordinal: u.ordinal }));
  };
  const desiredLeaders = (t: ParsedTask) => [...new Set(t.leaders)].map((n) => people.ids.get(n)!).filter((id) => id != null);
  const milestoneData = (t: ParsedTask, taskId: number, done: Map<string, string | null>) =>
    t.milestones.map((m): MilestoneWrite => ({ taskId, dueOn: m.dueOn, deadlineText: m.deadlineText, text: m.text, doneAt: done.get(`${m.deadlineText}|${m.text}`) ?? null }));

  for (const t of fresh) {
    const id = taskIds.get(t.no)!;
    writes.tasks.insert.push({ id, no: t.no, ...taskRow(t) });
    writes.taskUnits.insert.push(...desiredUnits(t, id));
    writes.leaders.insert.push(...desiredLeaders(t).map((personId) => ({ taskId: id, personId })));
    writes.milestones.insert.push(...milestoneData(t, id, new Map()));
  }

  const group = <T extends { taskId: number }>(rows: T[]) => {
    const m = new Map<number, T[]>();
    for (const r of rows) (m.get(r.taskId) ?? m.set(r.taskId, []).get(r.taskId)!).push(r);
    return m;
  };
  const storedUnits = group(stored.units);
  const storedLeaders = group(stored.leaders);
  const storedMilestones = group(stored.milestones);

  for (const t of tasks) {
    const old = byNo.get(t.no);
    if (!old) continue;
    const oldUnits = storedUnits.get(old.id) ?? [];
    const oldLeaders = storedLeaders.get(old.id) ?? [];
    const oldMilestones = storedMilestones.get(old.id) ?? [];
    const row = taskRow(t);
    const fields: FieldChange[] = [];
    const cmp = (field: string, before: unknown, after: unknown) => {
      if (!same(before, after)) fields.push({ field, before, after });
    };
    const oldTitle = old.sectionId ? oldSectionTitle.get(old.sectionId) : undefined;
    cmp('sections', old.sectionId ? (sectionPath.get(old.sectionId) ?? (oldTitle !== undefined ? [oldTitle] : [])) : [], t.sectionKey ? (sectionPath.get(row.sectionId!) ?? []) : []);
    cmp('title', old.title, row.title);
    cmp('text', old.text, row.text);
    cmp('deadline', old.deadline, t.deadline.date);
    cmp('deadlineText', old.deadlineText, row.deadlineText);
    cmp('deadlineKind', old.deadlineKind, row.deadlineKind);
    cmp('recurrence', old.recurrence, row.recurrence);
    cmp('leaders', oldLeaders.map((l) => l.name).sort(), [...new Set(t.leaders)].sort());
    const want = desiredUnits(t, old.id);
    for (const role of ROLES) {
      cmp(ROLE_FIELD[role], oldUnits.filter((u) => u.role === role).sort((a, b) => a.ordinal - b.ordinal).map((u) => u.rawName), want.filter((u) => u.role === role).map((u) => u.rawName));
    }
    cmp('milestones', oldMilestones.map((m) => `${m.deadlineText}|${m.text}`), t.milestones.map((m) => `${m.deadlineText}|${m.text}`));

    const rowChanged = !same(
      { s: old.sectionId, q: old.seq, ti: old.title, x: old.text, d: old.deadline, dt: old.deadlineText, k: old.deadlineKind, r: old.recurrence },
      { s: row.sectionId, q: row.seq, ti: row.title, x: row.text, d: row.deadline, dt: row.deadlineText, k: row.deadlineKind, r: row.recurrence },
    );
    if (rowChanged) writes.tasks.update.push({ id: old.id, ...row });

    // Units: keyed by role + name as written.
    const byKey = new Map(oldUnits.map((u) => [`${u.role}|${u.rawName}`, u]));
    for (const u of want) {
      const prev = byKey.get(`${u.role}|${u.rawName}`);
      if (!prev) writes.taskUnits.insert.push(u);
      else {
        byKey.delete(`${u.role}|${u.rawName}`);
        if (prev.unitId !== u.unitId || prev.collective !== u.collective || prev.ordinal !== u.ordinal) writes.taskUnits.update.push({ id: prev.id, unitId: u.unitId, collective: u.collective, ordinal: u.ordinal });
      }
    }
    writes.taskUnits.delete.push(...[...byKey.values()].map((u) => u.id));

    const wantLeaders = new Set(desiredLeaders(t));
    for (const l of oldLeaders) if (!wantLeaders.has(l.personId)) writes.leaders.delete.push({ taskId: old.id, personId: l.personId });
    for (const p of wantLeaders) if (!oldLeaders.some((l) => l.personId === p)) writes.leaders.insert.push({ taskId: old.id, personId: p });

    if (fields.some((f) => f.field === 'milestones') || !same(oldMilestones.map((m) => m.dueOn), t.milestones.map((m) => m.dueOn))) {
      writes.milestones.replace.push(old.id);
      writes.milestones.insert.push(...milestoneData(t, old.id, new Map(oldMilestones.map((m) => [`${m.deadlineText}|${m.text}`, m.doneAt]))));
    }
    if (fields.length > 0) report.changed.push({ no: t.no, fields });
    else report.unchanged++;
  }

  const keepNos = new Set(plan.tasks.map((t) => t.no));
  const gone = stored.tasks.filter((t) => !keepNos.has(t.no));
  writes.tasks.delete = gone.filter((t) => !stored.withHistory.has(t.id)).map((t) => t.id);
  report.removed = gone.map((t) => ({ no: t.no, kept: stored.withHistory.has(t.id) }));

  const assignments = diffAssignments(tasks, taskIds, units.ids, stored.assignments, stored.movedAway);
  writes.assignments = assignments.writes;
  report.assignments = assignments.report;

  writes.audit.before = existingPlan ? { tasks: stored.tasks.length, contentHash: existingPlan.contentHash } : undefined;
  writes.audit.after = {
    document: plan.document,
    tasks: plan.tasks.length,
    added: report.added,
    changed: report.changed.map((c) => ({ no: c.no, fields: c.fields.map((f) => f.field) })),
    removed: report.removed,
    contentHash,
  };
  const applied = await applyPlanWrites(sql, writes);
  report.assignments.created = applied.assignmentsCreated;
  report.assignments.removed = applied.assignmentsRemoved;
  return report;
}

function dedupeByNo(tasks: ParsedTask[]): ParsedTask[] {
  const seen = new Set<string>();
  return tasks.filter((t) => (seen.has(t.no) ? false : (seen.add(t.no), true)));
}

/**
 * Sections keyed by their numbering path (labels): a stored one under the same path and parent
 * keeps its id, so its tasks need no rewrite; the rest are new, and stored ones left over are
 * pruned. Ordinals are unique among siblings: a clash (a renumbered document) takes the next free
 * one, counting every stored row (pruned ones are deleted in the same statement as the inserts).
 */
function diffSections(sections: readonly ParsedSection[], old: readonly StoredSection[]) {
  const oldById = new Map(old.map((s) => [s.id, s]));
  const keyOf = (s: StoredSection): string => {
    const parts: string[] = [];
    for (let cur: StoredSection | undefined = s; cur; cur = cur.parentId ? oldById.get(cur.parentId) : undefined) parts.unshift(cur.label);
    return parts.join('/');
  };
  const oldByKey = new Map(old.map((s) => [keyOf(s), s]));
  const kept = new Map<string, number>();
  const update: { id: number; level: number; ordinal: number; title: string }[] = [];
  const fresh: ParsedSection[] = [];
  const taken = new Set(old.map((s) => `${s.parentId}|${s.ordinal}`));
  for (const s of sections) {
    // A new parent's children are new too: only a kept parent has an id to compare with.
    const parentId = s.parentKey ? (kept.get(s.parentKey) ?? null) : null;
    const prev = oldByKey.get(s.key);
    if (prev && prev.parentId === parentId && (s.parentKey === null || kept.has(s.parentKey))) {
      if (prev.title !== s.title || prev.level !== s.level || prev.ordinal !== s.ordinal) update.push({ id: prev.id, level: s.level, ordinal: s.ordinal, title: s.title });
      taken.add(`${parentId}|${s.ordinal}`);
      kept.set(s.key, prev.id);
    } else {
      // Siblings under a new parent cannot clash with stored rows; under a kept parent (or at the top) they can.
      const scope = s.parentKey && !kept.has(s.parentKey) ? `new:${s.parentKey}` : String(parentId);
      let ordinal = s.ordinal;
      while (taken.has(`${scope}|${ordinal}`)) ordinal += 1000;
      taken.add(`${scope}|${ordinal}`);
      fresh.push({ ...s, ordinal });
    }
  }
  const used = new Set(kept.values());
  return { kept, update, fresh, prune: old.filter((s) => !used.has(s.id)).map((s) => s.id) };
}
