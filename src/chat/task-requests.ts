import path from 'node:path';
import { toLocalDate } from '../domain/calendar/shanghai-time.ts';
import { ASSIGNMENT_STATE_LABEL, canAct, closeWithTask, isOpen, decideRequest as decide, deriveAfter, taskLabel, taskRefLabel, type AssignmentPatch } from '../domain/work/index.ts';
import type { RequestRow, TaskInfo, WorkItem } from '../ports/work-store.ts';
import type { ChatTurn, Outcome } from './chat-turn.ts';
import { adminTargets, unitTargets } from './chat-turn.ts';
import { findOwnWork, findTaskForAdmin } from './find-work.ts';
import { findUnit } from './find-unit.ts';
import { parseDeadlineDate } from './parse-deadline-date.ts';
import { recordFileReport } from './record-progress.ts';

const windowMs = (turn: ChatTurn) => (turn.deps.evidenceWindowMinutes ?? 10) * 60_000;
const actorOf = (turn: ChatTurn) => turn.m.talkerId;
const whoOf = (turn: ChatTurn) => turn.sender.person?.name ?? turn.m.talkerName ?? turn.m.talkerId;
/** Units' names by id, for messages. */
async function unitNames(turn: ChatTurn, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await turn.deps.prisma.unit.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
  return new Map(rows.map((u) => [u.id, u.name]));
}

/** How an admin names the task back: 重大重点项目第二项. */
const cmdRef = (t: TaskInfo) => `${t.planShort}第${t.no}项`;

export function evidenceDir(dataDir: string): string {
  return path.join(dataDir, 'evidence');
}

async function refuse(turn: ChatTurn, answer: string): Promise<Outcome> {
  await turn.reply(answer);
  return { status: 'ignored', note: `PERMISSION_DENIED: ${answer}` };
}

/** The task's derived state after one assignment changes. */
async function taskAfter(turn: ChatTurn, task: TaskInfo, assignmentId: number, patch: AssignmentPatch) {
  const all = (await turn.deps.work.assignmentsOf([task.taskId])).get(task.taskId) ?? [];
  return { id: task.taskId, derived: deriveAfter(all, new Map([[assignmentId, patch]]), { state: task.state, percent: task.percent, closedAt: null }) };
}

/**
 * 申请销号 <ref>: the unit says its part is complete. Its assignment waits in 报完成待核 for an
 * admin's 复核; photos or files sent just before or after become the evidence.
 */
export async function requestClose(turn: ChatTurn, ref: string, reason: string): Promise<Outcome> {
  const found = await findOwnWork(turn, ref);
  if (!found.ok) return refuse(turn, found.answer);
  const w: WorkItem = found.value;
  if (!canAct(turn.sender.actor, 'request_close', w.assignment).ok) return refuse(turn, `${taskLabel(w.task)}不是${turn.sender.unit!.name}未销号的任务。`);
  const pending = (await turn.deps.work.pendingRequests(w.task.taskId, 'close')).find((r) => r.assignmentId === w.assignment.id || (r.assignmentId === null && r.unitId === w.assignment.unitId));
  if (pending) {
    await turn.reply(`${taskLabel(w.task)}已有待复核的销号申请，请等待督办室复核；补充佐证材料直接发送照片或文件即可。`);
    return { status: 'interpreted', note: 'close request already pending' };
  }
  // A photo sent shortly before the command counts too: people often send the picture first.
  const recent = await turn.deps.prisma.inboundMessage.findMany({
    // Files already read as this person's evidence (moved into the evidence folder), not ones still
    // waiting for their turn (kept at arrival): those attach themselves when read, after this request.
    where: { talkerId: turn.m.talkerId, attachment: { startsWith: path.resolve(evidenceDir(turn.deps.dataDir)) }, receivedAt: { gte: new Date(turn.now.getTime() - windowMs(turn)) } },
    orderBy: { receivedAt: 'asc' },
    select: { attachment: true },
  });
  const evidence = recent.map((r) => r.attachment!);
  const unit = turn.sender.unit!;
  const patch: AssignmentPatch = w.assignment.state === 'reported_done' ? {} : { state: 'reported_done' };
  const admins = await adminTargets(turn.deps.prisma, turn.deps.admins, turn.deps.groupsByTopic);
  await turn.deps.work.apply({
    assignments: Object.keys(patch).length ? [{ id: w.assignment.id, patch }] : [],
    tasks: [await taskAfter(turn, w.task, w.assignment.id, patch)],
    newRequests: [{ taskId: w.task.taskId, assignmentId: w.assignment.id, unitId: unit.id, kind: 'close', requestedBy: actorOf(turn), reason: reason || null, evidence, newDeadline: null, at: turn.now }],
    audit: [{ at: turn.now, actor: actorOf(turn), action: 'request.close', entity: 'Assignment', entityId: w.assignment.id, after: { task: taskRefLabel(w.task), unit: unit.name, reason, evidence } }],
    outbox: [
      turn.replyItem(
        evidence.length
          ? `已提交${taskLabel(w.task)}（${unit.name}承担部分）的销号申请（佐证材料${evidence.length}份），等待督办室复核。`
          : `已提交${taskLabel(w.task)}（${unit.name}承担部分）的销号申请。请在${turn.deps.evidenceWindowMinutes ?? 10}分钟内发送佐证照片或文件，督办室复核后通知。`,
      ),
      ...admins.map((target, i) =>
        turn.notifyItem(`admin${i}`, target,
          `【销号申请】${unit.name} ${whoOf(turn)} 申请${taskLabel(w.task)}销号${reason ? `，说明：${reason}` : ''}。\n回复“复核 ${cmdRef(w.task)}”通过，或“退办 ${cmdRef(w.task)} 原因”退回。`),
      ),
    ],
  });
  return { status: 'interpreted', note: `close request for ${taskRefLabel(w.task)} by ${unit.name}` };
}

/** A photo or file: kept, and attached to the sender's close request made within the last minutes. */
export async function attachEvidence(turn: ChatTurn, file: string | null): Promise<Outcome> {
  if (!file) return { status: 'ignored', note: 'attachment not saved' };
  const req = await turn.deps.work.recentCloseRequest(turn.m.talkerId, new Date(turn.now.getTime() - windowMs(turn)));
  // No 销号 request waiting for it: a file named for tasks ("第2项、第5项进展.docx") is a report for review.
  if (!req) return recordFileReport(turn, file);
  if (req.evidence.includes(file)) return { status: 'interpreted', note: 'evidence already attached' };
  const task = await turn.deps.work.task(req.taskId);
  await turn.deps.work.apply({
    evidence: [{ requestId: req.id, file }],
    audit: [{ at: turn.now, actor: actorOf(turn), action: 'request.evidence', entity: 'TaskRequest', entityId: req.id, after: { file } }],
    outbox: [turn.replyItem(`已收到${task ? taskLabel(task) : '销号申请'}的佐证材料（共${req.evidence.length + 1}份），等待督办室复核。`)],
  });
  return { status: 'interpreted', note: `evidence for request ${req.id}` };
}

/** 申请延期 <ref> <date> <reason>. */
export async function requestExtension(turn: ChatTurn, ref: string, dateText: string, reason: string): Promise<Outcome> {
  const found = await findOwnWork(turn, ref);
  if (!found.ok) return refuse(turn, found.answer);
  const w = found.value;
  const today = toLocalDate(turn.now);
  const date = parseDeadlineDate(dateText, today);
  const refText = cmdRef(w.task);
  if (!date || date <= today) {
    await turn.reply(`没有看懂延期日期“${dateText}”。请按“申请延期 ${refText} 2026-12-31 原因”的格式重新发送（日期须晚于今天）。`);
    return { status: 'interpreted', note: `bad extension date ${dateText}` };
  }
  if (!reason) {
    await turn.reply(`请说明延期原因：申请延期 ${refText} ${date} 原因。`);
    return { status: 'interpreted', note: 'extension without reason' };
  }
  const unit = turn.sender.unit!;
  if ((await turn.deps.work.pendingRequests(w.task.taskId, 'extension')).some((r) => r.assignmentId === w.assignment.id)) {
    await turn.reply(`${taskLabel(w.task)}已有待复核的延期申请，请等待督办室复核。`);
    return { status: 'interpreted', note: 'extension request already pending' };
  }
  const admins = await adminTargets(turn.deps.prisma, turn.deps.admins, turn.deps.groupsByTopic);
  await turn.deps.work.apply({
    newRequests: [{ taskId: w.task.taskId, assignmentId: w.assignment.id, unitId: unit.id, kind: 'extension', requestedBy: actorOf(turn), reason, evidence: [], newDeadline: date, at: turn.now }],
    audit: [{ at: turn.now, actor: actorOf(turn), action: 'request.extension', entity: 'Task', entityId: w.task.taskId, after: { newDeadline: date, reason, unit: unit.name } }],
    outbox: [
      turn.replyItem(`已提交${taskLabel(w.task)}延期至${date}的申请，等待督办室复核。`),
      ...admins.map((target, i) =>
        turn.notifyItem(`admin${i}`, target, `【延期申请】${unit.name} 申请${taskLabel(w.task)}延期至${date}，原因：${reason}。\n回复“复核 ${refText}”同意，或“退办 ${refText} 原因”退回。`),
      ),
    ],
  });
  return { status: 'interpreted', note: `extension request for ${taskRefLabel(w.task)}` };
}

/**
 * 申请转办 <ref> <单位> <原因>: a unit says another unit should carry its part of a task. It waits
 * for an admin: 转办 (or 复核) moves it, 退办 returns it with a reason. Nothing moves before.
 */
export async function requestTransfer(turn: ChatTurn, ref: string, unitName: string, reason: string): Promise<Outcome> {
  const found = await findOwnWork(turn, ref);
  if (!found.ok) return refuse(turn, found.answer);
  const w = found.value;
  const refText = cmdRef(w.task);
  const to = await findUnit(turn.deps.prisma, unitName);
  if (!to) {
    await turn.reply(`没有找到单位“${unitName}”，请用单位全称：申请转办 ${refText} 单位全称 原因。`);
    return { status: 'interpreted', note: 'transfer request: unit not found' };
  }
  const all = (await turn.deps.work.assignmentsOf([w.task.taskId])).get(w.task.taskId) ?? [];
  if (all.some((a) => a.unitId === to.id)) {
    await turn.reply(`${taskLabel(w.task)}已由${to.name}承担，无需转办。`);
    return { status: 'interpreted', note: 'transfer request to a unit already on the task' };
  }
  if (!reason) {
    await turn.reply(`请说明转办原因：申请转办 ${refText} ${to.name} 原因。`);
    return { status: 'interpreted', note: 'transfer request without reason' };
  }
  const unit = turn.sender.unit!;
  if ((await turn.deps.work.pendingRequests(w.task.taskId, 'transfer')).some((r) => r.assignmentId === w.assignment.id)) {
    await turn.reply(`${taskLabel(w.task)}已有待复核的转办申请，请等待督办室复核。`);
    return { status: 'interpreted', note: 'transfer request already pending' };
  }
  const admins = await adminTargets(turn.deps.prisma, turn.deps.admins, turn.deps.groupsByTopic);
  await turn.deps.work.apply({
    newRequests: [{ taskId: w.task.taskId, assignmentId: w.assignment.id, unitId: unit.id, kind: 'transfer', requestedBy: actorOf(turn), reason, evidence: [], newDeadline: null, toUnitId: to.id, at: turn.now }],
    audit: [{ at: turn.now, actor: actorOf(turn), action: 'request.transfer', entity: 'Assignment', entityId: w.assignment.id, after: { task: taskRefLabel(w.task), from: unit.name, to: to.name, reason } }],
    outbox: [
      turn.replyItem(`已提交将${taskLabel(w.task)}（${unit.name}承担部分）转由${to.name}办理的申请，等待督办室复核。`),
      ...admins.map((target, i) =>
        turn.notifyItem(`admin${i}`, target, `【转办申请】${unit.name} ${whoOf(turn)} 申请将${taskLabel(w.task)}转由${to.name}办理，原因：${reason}。\n回复“复核 ${refText} ${unit.name}”同意转办，或“退办 ${refText} ${unit.name} 原因”退回。`),
      ),
    ],
  });
  return { status: 'interpreted', note: `transfer request for ${taskRefLabel(w.task)} to ${to.name}` };
}

function deny(turn: ChatTurn, what: string): Promise<Outcome> {
  return turn.reply(`只有督办室管理员可以${what}。`).then(() => ({ status: 'ignored' as const, note: `PERMISSION_DENIED: ${what} by ${turn.m.talkerId}` }));
}

/**
 * Which pending request an admin means: the only one, or the one of the unit the note starts with
 * (复核 第2项 区商务局). Several and no unit named: ask, listing them.
 */
async function pickRequest(turn: ChatTurn, pending: RequestRow[], note: string, ref: string, requestId?: number): Promise<{ req: RequestRow; note: string } | { answer: string }> {
  // The console names the request itself.
  if (requestId !== undefined) {
    const req = pending.find((r) => r.id === requestId);
    return req ? { req, note } : { answer: `该申请已不在待复核状态（可能已在群里处理），请刷新页面。` };
  }
  const names = await unitNames(turn, pending.flatMap((r) => (r.unitId !== null ? [r.unitId] : [])));
  const unitName = (r: RequestRow) => (r.unitId !== null ? (names.get(r.unitId) ?? `单位${r.unitId}`) : r.requestedBy);
  const hit = pending.filter((r) => { const n = unitName(r); return note.startsWith(n) || note.startsWith(n.replace(/^区/, '')); });
  // The unit named before the reason (退办 第3项 区商务局 原因) is not part of the reason, even when only one waits.
  if (hit.length === 1) {
    const n = unitName(hit[0]!);
    return { req: hit[0]!, note: note.slice(note.startsWith(n) ? n.length : n.length - 1).trim() };
  }
  if (pending.length === 1) return { req: pending[0]!, note };
  const kind = (r: RequestRow) => (r.kind === 'close' ? '销号' : r.kind === 'extension' ? '延期' : '转办');
  return { answer: `该任务有${pending.length}个待复核申请：${pending.map((r) => `${unitName(r)}（${kind(r)}）`).join('、')}。请在编号后写明单位，如“复核 ${ref} ${unitName(pending[0]!)}”。` };
}

/** 复核 <ref> [单位] (approve) and 退办 <ref> [单位] <reason> (return): an admin decides one unit's pending request. */
export async function decideRequest(turn: ChatTurn, ref: string, approve: boolean, noteText: string, requestId?: number): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'decide_request').ok) return deny(turn, approve ? '复核申请' : '退办申请');
  const { work } = turn.deps;
  const found = await findTaskForAdmin(turn, ref, async (t) => (await work.pendingRequests(t.taskId)).length > 0);
  if (!found.ok) {
    await turn.reply(found.answer);
    return { status: 'interpreted', note: 'task not found' };
  }
  const task = found.value;
  const pending = await work.pendingRequests(task.taskId);
  if (!pending.length) {
    await turn.reply(`${taskRefLabel(task)}没有待复核的销号、延期或转办申请。`);
    return { status: 'interpreted', note: 'no pending request' };
  }
  const picked = await pickRequest(turn, pending, noteText, cmdRef(task), requestId);
  if ('answer' in picked) {
    await turn.reply(picked.answer);
    return { status: 'interpreted', note: 'several pending requests' };
  }
  const { req, note } = picked;
  if (!approve && !note) {
    await turn.reply(`请写明退办原因：退办 ${cmdRef(task)} 原因。`);
    return { status: 'interpreted', note: 'return without reason' };
  }
  if (approve && req.kind === 'transfer') {
    // Approving a unit's 转办 request is the 转办 itself, from that unit to the one it named.
    const row = await turn.deps.prisma.taskRequest.findUniqueOrThrow({ where: { id: req.id }, select: { toUnitId: true } });
    const names = await unitNames(turn, [row.toUnitId ?? -1, req.unitId ?? -1]);
    if (row.toUnitId === null || !names.get(row.toUnitId) || req.unitId === null || !names.get(req.unitId)) {
      await turn.reply(`${taskRefLabel(task)}的转办申请缺少转出或转入单位，请用“转办 ${cmdRef(task)} 原单位 新单位”办理。`);
      return { status: 'interpreted', note: 'transfer request without units' };
    }
    return transferTask(turn, cmdRef(task), names.get(row.toUnitId)!, names.get(req.unitId)!);
  }
  const all = (await work.assignmentsOf([task.taskId])).get(task.taskId) ?? [];
  const assignment = all.find((a) => a.id === req.assignmentId) ?? all.find((a) => a.unitId === req.unitId) ?? null;
  if (approve && req.kind === 'close' && assignment && assignment.state !== 'reported_done') {
    await turn.reply(`${taskRefLabel(task)}该单位最新报告为“${ASSIGNMENT_STATE_LABEL[assignment.state]}”，不是报完成待核，不能通过销号。可发送“退办 ${cmdRef(task)} 原因”退回。`);
    return { status: 'interpreted', note: 'close approval refused: not reported done' };
  }
  const patch = assignment ? decide(assignment, req, approve, turn.now) : {};
  const patches = new Map(assignment ? [[assignment.id, patch]] : []);
  const derived = deriveAfter(all, patches, { state: task.state, percent: task.percent, closedAt: null });
  // The task closed: the parts that did not hold it open (责任 under a 牵头, 参加) close with it.
  const withTask = closeWithTask(all, patches, derived, turn.now);
  const kindLabel = req.kind === 'close' ? '销号' : req.kind === 'extension' ? '延期' : '转办';
  const unitName = req.unitId !== null ? ((await unitNames(turn, [req.unitId])).get(req.unitId) ?? '') : '';
  let outcome = '';
  if (approve && req.kind === 'close') outcome = derived.state === 'closed' ? `${unitName}承担部分已销号，任务整体销号` : `${unitName}承担部分已销号（任务其余责任单位仍在办理）`;
  if (approve && req.kind === 'extension' && req.newDeadline) outcome = `完成时限调整为${req.newDeadline}`;
  const targets = req.unitId !== null ? await unitTargets(turn.deps.prisma, req.unitId) : [{ kind: 'person' as const, ref: req.requestedBy }];
  const evidence = req.kind === 'close' ? `（佐证材料${req.evidence.length}份）` : '';
  await work.apply({
    assignments: [...(assignment && Object.keys(patch).length ? [{ id: assignment.id, patch }] : []), ...[...withTask].map(([id, p]) => ({ id, patch: p }))],
    tasks: [{ id: task.taskId, derived, ...(approve && req.kind === 'extension' && req.newDeadline ? { deadline: { date: req.newDeadline, text: `${req.newDeadline}（已批准延期）` } } : {}) }],
    decided: [{ id: req.id, status: approve ? 'approved' : 'returned', by: turn.m.talkerId, at: turn.now, decision: note || (approve ? '同意' : null) }],
    audit: [
      { at: turn.now, actor: turn.m.talkerId, action: approve ? 'request.approve' : 'request.return', entity: 'TaskRequest', entityId: req.id, before: { status: 'pending' }, after: { status: approve ? 'approved' : 'returned', note } },
      ...(assignment && Object.keys(patch).length ? [{ at: turn.now, actor: turn.m.talkerId, action: approve ? 'assignment.close' : 'assignment.reopen', entity: 'Assignment', entityId: assignment.id, before: { state: assignment.state }, after: patch }] : []),
      ...(approve && req.kind === 'extension' ? [{ at: turn.now, actor: turn.m.talkerId, action: 'task.extend', entity: 'Task', entityId: task.taskId, before: { deadline: task.deadline }, after: { deadline: req.newDeadline } }] : []),
    ],
    outbox: [
      turn.replyItem(`已${approve ? '通过' : '退回'}${unitName}${taskLabel(task)}的${kindLabel}申请${evidence}${outcome ? `，${outcome}` : ''}。`),
      ...targets.map((target, i) =>
        turn.notifyItem(`unit${i}`, target,
          approve
            ? `督办室已通过${taskLabel(task)}的${kindLabel}申请${outcome ? `：${outcome}` : ''}。`
            : `督办室退回了${taskLabel(task)}的${kindLabel}申请，原因：${note}。请按要求补充后重新申请。`,
          target.kind === 'group' ? [req.requestedBy] : []),
      ),
    ],
  });
  return { status: 'interpreted', note: `${approve ? 'approved' : 'returned'} request ${req.id}` };
}

/**
 * 转办 <ref> [原单位] <单位>: an admin moves one unit's part of a task to another unit. Which part:
 * the one named, else the one of the group the admin writes in, else the only open one; with
 * several and none named, ask.
 */
export async function transferTask(turn: ChatTurn, ref: string, unitName: string, fromName?: string): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'transfer').ok) return deny(turn, '转办任务');
  const found = await findTaskForAdmin(turn, ref);
  const to = await findUnit(turn.deps.prisma, unitName);
  const named = fromName ? await findUnit(turn.deps.prisma, fromName) : null;
  if (!found.ok || !to || (fromName && !named)) {
    await turn.reply(!found.ok ? found.answer : `没有找到单位“${!to ? unitName : fromName}”，请用单位全称。`);
    return { status: 'interpreted', note: 'transfer target not found' };
  }
  const task = found.value;
  const all = (await turn.deps.work.assignmentsOf([task.taskId])).get(task.taskId) ?? [];
  if (all.some((a) => a.unitId === to.id)) {
    await turn.reply(`${taskLabel(task)}已由${to.name}承担，无需转办。`);
    return { status: 'interpreted', note: 'transfer to same unit' };
  }
  const groupUnits = new Set(turn.sender.group?.units.map((u) => u.id));
  const open = all.filter(isOpen);
  const inGroup = open.filter((a) => groupUnits.has(a.unitId));
  const from = named ? open.find((a) => a.unitId === named.id) : inGroup.length === 1 ? inGroup[0] : open.length === 1 ? open[0] : undefined;
  if (!from) {
    const names = [...(await unitNames(turn, open.map((a) => a.unitId))).values()];
    await turn.reply(
      named ? `${named.name}在${taskLabel(task)}中没有在办的部分。`
        : open.length ? `${taskLabel(task)}有${open.length}个承担单位（${names.join('、')}），请写明转出单位：转办 ${cmdRef(task)} 原单位 ${to.name}` : `${taskLabel(task)}没有在办的承担单位，无法转办。`,
    );
    return { status: 'interpreted', note: 'transfer source unclear' };
  }
  const movedFrom = (await unitNames(turn, [from.unitId])).get(from.unitId);
  const fromUnit = movedFrom ? { name: movedFrom } : null;
  // The new unit starts its part afresh: the old unit's progress and its pending requests stay with the old unit's record.
  const patch: AssignmentPatch = { unitId: to.id, state: 'not_started', percent: null, lastReportedAt: null, receivedAt: null, closedAt: null, via: `转办自${fromUnit?.name ?? '原单位'}` };
  const pending = (await turn.deps.work.pendingRequests(task.taskId)).filter((r) => r.assignmentId === from.id || (r.assignmentId === null && r.unitId === from.unitId));
  // The unit's own 转办 request to this unit, if it made one: approved by this 转办, which it records.
  const asked = pending.filter((r) => r.kind === 'transfer');
  const askedTo = asked.length ? await turn.deps.prisma.taskRequest.findMany({ where: { id: { in: asked.map((r) => r.id) }, toUnitId: to.id }, select: { id: true } }) : [];
  const granted = pending.find((r) => askedTo.some((x) => x.id === r.id));
  const derived = deriveAfter(all, new Map([[from.id, patch]]), { state: task.state, percent: task.percent, closedAt: null });
  await turn.deps.work.apply({
    assignments: [{ id: from.id, patch }],
    tasks: [{ id: task.taskId, derived }],
    decided: pending.map((r) => (r === granted
      ? { id: r.id, status: 'approved' as const, by: turn.m.talkerId, at: turn.now, decision: `转办至${to.name}` }
      : { id: r.id, status: 'returned' as const, by: turn.m.talkerId, at: turn.now, decision: `已转办至${to.name}，申请作废` })),
    newRequests: granted ? [] : [{
      taskId: task.taskId, assignmentId: from.id, unitId: from.unitId, kind: 'transfer', status: 'approved', requestedBy: turn.m.talkerId, reason: null, evidence: [],
      newDeadline: null, toUnitId: to.id, decidedBy: turn.m.talkerId, decision: `转办至${to.name}`, at: turn.now,
    }],
    audit: [
      { at: turn.now, actor: turn.m.talkerId, action: 'assignment.transfer', entity: 'Assignment', entityId: from.id, before: { unit: fromUnit?.name ?? null, role: from.role }, after: { unit: to.name } },
      ...(granted ? [{ at: turn.now, actor: turn.m.talkerId, action: 'request.approve', entity: 'TaskRequest', entityId: granted.id, before: { status: 'pending' }, after: { status: 'approved', to: to.name } }] : []),
    ],
    outbox: [
      turn.replyItem(`已将${taskLabel(task)}由${fromUnit?.name ?? '原单位'}转办至${to.name}。`),
      ...(await unitTargets(turn.deps.prisma, to.id)).map((target, i) =>
        turn.notifyItem(`to${i}`, target, `【转办】督办室将${taskLabel(task)}转由${to.name}办理，请及时报送进展（回复“${cmdRef(task)} 进展情况”）。`),
      ),
      ...(granted ? (await unitTargets(turn.deps.prisma, from.unitId)).map((target, i) =>
        turn.notifyItem(`from${i}`, target, `督办室已同意${taskLabel(task)}的转办申请：改由${to.name}办理。`, target.kind === 'group' ? [granted.requestedBy] : [])) : []),
    ],
  });
  return { status: 'interpreted', note: `transfer ${taskRefLabel(task)} to ${to.name}` };
}
