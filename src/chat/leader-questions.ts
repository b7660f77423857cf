import { toLocalDate } from '../domain/calendar/shanghai-time.ts';
import { instructionTally, readLeaderQuestion, type LeaderQuestion } from '../domain/instruction/index.ts';
import { ASSIGNMENT_STATE_LABEL, TASK_STATE_LABEL, canAct, taskLabel, type AssignmentRole } from '../domain/work/index.ts';
import { cnDate } from '../engine/open-tasks.ts';
import type { PngReport } from '../reports/render/render-report-png.ts';
import { instructionLine } from '../reports/weekly-digest.ts';
import type { TaskInfo } from '../ports/work-store.ts';
import { instructionsOfTask, loadInstructions } from '../store/instructions.ts';
import { queryUnit } from './admin-commands.ts';
import { asOf, dottedRows, PICTURE_AFTER_LINES, replyWithPicture } from './answer-picture.ts';
import type { ChatTurn, Outcome } from './chat-turn.ts';
import { findTaskForAdmin } from './find-work.ts';
import { overdue } from './task-lists.ts';

export { readLeaderQuestion };

const ROLE: Record<AssignmentRole, string> = { lead: '牵头', responsible: '责任', participating: '参加' };

/**
 * A leader's (or an admin's) question in a private chat: 第3项怎么样了 → the task's state unit by
 * unit; 区住建局的任务 → that unit's open work; 逾期的 → overdue tasks they oversee; 我的批示 → their
 * 批示 and the feedback. Anyone else gets nothing here (the message is read as free text instead).
 */
export async function answerLeaderQuestion(turn: ChatTurn, q: LeaderQuestion): Promise<Outcome | null> {
  const { sender } = turn;
  if (!canAct(sender.actor, 'query_unit').ok || turn.here.kind !== 'person') return null;
  switch (q.kind) {
    case 'overdue':
      return overdue(turn);
    case 'unit':
      return queryUnit(turn, q.name);
    case 'instructions':
      return myInstructions(turn);
    case 'task':
      return taskState(turn, q.ref);
  }
}

async function myInstructions(turn: ChatTurn): Promise<Outcome> {
  const person = turn.sender.person;
  if (!turn.sender.isLeader || !person) {
    await turn.reply('“我的批示”供领导私聊使用。');
    return { status: 'ignored', note: 'my instructions: not a leader' };
  }
  const list = await loadInstructions(turn.deps.prisma, { leaderId: person.id, asOf: turn.now });
  if (!list.length) {
    await turn.reply('您目前没有记录在案的批示。私聊或在群里写明任务和要求即可，如“请区住建局加快推进第3项，周五前报进展”。');
    return { status: 'interpreted', note: 'my instructions: none' };
  }
  const tasks = new Map((await turn.deps.work.activeTasks()).map((t) => [t.taskId, { ref: `${t.planShort}·${t.no}` }]));
  const lines = list.slice(0, 20).map((i, n) => `${n + 1}. ${instructionLine(i, tasks)}`);
  await turn.reply([`${instructionTally(list).line}：`, ...lines, ...(list.length > 20 ? [`……另有${list.length - 20}条。`] : [])].join('\n'));
  return { status: 'interpreted', note: `my instructions: ${list.length}` };
}

/** 第3项怎么样了: the task as a whole, then each unit's own part, its last report, and the 批示 on it. */
async function taskState(turn: ChatTurn, ref: string): Promise<Outcome> {
  const found = await findTaskForAdmin(turn, ref);
  if (!found.ok) {
    await turn.reply(found.answer);
    return { status: 'interpreted', note: `task state: ${found.answer}` };
  }
  const t = found.value;
  const { lines, rows, instructions } = await taskDetail(turn, t);
  const picture = lines.length > PICTURE_AFTER_LINES ? { name: `task-${t.taskId}`, caption: `附图：${taskLabel(t, 12)}各单位承办情况`, report: taskStatePicture(t, asOf(turn), rows, instructions) } : null;
  await replyWithPicture(turn, lines.join('\n'), picture);
  return { status: 'interpreted', note: `task state: ${taskLabel(t, 12)}` };
}

async function taskDetail(turn: ChatTurn, t: TaskInfo): Promise<{ lines: string[]; rows: string[][]; instructions: string[] }> {
  const { prisma } = turn.deps;
  const [parts, units, reports, leaders, instructions] = await Promise.all([
    turn.deps.work.assignmentsOf([t.taskId]).then((m) => m.get(t.taskId) ?? []),
    prisma.unit.findMany({ where: { work: { some: { taskId: t.taskId } } }, select: { id: true, name: true } }),
    prisma.progressUpdate.findMany({
      where: { taskId: t.taskId, kind: { in: ['report', 'correction'] }, reportedAt: { lte: turn.now } },
      orderBy: [{ reportedAt: 'desc' }, { id: 'desc' }],
      distinct: ['unitId'],
      select: { unitId: true, reportedAt: true, text: true },
    }),
    prisma.taskLeader.findMany({ where: { taskId: t.taskId }, select: { person: { select: { name: true } } } }),
    instructionsOfTask(prisma, t.taskId, turn.now),
  ]);
  const name = new Map(units.map((u) => [u.id, u.name]));
  const last = new Map(reports.map((r) => [r.unitId, r]));
  const order: Record<AssignmentRole, number> = { lead: 0, responsible: 1, participating: 2 };
  const sorted = [...parts].sort((a, b) => order[a.role] - order[b.role] || a.id - b.id);
  const rows = sorted.map((a) => {
    const r = last.get(a.unitId);
    return [name.get(a.unitId) ?? `单位${a.unitId}`, ROLE[a.role], ASSIGNMENT_STATE_LABEL[a.state], a.percent !== null ? `${a.percent}%` : '—', r ? `${cnDate(toLocalDate(r.reportedAt))}：${clip(r.text, 40)}` : '尚未报送'];
  });
  const deadline = t.deadline ?? t.deadlineText ?? '无明确时限';
  const lines = [
    `${taskLabel(t, 30)}`,
    `状态：${TASK_STATE_LABEL[t.state]}${t.percent !== null ? ` ${t.percent}%` : ''}｜时限：${deadline}${leaders.length ? `｜牵头领导：${leaders.map((l) => l.person.name).join('、')}` : ''}`,
    `各单位（${rows.length}个）：`,
    ...rows.map(([u, role, state, pct, lastLine]) => `· ${u}（${role}）：${state}${pct !== '—' ? ` ${pct}` : ''}；${lastLine}`),
  ];
  const said = instructions.slice(0, 5).map((i) => `· ${i.leaderName}${instructionLine(i, new Map([[t.taskId, { ref: `${t.planShort}·${t.no}` }]]))}`);
  const heading = instructions.length ? [`批示（${instructions.length}条）：`, ...said] : [];
  lines.push(...heading);
  return { lines, rows, instructions: heading };
}

/** The task question's picture: the state line, each unit's part as a table, and the 批示 on the task under it. */
export function taskStatePicture(t: TaskInfo, asOfText: string, rows: string[][], instructions: string[]): PngReport {
  return {
    title: taskLabel(t, 24),
    subtitle: `${TASK_STATE_LABEL[t.state]}${t.percent !== null ? ` ${t.percent}%` : ''}｜${asOfText}`,
    table: {
      title: '各单位承办情况',
      columns: [{ title: '单位', width: 2.4 }, { title: '角色', width: 0.8 }, { title: '状态', width: 1.3 }, { title: '进度', width: 0.8, align: 'right' }, { title: '最近报送', width: 5 }],
      rows: dottedRows(rows, 2),
    },
    ...(instructions.length ? { footer: instructions } : {}),
  };
}

function clip(s: string, n: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}
