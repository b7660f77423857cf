import path from 'node:path';
import { toLocalDate } from '../domain/calendar/shanghai-time.ts';
import type { ChatTurn, Outcome } from './chat-turn.ts';
import { adminTargets, unitTargets } from './chat-turn.ts';
import { findTaskByRef, taskLabel, unitOpenTasks, type TaskRow } from './find-tasks.ts';
import { findUnit } from './find-unit.ts';
import { parseDeadlineDate } from './parse-deadline-date.ts';
import { writeAudit } from './write-audit.ts';

/** A `@db.Date` column comes back as UTC midnight of the date. */
const dbDate = (d: Date) => d.toISOString().slice(0, 10);

const windowMs = (turn: ChatTurn) => (turn.deps.evidenceWindowMinutes ?? 10) * 60_000;
const actorOf = (turn: ChatTurn) => turn.m.talkerId;
const whoOf = (turn: ChatTurn) => turn.sender.person?.name ?? turn.m.talkerName ?? turn.m.talkerId;

export function evidenceDir(dataDir: string): string {
  return path.join(dataDir, 'evidence');
}

async function ownTask(turn: ChatTurn, ref: string): Promise<{ task: TaskRow } | { denied: string }> {
  const unit = turn.sender.unit;
  if (!unit) return { denied: `${turn.m.talkerName || '您'}不是登记的单位联络人，不能为任务提出申请。请联系督办室登记。` };
  const tasks = await unitOpenTasks(turn.deps.prisma, unit.id);
  const task = await findTaskByRef(turn.deps.prisma, ref, tasks);
  if (!task || !tasks.some((t) => t.id === task.id)) {
    return { denied: `第${ref}项不是${unit.name}未销号的任务。发送“我的任务”查看本单位任务编号。` };
  }
  return { task };
}

/** 申请销号 <n>: a close request; photos or files sent just before or after become its evidence. */
export async function requestClose(turn: ChatTurn, ref: string, reason: string): Promise<Outcome> {
  const { prisma } = turn.deps;
  const found = await ownTask(turn, ref);
  if ('denied' in found) {
    await turn.reply(found.denied);
    return { status: 'ignored', note: `PERMISSION_DENIED: ${found.denied}` };
  }
  const { task } = found;
  const pending = await prisma.taskRequest.findFirst({ where: { taskId: task.id, kind: 'close', status: 'pending' } });
  if (pending) {
    await turn.reply(`${taskLabel(task)}已有待复核的销号申请，请等待督办室复核；补充佐证材料直接发送照片或文件即可。`);
    return { status: 'interpreted', note: 'close request already pending' };
  }
  // A photo sent shortly before the command counts too: people often send the picture first.
  const recent = await prisma.inboundMessage.findMany({
    where: { talkerId: turn.m.talkerId, attachment: { not: null }, receivedAt: { gte: new Date(turn.now.getTime() - windowMs(turn)) } },
    orderBy: { receivedAt: 'asc' },
    select: { attachment: true },
  });
  const evidence = recent.map((r) => r.attachment!);
  await prisma.$transaction(async (tx) => {
    const req = await tx.taskRequest.create({
      data: { taskId: task.id, kind: 'close', unitId: turn.sender.unit!.id, requestedBy: actorOf(turn), reason: reason || null, evidence, createdAt: turn.now },
    });
    await writeAudit(tx, { at: turn.now, actor: actorOf(turn), action: 'request.close', entity: 'Task', entityId: task.id, after: { requestId: req.id, reason, evidence } });
    await turn.reply(
      evidence.length
        ? `已提交${taskLabel(task)}的销号申请（佐证材料${evidence.length}份），等待督办室复核。`
        : `已提交${taskLabel(task)}的销号申请。请在${turn.deps.evidenceWindowMinutes ?? 10}分钟内发送佐证照片或文件，督办室复核后通知。`,
      tx,
    );
    for (const [i, target] of (await adminTargets(tx, turn.deps.admins)).entries()) {
      await turn.notify(`admin${i}`, target,
        `【销号申请】${turn.sender.unit!.name} ${whoOf(turn)} 申请${taskLabel(task)}销号${reason ? `，说明：${reason}` : ''}。\n回复“复核 ${task.no}”通过，或“退办 ${task.no} 原因”退回。`, [], tx);
    }
  });
  return { status: 'interpreted', note: `close request for ${task.no}` };
}

/** A photo or file: kept, and attached to the sender's close request made within the last minutes. */
export async function attachEvidence(turn: ChatTurn, file: string | null): Promise<Outcome> {
  const { prisma } = turn.deps;
  if (!file) return { status: 'ignored', note: 'attachment not saved' };
  const req = await prisma.taskRequest.findFirst({
    where: { requestedBy: turn.m.talkerId, kind: 'close', status: 'pending', createdAt: { gte: new Date(turn.now.getTime() - windowMs(turn)) } },
    orderBy: { createdAt: 'desc' },
    include: { task: true },
  });
  if (!req) return { status: 'ignored', note: 'attachment kept; no close request to attach it to' };
  if (req.evidence.includes(file)) return { status: 'interpreted', note: 'evidence already attached' };
  await prisma.$transaction(async (tx) => {
    const updated = await tx.taskRequest.update({ where: { id: req.id }, data: { evidence: { push: file } } });
    await writeAudit(tx, { at: turn.now, actor: actorOf(turn), action: 'request.evidence', entity: 'TaskRequest', entityId: req.id, after: { file } });
    await turn.reply(`已收到${taskLabel(req.task)}的佐证材料（共${updated.evidence.length}份），等待督办室复核。`, tx);
  });
  return { status: 'interpreted', note: `evidence for request ${req.id}` };
}

/** 申请延期 <n> <date> <reason>. */
export async function requestExtension(turn: ChatTurn, ref: string, dateText: string, reason: string): Promise<Outcome> {
  const { prisma } = turn.deps;
  const found = await ownTask(turn, ref);
  if ('denied' in found) {
    await turn.reply(found.denied);
    return { status: 'ignored', note: `PERMISSION_DENIED: ${found.denied}` };
  }
  const { task } = found;
  const today = toLocalDate(turn.now);
  const date = parseDeadlineDate(dateText, today);
  if (!date || date <= today) {
    await turn.reply(`没有看懂延期日期“${dateText}”。请按“申请延期 ${task.no} 2026-12-31 原因”的格式重新发送（日期须晚于今天）。`);
    return { status: 'interpreted', note: `bad extension date ${dateText}` };
  }
  if (!reason) {
    await turn.reply(`请说明延期原因：申请延期 ${task.no} ${date} 原因。`);
    return { status: 'interpreted', note: 'extension without reason' };
  }
  await prisma.$transaction(async (tx) => {
    const req = await tx.taskRequest.create({
      data: { taskId: task.id, kind: 'extension', unitId: turn.sender.unit!.id, requestedBy: actorOf(turn), reason, newDeadline: new Date(`${date}T00:00:00Z`), evidence: [], createdAt: turn.now },
    });
    await writeAudit(tx, { at: turn.now, actor: actorOf(turn), action: 'request.extension', entity: 'Task', entityId: task.id, after: { requestId: req.id, newDeadline: date, reason } });
    await turn.reply(`已提交${taskLabel(task)}延期至${date}的申请，等待督办室复核。`, tx);
    for (const [i, target] of (await adminTargets(tx, turn.deps.admins)).entries()) {
      await turn.notify(`admin${i}`, target,
        `【延期申请】${turn.sender.unit!.name} 申请${taskLabel(task)}延期至${date}，原因：${reason}。\n回复“复核 ${task.no}”同意，或“退办 ${task.no} 原因”退回。`, [], tx);
    }
  });
  return { status: 'interpreted', note: `extension request for ${task.no}` };
}

function deny(turn: ChatTurn, what: string): Promise<Outcome> {
  return turn.reply(`只有督办室管理员可以${what}。`).then(() => ({ status: 'ignored' as const, note: `PERMISSION_DENIED: ${what} by ${turn.m.talkerId}` }));
}

/** 复核 <n> (approve) and 退办 <n> <reason> (return): an admin decides the task's pending request. */
export async function decideRequest(turn: ChatTurn, ref: string, approve: boolean, note: string): Promise<Outcome> {
  if (!turn.sender.isAdmin) return deny(turn, approve ? '复核申请' : '退办申请');
  const { prisma } = turn.deps;
  const task = await findTaskByRef(prisma, ref);
  const req = task && (await prisma.taskRequest.findFirst({ where: { taskId: task.id, status: 'pending' }, orderBy: { createdAt: 'desc' } }));
  if (!task || !req) {
    await turn.reply(`第${ref}项没有待复核的销号或延期申请。`);
    return { status: 'interpreted', note: 'no pending request' };
  }
  if (!approve && !note) {
    await turn.reply(`请写明退办原因：退办 ${task.no} 原因。`);
    return { status: 'interpreted', note: 'return without reason' };
  }
  const kindLabel = req.kind === 'close' ? '销号' : req.kind === 'extension' ? '延期' : '转办';
  await prisma.$transaction(async (tx) => {
    await tx.taskRequest.update({
      where: { id: req.id },
      data: { status: approve ? 'approved' : 'returned', decidedBy: turn.m.talkerId, decidedAt: turn.now, decision: note || (approve ? '同意' : null) },
    });
    await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: approve ? 'request.approve' : 'request.return', entity: 'TaskRequest', entityId: req.id, before: { status: 'pending' }, after: { status: approve ? 'approved' : 'returned', note } });
    let outcome = '';
    if (approve && req.kind === 'close') {
      await tx.task.update({ where: { id: task.id }, data: { status: 'closed', closedAt: turn.now, percent: 100 } });
      await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: 'task.close', entity: 'Task', entityId: task.id, before: { status: task.status, percent: task.percent }, after: { status: 'closed', percent: 100 } });
      outcome = '任务已销号';
    } else if (approve && req.kind === 'extension' && req.newDeadline) {
      const date = dbDate(req.newDeadline);
      await tx.task.update({ where: { id: task.id }, data: { deadline: req.newDeadline, deadlineKind: 'date', deadlineText: `${date}（已批准延期）` } });
      await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: 'task.extend', entity: 'Task', entityId: task.id, before: { deadline: task.deadline ? dbDate(task.deadline) : null, deadlineText: task.deadlineText }, after: { deadline: date } });
      outcome = `完成时限调整为${date}`;
    }
    const evidence = req.kind === 'close' ? `（佐证材料${req.evidence.length}份）` : '';
    await turn.reply(`已${approve ? '通过' : '退回'}${taskLabel(task)}的${kindLabel}申请${evidence}${outcome ? `，${outcome}` : ''}。`, tx);
    const targets = req.unitId ? await unitTargets(tx, req.unitId) : [{ kind: 'person' as const, ref: req.requestedBy }];
    for (const [i, target] of targets.entries()) {
      await turn.notify(`unit${i}`, target,
        approve
          ? `督办室已通过${taskLabel(task)}的${kindLabel}申请${outcome ? `：${outcome}` : ''}。`
          : `督办室退回了${taskLabel(task)}的${kindLabel}申请，原因：${note}。请按要求补充后重新申请。`,
        target.kind === 'group' ? [req.requestedBy] : [], tx);
    }
  });
  return { status: 'interpreted', note: `${approve ? 'approved' : 'returned'} request ${req.id}` };
}

/** 转办 <n> <单位>: an admin re-routes a task from one unit to another. */
export async function transferTask(turn: ChatTurn, ref: string, unitName: string): Promise<Outcome> {
  if (!turn.sender.isAdmin) return deny(turn, '转办任务');
  const { prisma } = turn.deps;
  const task = await findTaskByRef(prisma, ref);
  const to = await findUnit(prisma, unitName);
  if (!task || !to) {
    await turn.reply(!task ? `没有找到第${ref}项任务。` : `没有找到单位“${unitName}”，请用单位全称。`);
    return { status: 'interpreted', note: 'transfer target not found' };
  }
  const assignments = await prisma.taskUnit.findMany({ where: { taskId: task.id, unitId: { not: null } }, orderBy: [{ role: 'asc' }, { ordinal: 'asc' }] });
  const groupUnits = new Set(turn.sender.group?.units.map((u) => u.id));
  const from = assignments.find((a) => groupUnits.has(a.unitId!)) ?? assignments.find((a) => a.role === 'lead' || a.role === 'responsible') ?? assignments[0];
  const fromUnit = from?.unitId ? await prisma.unit.findUnique({ where: { id: from.unitId } }) : null;
  if (from && from.unitId === to.id) {
    await turn.reply(`${taskLabel(task)}已由${to.name}负责，无需转办。`);
    return { status: 'interpreted', note: 'transfer to same unit' };
  }
  await prisma.$transaction(async (tx) => {
    if (from) {
      const clash = await tx.taskUnit.findFirst({ where: { taskId: task.id, role: from.role, unitId: to.id } });
      if (clash) await tx.taskUnit.delete({ where: { id: from.id } });
      else await tx.taskUnit.update({ where: { id: from.id }, data: { unitId: to.id, rawName: to.name } });
    } else {
      await tx.taskUnit.create({ data: { taskId: task.id, role: 'responsible', rawName: to.name, unitId: to.id } });
    }
    const req = await tx.taskRequest.create({
      data: {
        taskId: task.id, kind: 'transfer', status: 'approved', unitId: fromUnit?.id ?? null, toUnitId: to.id, requestedBy: turn.m.talkerId,
        decidedBy: turn.m.talkerId, decidedAt: turn.now, decision: `转办至${to.name}`, evidence: [], createdAt: turn.now,
      },
    });
    await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: 'task.transfer', entity: 'Task', entityId: task.id, before: { unit: fromUnit?.name ?? null, role: from?.role ?? null }, after: { unit: to.name, requestId: req.id } });
    await turn.reply(`已将${taskLabel(task)}${fromUnit ? `由${fromUnit.name}` : ''}转办至${to.name}。`, tx);
    for (const [i, target] of (await unitTargets(tx, to.id)).entries()) {
      await turn.notify(`to${i}`, target, `【转办】督办室将${taskLabel(task)}转由${to.name}办理，请及时报送进展（回复“第${task.no}项 进展情况”）。`, [], tx);
    }
  });
  return { status: 'interpreted', note: `transfer ${task.no} to ${to.name}` };
}
