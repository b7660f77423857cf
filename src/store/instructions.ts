import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { toLocalDate, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import { feedbackOf, isAnswered } from '../domain/instruction/index.ts';
import { enqueueOutbox, type OutboxItem } from '../outbox/enqueue-outbox.ts';

type Db = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$extends'>;

export interface NewInstruction {
  leaderId: number;
  leaderName: string;
  issuedAt: Date;
  text: string;
  dueOn: LocalDate | null;
  source: 'chat' | 'proxy';
  recordedBy: string;
  inboundMessageId: number | null;
  targets: Array<{ taskId: number; unitId: number; added: boolean }>;
  /** The relays to the units, written with the record. */
  outbox: OutboxItem[];
  /**
   * The answer to whoever wrote it down, queued in the same transaction (the chat turn's reply:
   * an outbox row in chat, the page's notice in the console). Not called when it was recorded before.
   */
  answer?: (tx: Prisma.TransactionClient) => Promise<void>;
}

/**
 * Records a 批示 with its targets in one transaction, with what it sends: units the 批示 brings
 * into a task get a part in it (参加单位, via 领导批示) so their report is read and chased; an admin's
 * 代录 is audited. A message handled twice records it once (the inbound message id is unique), also
 * when the two attempts run at once (a console form submitted twice): the message's row is locked first.
 */
export async function recordInstruction(prisma: PrismaClient, n: NewInstruction): Promise<{ id: number; created: boolean }> {
  return prisma.$transaction(async (tx) => {
    if (n.inboundMessageId !== null) {
      await tx.$queryRaw`SELECT 1 FROM "InboundMessage" WHERE "id" = ${n.inboundMessageId} FOR UPDATE`;
      const prev = await tx.instruction.findFirst({ where: { inboundMessageId: n.inboundMessageId }, select: { id: true } });
      if (prev) return { id: prev.id, created: false };
    }
    const row = await tx.instruction.create({
      data: {
        leaderId: n.leaderId, leaderName: n.leaderName, issuedAt: n.issuedAt, text: n.text.slice(0, 2000),
        dueOn: n.dueOn ? new Date(`${n.dueOn}T00:00:00Z`) : null, source: n.source, recordedBy: n.recordedBy, inboundMessageId: n.inboundMessageId,
        targets: { create: n.targets.map((t) => ({ taskId: t.taskId, unitId: t.unitId, added: t.added })) },
      },
    });
    const added = n.targets.filter((t) => t.added);
    if (added.length) {
      await tx.assignment.createMany({
        data: added.map((t) => ({ taskId: t.taskId, unitId: t.unitId, role: 'participating' as const, via: `领导批示（${n.leaderName}）`, createdAt: n.issuedAt })),
        skipDuplicates: true,
      });
    }
    await tx.auditLog.create({
      data: {
        at: n.issuedAt, actor: n.recordedBy, action: n.source === 'proxy' ? 'instruction.record_on_behalf' : 'instruction.record', entity: 'Instruction', entityId: String(row.id),
        after: { leader: n.leaderName, leaderId: n.leaderId, text: n.text.slice(0, 500), dueOn: n.dueOn, targets: n.targets },
      },
    });
    await enqueueOutbox(tx, n.outbox);
    await n.answer?.(tx);
    return { id: row.id, created: true };
  });
}

/** One 批示 as the console, the digest and the chat show it. */
export interface InstructionView {
  id: number;
  leaderId: number | null;
  leaderName: string;
  issuedAt: Date;
  text: string;
  dueOn: LocalDate | null;
  source: string;
  recordedBy: string;
  targets: Array<{
    taskId: number;
    unitId: number;
    unitName: string;
    /** The unit's part is still to be worked on (not 销号, not awaiting 销号 review). */
    open: boolean;
    /** Its feedback (反馈): the unit's first report on the task since the 批示. */
    answeredAt: Date | null;
    feedback: { id: number; text: string; percent: number | null } | null;
  }>;
  answered: boolean;
}

/**
 * 批示 with their feedback, newest first: of a task (`instructionsOfTask`), of a leader, or all of
 * them. As of `asOf` (default now): reports after it do not count yet, 批示 after it do not exist.
 */
export async function loadInstructions(prisma: Db, where: { taskId?: number; leaderId?: number; asOf?: Date }): Promise<InstructionView[]> {
  // Without asOf, no upper bound: a far-future date would not survive Prisma's DateTime conversion.
  const before = where.asOf ? { lt: where.asOf } : {};
  const rows = await prisma.instruction.findMany({
    where: {
      issuedAt: before,
      ...(where.leaderId !== undefined ? { leaderId: where.leaderId } : {}),
      ...(where.taskId !== undefined ? { targets: { some: { taskId: where.taskId } } } : {}),
    },
    include: { targets: { orderBy: { id: 'asc' } } },
    orderBy: [{ issuedAt: 'desc' }, { id: 'desc' }],
  });
  if (!rows.length) return [];
  const pairs = rows.flatMap((r) => r.targets);
  const since = rows.reduce((m, r) => (r.issuedAt < m ? r.issuedAt : m), rows[0]!.issuedAt);
  const [reports, units, parts] = await Promise.all([
    prisma.progressUpdate.findMany({
      where: { taskId: { in: [...new Set(pairs.map((p) => p.taskId))] }, kind: { in: ['report', 'correction'] }, reportedAt: { gte: since, ...before } },
      select: { id: true, taskId: true, unitId: true, reportedAt: true, text: true, percent: true },
    }),
    prisma.unit.findMany({ where: { id: { in: [...new Set(pairs.map((p) => p.unitId))] } }, select: { id: true, name: true } }),
    prisma.assignment.findMany({ where: { taskId: { in: [...new Set(pairs.map((p) => p.taskId))] } }, select: { taskId: true, unitId: true, state: true } }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const state = new Map(parts.map((p) => [`${p.taskId}:${p.unitId}`, p.state]));
  const asReports = reports.map((r) => ({ ...r, at: r.reportedAt }));
  return rows
    .filter((r) => where.taskId === undefined || r.targets.some((t) => t.taskId === where.taskId))
    .map((r) => {
      const targets = r.targets.map((t) => {
        const fb = feedbackOf({ taskId: t.taskId, unitId: t.unitId, issuedAt: r.issuedAt }, asReports);
        const s = state.get(`${t.taskId}:${t.unitId}`);
        return {
          taskId: t.taskId, unitId: t.unitId, unitName: unitName.get(t.unitId) ?? `单位${t.unitId}`,
          open: s !== undefined && s !== 'closed' && s !== 'reported_done',
          answeredAt: fb?.at ?? null,
          feedback: fb ? { id: fb.id, text: fb.text, percent: fb.percent } : null,
        };
      });
      return {
        id: r.id, leaderId: r.leaderId, leaderName: r.leaderName, issuedAt: r.issuedAt, text: r.text, dueOn: r.dueOn ? toLocalDate(r.dueOn) : null,
        source: r.source, recordedBy: r.recordedBy, targets, answered: isAnswered({ targets }),
      };
    });
}

/** The 批示 on one task with each unit's feedback, newest first (for the console's task detail and timeline). */
export function instructionsOfTask(prisma: Db, taskId: number, asOf?: Date): Promise<InstructionView[]> {
  return loadInstructions(prisma, { taskId, ...(asOf ? { asOf } : {}) });
}

/**
 * For each unit's part (`taskId:unitId`), the oldest 批示 it has not answered as of `asOf`: the
 * cadence chases these parts until the unit reports on the task (see owesReport).
 */
export async function unansweredInstructions(prisma: Db, asOf: Date): Promise<Map<string, Date>> {
  const rows = await prisma.$queryRaw<{ taskId: number; unitId: number; since: Date }[]>`
    SELECT it."taskId", it."unitId", min(i."issuedAt") AS "since"
    FROM "InstructionTarget" it JOIN "Instruction" i ON i."id" = it."instructionId"
    WHERE i."issuedAt" < ${asOf}
      AND NOT EXISTS (
        SELECT 1 FROM "ProgressUpdate" p
        WHERE p."taskId" = it."taskId" AND p."unitId" = it."unitId" AND p."kind" IN ('report', 'correction')
          AND p."reportedAt" >= i."issuedAt" AND p."reportedAt" < ${asOf})
    GROUP BY it."taskId", it."unitId"`;
  return new Map(rows.map((r) => [`${r.taskId}:${r.unitId}`, new Date(r.since)]));
}
