import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { deriveTask, type Assignment, type TaskState } from '../domain/work/index.ts';
import { loadPlanShortNames } from './plan-short-names.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import type { RequestRow, TaskInfo, WorkItem, WorkStore } from '../ports/work-store.ts';

const isoDate = (d: Date | string | null): string | null => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));
const json = (v: unknown): Prisma.InputJsonValue | undefined => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v ?? null)) as Prisma.InputJsonValue));

interface TaskRow {
  id: number;
  planId: number;
  no: string;
  title: string | null;
  text: string;
  deadline: Date | string | null;
  deadlineKind: string;
  deadlineText: string | null;
  status: TaskState;
  percent: number | null;
}

/** The WorkStore on Prisma (PostgreSQL or PGlite through the same driver adapter). */
export function createPrismaWorkStore(prisma: PrismaClient): WorkStore {
  const shortNames = () => loadPlanShortNames(prisma);
  const toInfo = (t: TaskRow, names: Map<number, string>): TaskInfo => ({
    taskId: t.id,
    planId: t.planId,
    planShort: names.get(t.planId) ?? `方案${t.planId}`,
    no: t.no,
    title: t.title,
    text: t.text,
    deadline: t.deadlineKind === 'date' ? isoDate(t.deadline) : null,
    deadlineText: t.deadlineText,
    state: t.status,
    percent: t.percent,
  });
  const taskSelect = { id: true, planId: true, no: true, title: true, text: true, deadline: true, deadlineKind: true, deadlineText: true, status: true, percent: true } as const;
  const activePlan = { plan: { archivedAt: null } } as const;

  return {
    async unitWork(unitId, opts = {}) {
      const [names, rows] = await Promise.all([
        shortNames(),
        prisma.assignment.findMany({
          where: { unitId, task: activePlan, ...(opts.withClosed ? {} : { state: { not: 'closed' } }) /* isOpen */ },
          include: { task: { select: taskSelect } },
          orderBy: [{ task: { planId: 'asc' } }, { task: { seq: 'asc' } }],
        }),
      ]);
      return rows.map(({ task, ...a }): WorkItem => ({ assignment: toAssignment(a), task: toInfo(task as TaskRow, names) }));
    },
    async activeTasks() {
      const [names, rows] = await Promise.all([
        shortNames(),
        prisma.task.findMany({ where: activePlan, select: taskSelect, orderBy: [{ planId: 'asc' }, { seq: 'asc' }] }),
      ]);
      return rows.map((t) => toInfo(t as TaskRow, names));
    },
    async task(taskId) {
      const [names, row] = await Promise.all([shortNames(), prisma.task.findFirst({ where: { id: taskId, ...activePlan }, select: taskSelect })]);
      return row ? toInfo(row as TaskRow, names) : null;
    },
    async leaderTasks(personId) {
      // Led (牵头领导), or overseen: the plan by its roster, or a unit's tasks as its 分管领导 (domain/work/oversight.ts).
      const scope = await prisma.oversight.findMany({ where: { personId }, select: { planId: true, unitId: true } });
      const planIds = scope.filter((e) => e.planId !== null && e.unitId === null).map((e) => e.planId!);
      const unitIds = scope.filter((e) => e.unitId !== null).map((e) => e.unitId!);
      const [names, rows] = await Promise.all([
        shortNames(),
        prisma.task.findMany({
          where: {
            ...activePlan,
            OR: [
              { leaders: { some: { personId } } },
              ...(planIds.length ? [{ planId: { in: planIds } }] : []),
              ...(unitIds.length ? [{ assignments: { some: { unitId: { in: unitIds }, role: { in: ['lead' as const, 'responsible' as const] } } } }] : []),
            ],
          },
          select: taskSelect,
          orderBy: [{ planId: 'asc' }, { seq: 'asc' }],
        }),
      ]);
      return rows.map((t) => toInfo(t as TaskRow, names));
    },
    async assignmentsOf(taskIds) {
      const rows = await prisma.assignment.findMany({ where: { taskId: { in: [...taskIds] } }, orderBy: { id: 'asc' } });
      const out = new Map<number, Assignment[]>(taskIds.map((id) => [id, []]));
      for (const r of rows) out.get(r.taskId)!.push(toAssignment(r));
      return out;
    },
    async pendingRequests(taskId, kind) {
      const rows = await prisma.taskRequest.findMany({ where: { taskId, status: 'pending', ...(kind ? { kind } : {}) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
      return rows.map(toRequest);
    },
    async recentCloseRequest(requestedBy, since) {
      const r = await prisma.taskRequest.findFirst({ where: { requestedBy, kind: 'close', status: 'pending', createdAt: { gte: since } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
      return r ? toRequest(r) : null;
    },
    async apply(change) {
      return prisma.$transaction(async (tx) => {
        // Two units of one task reporting at once must not each derive the task from the other's old
        // state: lock the tasks, then derive again from what is stored, inside the transaction.
        const taskIds = (change.tasks ?? []).map((t) => t.id);
        if (taskIds.length) await tx.$queryRaw`SELECT "id" FROM "Task" WHERE "id" = ANY(${taskIds}) FOR UPDATE`;
        for (const { id, patch } of change.assignments ?? []) await tx.assignment.update({ where: { id }, data: patch });
        for (const t of change.tasks ?? []) {
          const derived = deriveTask((await tx.assignment.findMany({ where: { taskId: t.id } })).map(toAssignment), t.derived);
          await tx.task.update({
            where: { id: t.id },
            data: {
              status: derived.state,
              percent: derived.percent,
              closedAt: derived.closedAt,
              ...(t.deadline ? { deadline: new Date(`${t.deadline.date}T00:00:00Z`), deadlineKind: 'date', deadlineText: t.deadline.text } : {}),
            },
          });
        }
        // Task.lastReportedAt is a cache for lists: the last report from any of its units.
        const reported = new Map<number, Date>();
        for (const p of change.progress ?? []) if (p.kind !== 'receipt' && !(reported.get(p.taskId)! >= p.at)) reported.set(p.taskId, p.at);
        for (const [id, at] of reported) await tx.task.update({ where: { id }, data: { lastReportedAt: at } });
        if (change.progress?.length) {
          await tx.progressUpdate.createMany({
            data: change.progress.map((p) => ({
              taskId: p.taskId, unitId: p.unitId, personId: p.personId, kind: p.kind, reportedAt: p.at, text: p.text, percent: p.percent,
              status: p.status, problems: p.problems, nextSteps: p.nextSteps, inboundMessageId: p.inboundMessageId,
            })),
          });
        }
        const requestIds: number[] = [];
        for (const r of change.newRequests ?? []) {
          const row = await tx.taskRequest.create({
            data: {
              taskId: r.taskId, assignmentId: r.assignmentId, unitId: r.unitId, kind: r.kind, status: r.status ?? 'pending', requestedBy: r.requestedBy,
              reason: r.reason, evidence: r.evidence, newDeadline: r.newDeadline ? new Date(`${r.newDeadline}T00:00:00Z`) : null, toUnitId: r.toUnitId ?? null,
              decidedBy: r.decidedBy ?? null, decidedAt: r.decidedBy ? r.at : null, decision: r.decision ?? null, createdAt: r.at,
            },
          });
          requestIds.push(row.id);
        }
        for (const d of change.decided ?? []) {
          await tx.taskRequest.update({ where: { id: d.id }, data: { status: d.status, decidedBy: d.by, decidedAt: d.at, decision: d.decision } });
        }
        for (const e of change.evidence ?? []) await tx.taskRequest.update({ where: { id: e.requestId }, data: { evidence: { push: e.file } } });
        if (change.audit?.length) {
          await tx.auditLog.createMany({
            data: change.audit.map((e) => ({
              at: e.at, actor: e.actor, action: e.action, entity: e.entity, entityId: e.entityId === undefined ? null : String(e.entityId),
              before: json(e.before) ?? Prisma.DbNull, after: json(e.after) ?? Prisma.DbNull,
            })),
          });
        }
        if (change.outbox?.length) await enqueueOutbox(tx, change.outbox);
        return { requestIds };
      });
    },
  };
}

function toAssignment(a: { id: number; taskId: number; unitId: number; role: Assignment['role']; state: Assignment['state']; percent: number | null; lastReportedAt: Date | null; receivedAt: Date | null; closedAt: Date | null }): Assignment {
  return { id: a.id, taskId: a.taskId, unitId: a.unitId, role: a.role, state: a.state, percent: a.percent, lastReportedAt: a.lastReportedAt, receivedAt: a.receivedAt, closedAt: a.closedAt };
}

function toRequest(r: { id: number; taskId: number; assignmentId: number | null; unitId: number | null; kind: RequestRow['kind']; requestedBy: string; reason: string | null; evidence: string[]; newDeadline: Date | null; createdAt: Date }): RequestRow {
  return { id: r.id, taskId: r.taskId, assignmentId: r.assignmentId, unitId: r.unitId, kind: r.kind, requestedBy: r.requestedBy, reason: r.reason, evidence: r.evidence, newDeadline: isoDate(r.newDeadline), createdAt: r.createdAt };
}
