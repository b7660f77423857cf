import { toLocalDate } from '../domain/calendar/shanghai-time.ts';
import { buildWeeklyDigests } from '../reports/index.ts';
import { isTaskOpen } from '../domain/work/index.ts';
import { taskLine, taskPicture, workLine, workPicture } from './admin-commands.ts';
import { asOf, replyList } from './answer-picture.ts';
import type { PngReport } from '../reports/render/render-report-png.ts';
import type { ChatTurn, Outcome } from './chat-turn.ts';

const HELP = [
  '督办助手用法：',
  '· 报送进展：第3项 已完成60%，存在资金缺口（可一次报多项）',
  '· 更正：更正 第3项 50%',
  '· 进展 3 内容；我的任务；逾期',
  '· 申请销号 3（随后发送佐证照片或文件）',
  '· 申请延期 3 2026-12-31 原因',
  '· 申请转办 3 单位全称 原因',
  '· 请假 / 销假（请假期间提醒改@B角）',
  '· 领导私聊：本周汇总、我的任务、我的批示；问“第3项怎么样了”“区住建局的任务”“逾期的”',
  '· 领导批示（私聊或群里）：请区住建局加快推进第3项，周五前报进展（转达责任单位并跟踪反馈）',
  '· 多个方案时在编号前写方案简称：重大项目第2项 完成60%；申请销号 政府工作报告第3项',
  '· 督办室：代录批示 领导姓名 批示内容；复核 3（多个单位申请时：复核 3 单位）、退办 3 原因、转办 3 单位、待办（待处理的回复）、答复 编号 内容（答复单位提问）、归档方案 简称、恢复方案 简称、暂停提醒、恢复提醒、立即推送、查询 单位、绑定 单位、设置B角 联系人 B角、请假 姓名、异常消息、提醒设置、设置提醒 名称 09:30、设置提醒 名称 周一、停用提醒 名称、启用提醒 名称',
].join('\n');

export async function help(turn: ChatTurn): Promise<Outcome> {
  await turn.reply(HELP);
  return { status: 'interpreted', note: 'help' };
}

async function leaderTasks(turn: ChatTurn, personId: number) {
  return (await turn.deps.work.leaderTasks(personId)).filter(isTaskOpen);
}

/** 我的任务 / 任务清单: a contact's unit tasks, or a leader's tasks. */
export async function myTasks(turn: ChatTurn): Promise<Outcome> {
  const { sender } = turn;
  if (sender.unit) {
    const work = await turn.deps.work.unitWork(sender.unit.id);
    await turn.reply(work.length ? `${sender.unit.name}未销号任务${work.length}项：\n${work.map(workLine).join('\n')}` : `${sender.unit.name}目前没有未销号的任务。`);
  } else if (sender.isLeader && sender.person) {
    const tasks = await leaderTasks(turn, sender.person.id);
    await turn.reply(tasks.length ? `您牵头的未销号任务${tasks.length}项：\n${tasks.map(taskLine).join('\n')}` : '您目前没有牵头的未销号任务。');
  } else {
    await turn.reply('您还不是登记的单位联络人或牵头领导。督办室可发送“查询 单位名”查看单位任务。');
    return { status: 'ignored', note: 'my tasks: unknown person' };
  }
  return { status: 'interpreted', note: 'my tasks' };
}

/** 逾期: the unit's (or leader's) open tasks past their deadline. */
export async function overdue(turn: ChatTurn): Promise<Outcome> {
  const { sender } = turn;
  const today = toLocalDate(turn.now);
  const isLate = (t: { deadline: string | null }) => !!t.deadline && t.deadline < today;
  let late: { lines: string[]; picture: (title: string) => PngReport } | null = null;
  if (sender.unit) {
    const work = (await turn.deps.work.unitWork(sender.unit.id)).filter((w) => w.assignment.state !== 'reported_done' && isLate(w.task));
    late = { lines: work.map(workLine), picture: (title) => workPicture(title, asOf(turn), work) };
  } else if (sender.isLeader && sender.person) {
    const tasks = (await leaderTasks(turn, sender.person.id)).filter((t) => t.state !== 'done' && isLate(t));
    late = { lines: tasks.map(taskLine), picture: (title) => taskPicture(title, asOf(turn), tasks) };
  }
  if (!late) {
    await turn.reply('您还不是登记的单位联络人或牵头领导。');
    return { status: 'ignored', note: 'overdue: unknown person' };
  }
  const { lines, picture } = late;
  const title = `已超过完成时限的任务${lines.length}项`;
  if (!lines.length) await turn.reply('没有超过完成时限的任务。');
  else await replyList(turn, `${title}：`, lines, { name: 'overdue', caption: `附图：${title}`, report: () => picture(title) });
  return { status: 'interpreted', note: 'overdue' };
}

/** 本周汇总 (leaders, private chat): the weekly digest for this leader, else a list of their tasks. */
export async function weeklyDigest(turn: ChatTurn): Promise<Outcome> {
  const { sender } = turn;
  if (!sender.isLeader || !sender.person) {
    await turn.reply('“本周汇总”供牵头领导私聊使用。');
    return { status: 'ignored', note: 'weekly digest: not a leader' };
  }
  const date = toLocalDate(turn.now);
  let text: string | undefined;
  try {
    const digests = await buildWeeklyDigests(turn.deps.prisma, { date, calendar: turn.deps.calendar });
    text = digests.find((d) => d.leaderId === sender.person!.id)?.text;
  } catch (e) {
    turn.deps.logger.warn({ err: e }, 'weekly digest failed; falling back to a task list');
  }
  if (!text) {
    const tasks = await leaderTasks(turn, sender.person.id);
    text = tasks.length ? `本周汇总（${date}）：您牵头的未销号任务${tasks.length}项：\n${tasks.map(taskLine).join('\n')}` : '您目前没有牵头的未销号任务。';
  }
  await turn.reply(text);
  return { status: 'interpreted', note: 'weekly digest' };
}
