import path from 'node:path';
import { noteUnknownReporter } from './access-commands.ts';
import { findTaskRefsInReply, interpretReply, sharedFileName, type ReplyInterpretation, type ReplyItem, type ReplyKind, type ReplyTask } from '../domain/reply/index.ts';
import {
  ASSIGNMENT_STATE_LABEL, applyReceipt, applyReport, canAct, deriveAfter, namesPlan, taskLabel, taskRefLabel, whichPlanQuestion, type Assignment, type AssignmentPatch,
} from '../domain/work/index.ts';
import type { ProgressRow, WorkChange, WorkItem } from '../ports/work-store.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import { adminTargets, NEEDS_ADMIN, type ChatTurn, type Outcome } from './chat-turn.ts';
import { recordLeaderInstruction } from './instructions.ts';

const HINT = '发送“帮助”查看用法；报送进展请回复如：第3项 已完成60%，存在资金缺口。';

export function describe(item: ReplyItem, state: Assignment['state'] | undefined, kind: ReplyKind): string {
  if (kind === 'no_change') return `本期无新进展${state ? `（保持${ASSIGNMENT_STATE_LABEL[state]}）` : ''}`;
  if (kind === 'file') return `收到进展材料，待督办室审阅${state ? `（目前${ASSIGNMENT_STATE_LABEL[state]}）` : ''}`;
  const parts: string[] = [];
  if (item.percent !== null) parts.push(`进度${item.percent}%`);
  if (state) parts.push(ASSIGNMENT_STATE_LABEL[state]);
  if (item.problems) parts.push(`问题：${item.problems}`);
  if (item.nextSteps) parts.push(`下一步：${item.nextSteps}`);
  return parts.length ? parts.join('；') : '已记录进展说明';
}

const toReplyTask = (w: WorkItem): ReplyTask => ({ no: w.task.no, title: w.task.title, text: w.task.text });

/** Does the message name this plan (《政府工作报告》, 重大重点项目方案第2项)? */
function mentionsPlan(text: string, planShort: string): boolean {
  if (text.includes(planShort)) return true;
  for (const m of text.matchAll(/《([^》]{2,30})》/g)) if (namesPlan(m[1]!, planShort)) return true;
  for (const m of text.matchAll(/([\u4e00-\u9fa5]{3,14}?)(?:方案)?第\s*[0-9一二三四五六七八九十百两]/g)) if (namesPlan(m[1]!, planShort)) return true;
  return false;
}

/** The sender's open work by plan; the plans the message names, when it names any. */
function plansInScope(text: string, work: WorkItem[]): WorkItem[][] {
  const byPlan = new Map<number, WorkItem[]>();
  for (const w of work) (byPlan.get(w.task.planId) ?? byPlan.set(w.task.planId, []).get(w.task.planId)!).push(w);
  const all = [...byPlan.values()];
  const named = all.filter((ws) => mentionsPlan(text, ws[0]!.task.planShort));
  return named.length ? named : all;
}

/**
 * A free-text message: a progress report, a correction, a receipt (收到) or chatter. A report from a
 * unit's contact is read against that unit's own open assignments, plan by plan: when it fits tasks
 * of two plans it asks which, once, and records nothing. Completion is recorded as 报完成待核 and
 * the unit is asked for a 销号 request; nothing here closes anything.
 */
export async function recordProgress(turn: ChatTurn, text: string): Promise<Outcome> {
  const { deps, sender, m, now } = turn;
  const addressed = turn.here.kind === 'person' || m.mentionsSelf;

  if (!sender.unit) {
    // A registered leader's words about tasks are a 批示 (never a display name: sender comes from Person.chatId).
    if (sender.isLeader && sender.person) {
      const given = await recordLeaderInstruction(turn, text, { id: sender.person.id, name: sender.person.name, title: null }, 'chat');
      if (given) return given;
    }
    const r = interpretReply(text, { tasks: [], botName: deps.botName });
    // Admins and leaders talk about tasks ("请加快推进第3项") without reporting on them.
    const looksLikeReport = r.isProgressReport && (r.percent !== null || findTaskRefsInReply(text).length > 0);
    if (!looksLikeReport || sender.isAdmin || sender.isLeader) {
      if (addressed && !sender.isAdmin && !sender.isLeader) await turn.reply(`您好，${HINT}`);
      return { status: 'ignored', note: 'chatter from a person who is not a unit contact' };
    }
    // One polite answer, not one per message: the person and their messages wait in the console's inbox.
    if (await noteUnknownReporter(deps.prisma, turn)) {
      const where = sender.group?.units.map((u) => u.name).join('、');
      await turn.reply(`${m.talkerName || '您'}不在${where ? `${where}的` : '任何单位的'}联络人名单中，这条进展暂未记入台账，已转督办室处理。如需登记，请发送“登记 单位全称 联络员”，或请督办室在通讯录中登记。`);
    }
    return { status: 'needs_admin', note: `PERMISSION_DENIED: ${m.talkerName} (${m.talkerId}) is not a unit contact` };
  }

  const unit = sender.unit;
  const work = await deps.work.unitWork(unit.id);
  const scopes = plansInScope(text, work);
  const reads = scopes.map((ws) => ({ ws, r: interpretReply(text, { tasks: ws.map(toReplyTask), botName: deps.botName, guessSoleTask: scopes.length === 1 }) }));
  const first: ReplyInterpretation = reads[0]?.r ?? interpretReply(text, { tasks: [], botName: deps.botName });

  if (first.isReceipt) return recordReceipt(turn, work, text);
  const asked = reads.find((x) => x.r.kind === 'question') ?? (first.kind === 'question' ? { ws: [] as WorkItem[], r: first } : undefined);
  if (asked) return forwardQuestion(turn, text, asked);
  // A file that names none of the unit's tasks is only kept (it may be evidence); nothing to answer.
  if (sharedFileName(text) && !reads.some((x) => x.r.kind === 'file')) return { status: 'ignored', note: 'attachment kept; no close request to attach it to' };
  if (!reads.some((x) => x.r.isProgressReport)) {
    if (!addressed) return { status: 'ignored', note: 'not a progress report' };
    // Said to the bot and not understood: an admin may read what the bot could not.
    await turn.reply(`没有看懂这条消息。${HINT}`);
    return { status: 'needs_admin', note: `${NEEDS_ADMIN}: not understood` };
  }
  const confident = reads.filter((x) => x.r.isProgressReport && x.r.confidence === 'high' && x.r.items.length > 0);
  // "这周没有新进展" naming no task: nothing moved on any of the unit's tasks, whatever the plan.
  const noChangeOnAll = confident.length > 1 && confident.every((x) => x.r.kind === 'no_change') && findTaskRefsInReply(text).length === 0;
  if (confident.length > 1 && !noChangeOnAll) {
    const options = confident.map((x) => x.ws.find((w) => w.task.no === x.r.items[0]!.taskNo)!.task);
    const question = whichPlanQuestion(options);
    await turn.reply(question);
    return { status: 'needs_admin', note: `${NEEDS_ADMIN}: asked back: ${question}` };
  }
  if (confident.length === 0) {
    const sample = reads[0]?.ws[0]?.task;
    const question =
      sample && reads.length > 1 && findTaskRefsInReply(text).length === 0
        ? `请问这是哪一项任务的进展？本单位有${reads.length}个方案的任务，请写明方案简称和编号，如“${sample.planShort}第${sample.no}项 …”。`
        : (reads.find((x) => x.r.isProgressReport && x.r.question)?.r.question ?? `请问这是哪一项任务的进展？${HINT}`);
    await turn.reply(question);
    return { status: 'needs_admin', note: `${NEEDS_ADMIN}: asked back: ${question}` };
  }
  const chosen = noChangeOnAll ? confident : [confident[0]!];
  const r = chosen[0]!.r;
  const kind = r.kind;

  const items = chosen.flatMap((x) => x.r.items.map((item) => ({ item, w: x.ws.find((w) => w.task.no === item.taskNo)! })));
  const taskIds = [...new Set(items.map((x) => x.w.task.taskId))];
  const patches = new Map<number, AssignmentPatch>();
  const progress: ProgressRow[] = [];
  const lines: string[] = [];
  const claimed: WorkItem[] = [];
  const rowKind = r.isCorrection ? 'correction' : 'report';
  for (const { item, w } of items) {
    if (!canAct(sender.actor, 'report', w.assignment).ok) continue;
    const out = applyReport({ ...w.assignment, ...(patches.get(w.assignment.id) ?? {}) }, { percent: item.percent, status: item.status }, now);
    patches.set(w.assignment.id, { ...(patches.get(w.assignment.id) ?? {}), ...out.patch });
    if (out.completionClaimed) claimed.push(w);
    progress.push({
      taskId: w.task.taskId, unitId: unit.id, personId: sender.person?.id ?? null, kind: rowKind, at: now,
      text: (kind === 'file' ? `${item.text}（待督办室审阅）` : r.items.length > 1 && kind !== 'no_change' ? item.text : text).slice(0, 2000), percent: item.percent, status: item.status,
      problems: item.problems, nextSteps: item.nextSteps, inboundMessageId: turn.inboundId,
    });
    lines.push(`· ${taskLabel(w.task)}：${describe(item, out.patch.state ?? w.assignment.state, kind)}`);
  }
  // A later report that takes the completion claim back withdraws that unit's pending 销号 request:
  // an admin must not approve a claim its own unit no longer makes.
  const withdrawn: NonNullable<WorkChange['decided']> = [];
  for (const { w } of items) {
    const next = patches.get(w.assignment.id)?.state;
    if (w.assignment.state !== 'reported_done' || !next || next === 'reported_done') continue;
    for (const req of await deps.work.pendingRequests(w.task.taskId, 'close')) {
      if (req.assignmentId === w.assignment.id && !withdrawn.some((d) => d.id === req.id)) withdrawn.push({ id: req.id, status: 'returned', by: m.talkerId, at: now, decision: '单位后续报告尚未完成，销号申请自动撤回' });
    }
  }
  const change: WorkChange = {
    decided: withdrawn,
    assignments: [...patches].map(([id, patch]) => ({ id, patch })),
    // The store derives each task again from all its stored assignments, under a lock, in the same
    // transaction; what is passed here is the sender's view (no extra read of the other units' parts).
    tasks: taskIds.map((id) => {
      const own = items.filter((x) => x.w.task.taskId === id).map((x) => x.w.assignment);
      const w = items.find((x) => x.w.task.taskId === id)!.w;
      // The task's parts as read (when the read had them) let the store write it all in one statement.
      return { id, derived: deriveAfter(own, patches, { state: w.task.state, percent: w.task.percent, closedAt: null }), ...(w.taskParts ? { basis: w.taskParts } : {}) };
    }),
    progress,
  };
  const firstRef = items[0]!.w.task;
  const ask = claimed.length
    ? `\n${claimed.map((w) => taskRefLabel(w.task)).join('、')}已报完成，待督办室复核销号：请发送“申请销号 ${claimed[0]!.task.planShort}第${claimed[0]!.task.no}项”并附佐证照片或文件。`
    : '';
  const undo = withdrawn.length ? `\n原销号申请已撤回；完成后请重新发送“申请销号”。` : '';
  const refs = items.map((x) => taskRefLabel(x.w.task)).join('、');
  if (kind === 'file') {
    // The content is the office's to read: the file is on the inbound row; admins are told where.
    // Nothing is recorded until an admin confirms it in the inbox: only the answers are queued
    // (idempotent keys), so the message stays unrecorded and a re-run after a crash sends nothing twice.
    const name = (sharedFileName(text) ?? text).slice(0, 120);
    const admins = await adminTargets(deps.prisma, deps.admins, deps.groupsByTopic);
    await enqueueOutbox(deps.prisma, [
      turn.replyItem(`已收到（${unit.name}）${refs}的进展材料《${name}》，已转督办室审阅。\n${lines.join('\n')}\n如需同时报进度，请回复如：第${firstRef.no}项 已完成60%。`),
      ...admins.map((target, i) => turn.notifyItem(`admin${i}`, target, `【进展材料待审阅】（编号 ${turn.inboundId}）${unit.name} ${sender.person?.name ?? m.talkerName ?? m.talkerId} 报送${refs}的进展材料《${name}》，请在管理后台“待办”中确认或更正后记入台账。`)),
    ]);
    return { status: 'needs_admin', note: `${NEEDS_ADMIN}: file report awaiting review: ${refs}: ${name}` };
  }
  change.outbox = [
    turn.replyItem(`${r.isCorrection ? '已更正' : '已记录'}（${unit.name}）：\n${lines.join('\n')}${ask}${undo}\n如有误，请回复“更正 第${firstRef.no}项 50%”这样的内容。`),
  ];
  await deps.work.apply(change);
  return { status: 'interpreted', note: `${kind === 'no_change' ? 'no change' : rowKind}: ${items.map((x) => taskRefLabel(x.w.task)).join(',')}` };
}

/** 收到 to a reminder: 签收 on each of the unit's open assignments; no progress and no answer. */
async function recordReceipt(turn: ChatTurn, work: WorkItem[], text: string): Promise<Outcome> {
  const unit = turn.sender.unit!;
  await turn.deps.work.apply({
    assignments: work.map((w) => ({ id: w.assignment.id, patch: applyReceipt(turn.now) })),
    progress: work.map((w) => ({
      taskId: w.task.taskId, unitId: unit.id, personId: turn.sender.person?.id ?? null, kind: 'receipt' as const, at: turn.now, text: text.slice(0, 500),
      percent: null, status: null, problems: null, nextSteps: null, inboundMessageId: turn.inboundId,
    })),
  });
  return { status: 'interpreted', note: 'receipt' };
}

/**
 * A question to the office ("第3项的时限能不能延后？", "这个表怎么填"): forwarded to the admins, with the
 * tasks it names, instead of "没有看懂". A question in a group that neither @s the bot nor names a task
 * is colleagues talking and is left alone.
 */
async function forwardQuestion(turn: ChatTurn, text: string, { ws, r }: { ws: WorkItem[]; r: ReplyInterpretation }): Promise<Outcome> {
  const { deps, sender, m } = turn;
  const addressed = turn.here.kind === 'person' || m.mentionsSelf;
  const named = r.taskNos.map((no) => ws.find((w) => w.task.no === no)).filter((w): w is WorkItem => !!w).map((w) => taskRefLabel(w.task));
  if (!addressed && named.length === 0) return { status: 'ignored', note: 'a question in the group, not addressed to the bot' };
  const who = sender.person?.name ?? m.talkerName ?? m.talkerId;
  const about = named.length ? `（关于${named.join('、')}）` : '';
  const admins = await adminTargets(deps.prisma, deps.admins, deps.groupsByTopic);
  // Queued without recording anything: the question waits in the inbox (needs_admin) until answered.
  await enqueueOutbox(deps.prisma, [
    turn.replyItem(`您的问题${about}已转督办室，答复后会通知您。`),
    ...admins.map((target, i) => turn.notifyItem(`admin${i}`, target, `【单位提问】（编号 ${turn.inboundId}）${sender.unit!.name} ${who}${about}：${text.slice(0, 300)}\n回复“答复 ${turn.inboundId} 答复内容”即转告提问人，或在管理后台“待办”中答复。`)),
  ]);
  return { status: 'needs_admin', note: `${NEEDS_ADMIN}: question forwarded to admins${about}` };
}

/**
 * A file sent with no 销号 request waiting for it. Named for tasks of the sender's unit
 * ("X局第2项、第5项进展.docx"), it is a report on them awaiting the office's review; otherwise it is
 * only kept.
 */
export async function recordFileReport(turn: ChatTurn, file: string): Promise<Outcome> {
  const kept: Outcome = { status: 'ignored', note: 'attachment kept; no close request to attach it to' };
  if (!turn.sender.unit) return kept;
  // The stored name is "<message id>-<original name>" (see to-incoming-message.ts).
  const prefix = `${turn.m.id.replace(/[^\w-]/g, '_')}-`;
  const base = path.basename(file);
  const name = base.startsWith(prefix) ? base.slice(prefix.length) : base;
  if (!sharedFileName(name)) return kept;
  return recordProgress(turn, `[文件] ${name}`);
}
