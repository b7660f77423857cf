import path from 'node:path';
import type { InboundMessage } from '../generated/prisma/client.ts';
import { interpretReply, type ReplyStatus } from '../domain/reply/index.ts';
import { applyReport, deriveAfter, isOpen, taskLabel, taskRefLabel, type Assignment, type AssignmentPatch } from '../domain/work/index.ts';
import type { ChatTarget } from '../ports/chat.ts';
import type { ProgressRow, TaskInfo, WorkChange } from '../ports/work-store.ts';
import type { InboundDeps, Tx } from './chat-deps.ts';
import type { ChatTurn, Outcome } from './chat-turn.ts';
import { describe } from './record-progress.ts';

/**
 * The admins' side of the replies the bot was unsure of (InboundMessage status `needs_admin`): a
 * question forwarded, a file named for tasks, a report it asked about once or did not understand,
 * a report from someone not registered. Nothing was recorded from them; here an admin confirms the
 * bot's reading, corrects it, assigns the reply to a task, answers it, or dismisses it. Each runs
 * as an admin's chat turn (the console's or the chat's), so what the unit hears goes through the
 * outbox with the turn's idempotency keys, and each is audited with the original message kept.
 */

export type ReviewAction = 'confirm' | 'correct' | 'assign';

/** What to record on one unit's part of one task. */
export interface ReviewItem {
  assignmentId: number;
  percent: number | null;
  status: ReplyStatus | null;
  problems: string | null;
  nextSteps?: string | null;
}

/** Why a message waits for an admin, from the note the chat kept on it. */
export type ReviewReason = 'question' | 'file' | 'asked' | 'not_understood' | 'unknown_sender' | 'other';

export const REVIEW_REASON_LABEL: Record<ReviewReason, string> = {
  question: '单位提问',
  file: '进展材料待审阅',
  asked: '已追问，未能确定任务',
  not_understood: '未能识别',
  unknown_sender: '未登记人员报送',
  other: '待督办室处理',
};

export function reviewReason(error: string | null): ReviewReason {
  if (!error) return 'other';
  if (error.startsWith('PERMISSION_DENIED')) return 'unknown_sender';
  if (/^NEEDS_ADMIN: question/.test(error)) return 'question';
  if (/^NEEDS_ADMIN: file report/.test(error)) return 'file';
  if (/^NEEDS_ADMIN: asked back/.test(error)) return 'asked';
  if (/^NEEDS_ADMIN: not understood/.test(error)) return 'not_understood';
  return 'other';
}

const ACTION_LABEL: Record<ReviewAction, string> = { confirm: '确认', correct: '更正', assign: '指定任务' };

/** A waiting message and who sent it, as the directory knows them (never by display name). */
export interface Origin {
  row: InboundMessage;
  person: { id: number; name: string } | null;
  unit: { id: number; name: string } | null;
  group: { topic: string; units: { id: number; name: string }[] } | null;
}

export async function loadOrigin(tx: Tx, id: number): Promise<Origin | null> {
  const row = await tx.inboundMessage.findUnique({ where: { id } });
  if (!row) return null;
  const [person, group] = await Promise.all([
    tx.person.findFirst({ where: { chatId: row.talkerId }, select: { id: true, name: true, unit: { select: { id: true, name: true } } } }),
    row.roomId || row.roomTopic
      ? tx.chatGroup.findFirst({ where: row.roomId ? { roomId: row.roomId } : { topic: row.roomTopic! }, select: { topic: true, units: { select: { unit: { select: { id: true, name: true } } } } } })
      : null,
  ]);
  return {
    row,
    person: person ? { id: person.id, name: person.name } : null,
    unit: person?.unit ?? null,
    group: group ? { topic: group.topic, units: group.units.map((u) => u.unit) } : null,
  };
}

/** The text the bot read: a file is read by its name ("[文件] X局第2项进展.docx"), as the chat reads it. */
export function replyText(row: Pick<InboundMessage, 'text' | 'attachment' | 'messageId'>): string {
  if (!row.attachment) return row.text;
  // Stored as "<message id, unsafe characters as _>-<original name>" (see to-incoming-message.ts).
  const prefix = `${row.messageId.replace(/[^\w-]/g, '_')}-`;
  const base = path.basename(row.attachment);
  return `[文件] ${base.startsWith(prefix) ? base.slice(prefix.length) : base}`;
}

/** Where the sender is answered: the group the message came from, else privately. */
const placeOf = (row: InboundMessage): ChatTarget => (row.roomId || row.roomTopic ? { kind: 'group', ref: row.roomId ?? row.roomTopic! } : { kind: 'person', ref: row.talkerId });

/** What reading a reply needs: the work store and the bot's name (a chat turn or the console). */
type Reading = { deps: Pick<InboundDeps, 'work' | 'botName'> };

/** The open parts of tasks the reply may be about: the sender's unit's, else the units of the group it came from. */
export async function candidateWork(turn: Reading, origin: Origin) {
  const unitIds = origin.unit ? [origin.unit.id] : (origin.group?.units.map((u) => u.id) ?? []);
  const lists = await Promise.all(unitIds.map((id) => turn.deps.work.unitWork(id)));
  return lists.flat();
}

/** What the bot reads in the reply against the candidate tasks, guessing the sole task as the chat would. */
export async function botReading(turn: Reading, origin: Origin): Promise<ReviewItem[]> {
  const work = await candidateWork(turn, origin);
  const text = replyText(origin.row);
  // Plan by plan, as the chat reads it: the first plan whose tasks the reply names.
  const byPlan = new Map<number, typeof work>();
  for (const w of work) (byPlan.get(w.task.planId) ?? byPlan.set(w.task.planId, []).get(w.task.planId)!).push(w);
  for (const ws of byPlan.values()) {
    const r = interpretReply(text, { tasks: ws.map((w) => ({ no: w.task.no, title: w.task.title, text: w.task.text })), botName: turn.deps.botName, guessSoleTask: byPlan.size === 1 });
    if (!r.isProgressReport || r.kind === 'question' || !r.items.length) continue;
    return r.items.flatMap((i) => {
      const w = ws.find((x) => x.task.no === i.taskNo);
      return w ? [{ assignmentId: w.assignment.id, percent: i.percent, status: i.status, problems: i.problems, nextSteps: i.nextSteps }] : [];
    });
  }
  return [];
}

/** The bot's reading of the reply's facts alone (percent, status, problem), for an admin who names the task. */
export function readFacts(turn: Reading, origin: Origin): Omit<ReviewItem, 'assignmentId'> {
  const r = interpretReply(replyText(origin.row), { tasks: [], botName: turn.deps.botName });
  return { percent: r.percent, status: r.items[0]?.status ?? null, problems: r.items[0]?.problems ?? null, nextSteps: r.items[0]?.nextSteps ?? null };
}

/**
 * Applies an admin's decision as the change of the waiting message itself: the store writes it only
 * if that message is not yet interpreted and marks it interpreted in the same transaction, so two
 * admins (or the console and the chat) acting at once record it once, and the second is told. Then
 * who decided what is noted on the message (the audit row, written with the change, has it too).
 */
async function decide(turn: ChatTurn, origin: Origin, change: WorkChange, handling: string): Promise<boolean> {
  const r = await turn.deps.work.apply({ ...change, inboundId: origin.row.id });
  if (r.alreadyRecorded) return false;
  await turn.deps.prisma.inboundMessage.update({
    where: { id: origin.row.id },
    // The store's mark clears `error`; the reason it waited stays on the row for the 留痕.
    data: { handledAt: turn.now, handledBy: turn.m.talkerId, handling: handling.slice(0, 500), error: origin.row.error },
  });
  return true;
}

function deny(turn: ChatTurn): Promise<Outcome> {
  return turn.reply('只有督办室管理员可以处理待办消息。').then(() => ({ status: 'ignored' as const, note: `PERMISSION_DENIED: review by ${turn.m.talkerId}` }));
}

const handledAnswer = (id: number) => `编号 ${id} 的消息已处理或不在待办中（可能已由其他管理员处理），请刷新待办。`;

/**
 * Records a waiting reply on the tasks an admin chose: `confirm` as the bot read it (a report of the
 * sender), `assign` the bot's reading on the task the admin named (a report of the sender),
 * `correct` the admin's figures (a correction by the office). Completion stays 报完成待核.
 */
export async function recordReviewed(turn: ChatTurn, id: number, action: ReviewAction, items: ReviewItem[]): Promise<Outcome> {
  if (!turn.sender.isAdmin) return deny(turn);
  const origin = await loadOrigin(turn.deps.prisma, id);
  if (!origin || origin.row.status !== 'needs_admin') {
    await turn.reply(handledAnswer(id));
    return { status: 'interpreted', note: `review of ${id}: not waiting` };
  }
  if (!items.length) {
    await turn.reply(action === 'confirm' ? '机器人没有从这条消息读出任何任务，请用“更正”或“指定任务”选择任务。' : '请至少选择一项任务。');
    return { status: 'interpreted', note: `review of ${id}: no task` };
  }
  const { work } = turn.deps;
  // The chosen parts and their tasks.
  const rows = await turn.deps.prisma.assignment.findMany({ where: { id: { in: items.map((i) => i.assignmentId) } }, select: { id: true, taskId: true, unit: { select: { id: true, name: true } } } });
  const byTask = await work.assignmentsOf([...new Set(rows.map((r) => r.taskId))]);
  const tasks = new Map<number, TaskInfo>();
  for (const taskId of byTask.keys()) {
    const t = await work.task(taskId);
    if (t) tasks.set(taskId, t);
  }
  const at = origin.row.receivedAt;
  const text = replyText(origin.row);
  const patches = new Map<number, AssignmentPatch>();
  const progress: ProgressRow[] = [];
  const lines: string[] = [];
  const claimed: TaskInfo[] = [];
  const refused: string[] = [];
  const units = new Map<number, string>();
  for (const item of items) {
    const row = rows.find((r) => r.id === item.assignmentId);
    const task = row && tasks.get(row.taskId);
    const a = row && byTask.get(row.taskId)?.find((x) => x.id === row.id);
    if (!row || !task || !a) continue;
    if (!isOpen(a)) {
      refused.push(`${taskLabel(task)}（${row.unit.name}已销号）`);
      continue;
    }
    units.set(row.unit.id, row.unit.name);
    const before: Assignment = { ...a, ...(patches.get(a.id) ?? {}) };
    const out = applyReport(before, { percent: item.percent, status: item.status }, turn.now);
    // The unit reported when it wrote, not when the office read it; a later report keeps its date.
    const patch: AssignmentPatch = { ...out.patch, lastReportedAt: a.lastReportedAt && a.lastReportedAt > at ? a.lastReportedAt : at };
    patches.set(a.id, { ...(patches.get(a.id) ?? {}), ...patch });
    if (out.completionClaimed) claimed.push(task);
    progress.push({
      taskId: task.taskId, unitId: row.unit.id, personId: action === 'correct' ? null : (origin.person?.id ?? null), kind: action === 'correct' ? 'correction' : 'report', at,
      text: text.slice(0, 2000), percent: item.percent, status: item.status, problems: item.problems, nextSteps: item.nextSteps ?? null, inboundMessageId: origin.row.id,
    });
    lines.push(`· ${taskLabel(task)}：${describe({ taskNo: task.no, percent: item.percent, status: item.status, problems: item.problems, nextSteps: item.nextSteps ?? null, text }, patch.state ?? a.state, 'report')}`);
  }
  if (!progress.length) {
    await turn.reply(refused.length ? `所选任务均已销号，未记录：${refused.join('、')}。` : '没有找到所选任务，请刷新待办后重试。');
    return { status: 'interpreted', note: `review of ${id}: nothing to record` };
  }
  const verb = ACTION_LABEL[action];
  const change: WorkChange = {
    assignments: [...patches].map(([aid, patch]) => ({ id: aid, patch })),
    tasks: [...new Set(progress.map((p) => p.taskId))].map((taskId) => {
      const t = tasks.get(taskId)!;
      return { id: taskId, derived: deriveAfter(byTask.get(taskId) ?? [], patches, { state: t.state, percent: t.percent, closedAt: null }) };
    }),
    progress,
    audit: [{
      at: turn.now, actor: turn.m.talkerId, action: `reply.${action}`, entity: 'InboundMessage', entityId: origin.row.id,
      before: { text, from: origin.person?.name ?? origin.row.talkerName, reading: action === 'confirm' ? undefined : await botReading(turn, origin) },
      after: { items: progress.map((p) => ({ task: taskRefLabel(tasks.get(p.taskId)!), unitId: p.unitId, percent: p.percent, status: p.status, problems: p.problems, kind: p.kind })) },
    }],
  };
  const unitNames = [...units.values()].join('、');
  const ask = claimed.length ? `\n${claimed.map((t) => taskRefLabel(t)).join('、')}已报完成，待督办室复核销号：请发送“申请销号 ${claimed[0]!.planShort}第${claimed[0]!.no}项”并附佐证照片或文件。` : '';
  const quote = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  const heading = action === 'correct' ? '督办室已更正并记录' : action === 'assign' ? '督办室已将您的报送记入' : '督办室已确认并记录';
  change.outbox = [
    turn.replyItem(`已${verb}编号 ${id} 的消息，记入台账（${unitNames}）：\n${lines.join('\n')}${refused.length ? `\n未记录（已销号）：${refused.join('、')}` : ''}`),
    turn.notifyItem('unit', placeOf(origin.row), `${heading}（${unitNames}）您报送的“${quote}”：\n${lines.join('\n')}${ask}\n如有误，请回复“更正 第${tasks.get(progress[0]!.taskId)!.no}项 50%”这样的内容。`, [origin.row.talkerId]),
  ];
  if (!(await decide(turn, origin, change, `${verb}：${lines.map((l) => l.replace(/^· /, '')).join('；')}`))) {
    await turn.reply(handledAnswer(id));
    return { status: 'interpreted', note: `review of ${id}: already handled` };
  }
  return { status: 'interpreted', note: `review ${action} of ${id}` };
}

/** 答复 <编号> <内容>: the admin's answer goes to the asker where they asked, @-mentioning them. */
export async function answerWaiting(turn: ChatTurn, id: number, answer: string): Promise<Outcome> {
  if (!turn.sender.isAdmin) return deny(turn);
  if (!answer.trim()) {
    await turn.reply(`请写明答复内容：答复 ${id} 答复内容。`);
    return { status: 'interpreted', note: 'answer without text' };
  }
  const origin = await loadOrigin(turn.deps.prisma, id);
  if (!origin || origin.row.status !== 'needs_admin') {
    await turn.reply(handledAnswer(id));
    return { status: 'interpreted', note: `answer to ${id}: not waiting` };
  }
  const text = replyText(origin.row);
  const quote = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  const who = origin.person?.name ?? origin.row.talkerName ?? '';
  const sent = await decide(turn, origin, {
    audit: [{ at: turn.now, actor: turn.m.talkerId, action: 'reply.answer', entity: 'InboundMessage', entityId: id, before: { text, from: who }, after: { answer } }],
    outbox: [
      turn.replyItem(`已将答复转告${who}${origin.row.roomTopic ? `（${origin.row.roomTopic}）` : ''}。`),
      turn.notifyItem('answer', placeOf(origin.row), `【督办室答复】${who}您好，您的问题“${quote}”，督办室答复：${answer.trim()}`, [origin.row.talkerId]),
    ],
  }, `答复：${answer.trim()}`);
  if (!sent) {
    await turn.reply(handledAnswer(id));
    return { status: 'interpreted', note: `answer to ${id}: already handled` };
  }
  return { status: 'interpreted', note: `answered ${id}` };
}

/** Dismissed with a reason: nothing is recorded and nobody is messaged; the reason is kept and audited. */
export async function dismissWaiting(turn: ChatTurn, id: number, reason: string): Promise<Outcome> {
  if (!turn.sender.isAdmin) return deny(turn);
  if (!reason.trim()) {
    await turn.reply('请写明不予处理的原因。');
    return { status: 'interpreted', note: 'dismiss without reason' };
  }
  const origin = await loadOrigin(turn.deps.prisma, id);
  // Marked interpreted like every decision (the store's guard against a second one); `handling` says it was 不予处理.
  const done = origin && origin.row.status === 'needs_admin' && (await decide(turn, origin, {
    audit: [{ at: turn.now, actor: turn.m.talkerId, action: 'reply.dismiss', entity: 'InboundMessage', entityId: id, before: { text: replyText(origin.row) }, after: { reason: reason.trim() } }],
    outbox: [turn.replyItem(`编号 ${id} 的消息已标记为不予处理（${reason.trim()}）。`)],
  }, `不予处理：${reason.trim()}`));
  if (!done) {
    await turn.reply(handledAnswer(id));
    return { status: 'interpreted', note: `dismiss ${id}: not waiting` };
  }
  return { status: 'interpreted', note: `dismissed ${id}` };
}

/** 待办: the replies waiting for the office, oldest first, with the 编号 that 答复 takes. */
export async function listWaiting(turn: ChatTurn): Promise<Outcome> {
  if (!turn.sender.isAdmin) return deny(turn);
  const rows = await turn.deps.prisma.inboundMessage.findMany({ where: { status: 'needs_admin' }, orderBy: { receivedAt: 'asc' }, take: 10 });
  const total = rows.length < 10 ? rows.length : await turn.deps.prisma.inboundMessage.count({ where: { status: 'needs_admin' } });
  if (!rows.length) {
    await turn.reply('没有待督办室处理的回复。');
    return { status: 'interpreted', note: 'waiting listed: none' };
  }
  const people = await turn.deps.prisma.person.findMany({ where: { chatId: { in: rows.map((r) => r.talkerId) } }, select: { chatId: true, name: true, unit: { select: { name: true } } } });
  const who = (r: InboundMessage) => { const p = people.find((x) => x.chatId === r.talkerId); return p ? `${p.unit?.name ?? ''}${p.name}` : `${r.talkerName ?? ''}（未登记）`; };
  const line = (r: InboundMessage) => { const t = replyText(r); return `· 编号${r.id}【${REVIEW_REASON_LABEL[reviewReason(r.error)]}】${who(r)}：${t.length > 40 ? `${t.slice(0, 40)}…` : t}`; };
  await turn.reply(`待督办室处理的回复${total}条${total > rows.length ? `（最早的${rows.length}条）` : ''}：\n${rows.map(line).join('\n')}\n回复“答复 编号 内容”答复发送人；确认、更正或指定任务请在管理后台“待办”中处理。`);
  return { status: 'interpreted', note: `waiting listed: ${total}` };
}
