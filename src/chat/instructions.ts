import { toLocalDate, weekday, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import { instructionWording, readInstruction, readInstructionOn, type InstructionReading, type InstructionTask } from '../domain/instruction/index.ts';
import { isOpen, taskLabel, taskRefLabel } from '../domain/work/index.ts';
import { loadUnitDirectory } from '../engine/unit-directory.ts';
import { cnDate } from '../engine/open-tasks.ts';
import type { OutboxItem } from '../outbox/enqueue-outbox.ts';
import type { TaskInfo } from '../ports/work-store.ts';
import { recordInstruction } from '../store/instructions.ts';
import type { ChatTurn, Outcome } from './chat-turn.ts';

type Leader = { id: number; name: string; title: string | null };

/** The active tasks with their units' parts, for reading a 批示 against. */
async function instructionTasks(turn: ChatTurn): Promise<Array<TaskInfo & InstructionTask>> {
  const tasks = await turn.deps.work.activeTasks();
  const parts = await turn.deps.work.assignmentsOf(tasks.map((t) => t.taskId));
  return tasks.map((t) => ({ ...t, parts: (parts.get(t.taskId) ?? []).map((a) => ({ unitId: a.unitId, role: a.role, open: isOpen(a) && a.state !== 'reported_done' })) }));
}

/**
 * What the writer has already said a 批示 is about (the console's 代录 form on a task's page): the
 * task, and optionally the units (of the task's) and the due date; the rest is read from the words.
 */
export interface InstructionSubject {
  taskId: number;
  unitIds?: number[];
  dueOn?: LocalDate | null;
}

/**
 * A leader's message read as a 批示: recorded on each task it names (or on the `subject`'s task),
 * relayed to the units concerned in their groups with their contacts @-mentioned, and acknowledged
 * to the writer; all in one transaction with one idempotency key per recipient. A number two plans
 * share is asked about. Returns null when the message gives no instruction (the caller treats it as chatter).
 */
export async function recordLeaderInstruction(turn: ChatTurn, text: string, leader: Leader, source: 'chat' | 'proxy', subject?: InstructionSubject): Promise<Outcome | null> {
  const { deps, now } = turn;
  const today = toLocalDate(now);
  const [tasks, units] = await Promise.all([instructionTasks(turn), deps.prisma.unit.findMany({ select: { id: true, name: true, aliases: true } })]);
  let r: InstructionReading<TaskInfo & InstructionTask>;
  if (subject) {
    const task = tasks.find((t) => t.taskId === subject.taskId);
    if (!task) {
      await turn.reply('这项任务已不在督办中（方案已归档或任务已删除），批示未记录。');
      return { status: 'interpreted', note: `instruction: task ${subject.taskId} not active` };
    }
    r = readInstructionOn(task, text, { units, today, botName: deps.botName, ...(subject.unitIds ? { unitIds: subject.unitIds } : {}), dueOn: subject.dueOn ?? null });
  } else r = readInstruction(text, { tasks, units, today, botName: deps.botName });
  if (r.kind === 'none') return null;
  if (r.kind === 'ask') {
    await turn.reply(r.question);
    return { status: 'interpreted', note: `instruction: asked back: ${r.question}` };
  }
  if (r.kind === 'unknown') {
    await turn.reply(`没有找到${r.refs.join('、')}这项在办任务，批示未记录。请核对编号，或写明方案简称，如“政府工作报告第3项”。`);
    return { status: 'interpreted', note: `instruction: unknown task ${r.refs.join(',')}` };
  }
  const targets = r.targets.filter((t) => t.unitIds.length);
  if (!targets.length) {
    await turn.reply(`${r.targets.map((t) => taskRefLabel(t.task)).join('、')}已没有在办的责任单位（均已销号或报完成待核），批示未转达。`);
    return { status: 'interpreted', note: 'instruction: no open unit' };
  }
  const dir = await loadUnitDirectory(deps.prisma);
  // Recorded and quoted without the @-mention that brought it to the bot.
  const wording = instructionWording(text, deps.botName);
  const unitName = (id: number) => dir.get(id)?.name ?? `单位${id}`;
  const title = leader.title ?? (await deps.prisma.person.findUnique({ where: { id: leader.id }, select: { title: true } }))?.title ?? null;
  const who = `${title ?? ''}${leader.name}同志`;
  const due = r.dueOn ? `${cnDate(r.dueOn)}（周${'日一二三四五六'[weekday(r.dueOn)]}）前` : '下一个报送周期内';
  const byUnit = new Map<number, typeof targets>();
  for (const t of targets) for (const u of t.unitIds) byUnit.set(u, [...(byUnit.get(u) ?? []), t]);

  const outbox: OutboxItem[] = [];
  const unreachable: string[] = [];
  for (const [unitId, list] of byUnit) {
    const route = dir.get(unitId);
    const mentions = [...new Set((route?.contacts ?? []).map((c) => c.chatId).filter((x): x is string => !!x))];
    const sample = list[0]!.task;
    const body = [
      `【领导批示】${unitName(unitId)}：`,
      `${who}${cnDate(today)}批示：“${wording.slice(0, 300)}”`,
      ...list.map((t) => `· ${taskLabel(t.task)}${t.addedUnitIds.includes(unitId) ? '（批示新增你单位参与）' : ''}`),
      `请于${due}在本群报送落实情况，如：“${sample.planShort}第${sample.no}项 已…”。未反馈前将持续催报。`,
    ].join('\n');
    const groups = (route?.groups ?? []).filter((g) => !g.isAllUnits);
    const shared = (route?.groups ?? []).filter((g) => g.isAllUnits);
    const places = groups.length ? groups : shared;
    if (places.length) for (const g of places) outbox.push(turn.notifyItem(`instr-u${unitId}-g${g.groupId}`, { kind: 'group', ref: g.ref }, body, mentions));
    else if (mentions.length) for (const c of mentions) outbox.push(turn.notifyItem(`instr-u${unitId}-p${c}`, { kind: 'person', ref: c }, body));
    else unreachable.push(unitName(unitId));
  }
  const lines = targets.map((t) => `· ${taskLabel(t.task)} → ${t.unitIds.map(unitName).join('、')}`);
  const answer = [
    `已记录${source === 'proxy' ? `${leader.name}同志的` : '您的'}批示（${cnDate(today)}），并转达：`,
    ...lines,
    `要求${due}反馈；落实情况见周汇总，${source === 'proxy' ? '领导' : '您'}也可私聊发送“我的批示”查看。`,
    ...(unreachable.length ? [`注意：${unreachable.join('、')}未绑定单位群且联络员未登记账号，批示未能送达，请督办室线下转达。`] : []),
  ].join('\n');
  const saved = await recordInstruction(deps.prisma, {
    leaderId: leader.id, leaderName: leader.name, issuedAt: now, text: wording, dueOn: r.dueOn, source, recordedBy: turn.m.talkerId, inboundMessageId: turn.inboundId,
    targets: targets.flatMap((t) => t.unitIds.map((unitId) => ({ taskId: t.task.taskId, unitId, added: t.addedUnitIds.includes(unitId) }))),
    outbox,
    answer: (tx) => turn.reply(answer, tx),
  });
  // Recorded by an earlier attempt (a retry, a form sent twice): the answer stands as first queued
  // in chat (same key); the console shows it again.
  if (!saved.created) await turn.reply(answer);
  return { status: 'interpreted', note: `instruction #${saved.id}: ${targets.map((t) => taskRefLabel(t.task)).join(',')}` };
}

/**
 * 代录批示: an admin records a leader's 批示 (from a paper document, a phone call), audited as such and
 * relayed in the leader's name. In chat (代录批示 <领导> <内容>) the leader is named and the task read
 * from the words; the console's form picks the leader from the directory and is on a task's page.
 */
export async function recordInstructionOnBehalf(turn: ChatTurn, leader: { name: string } | { id: number }, text: string, subject?: InstructionSubject): Promise<Outcome> {
  if (!turn.sender.isAdmin) {
    await turn.reply('只有督办室管理员可以代录领导批示。');
    return { status: 'ignored', note: `PERMISSION_DENIED: 代录批示 by ${turn.m.talkerId}` };
  }
  if (!text.trim()) {
    await turn.reply('批示内容为空，批示未记录。');
    return { status: 'interpreted', note: 'proxy instruction: no text' };
  }
  const where = 'id' in leader ? { id: leader.id } : { name: leader.name.trim() };
  const leaders = await turn.deps.prisma.person.findMany({ where: { kind: 'leader', ...where }, select: { id: true, name: true, title: true } });
  if (leaders.length !== 1) {
    const named = 'name' in leader ? `名为“${leader.name}”的` : '所选的';
    await turn.reply(leaders.length ? `有${leaders.length}位${named}领导，请先在通讯录中区分后再代录。` : `通讯录和方案中没有${named}领导，批示未记录。`);
    return { status: 'interpreted', note: `proxy instruction: leader ${JSON.stringify(leader)} ${leaders.length ? 'ambiguous' : 'not found'}` };
  }
  const out = await recordLeaderInstruction(turn, text, leaders[0]!, 'proxy', subject);
  if (out) return out;
  await turn.reply('没有从内容中找到批示涉及的任务，请写明任务编号，如“代录批示 张三 政府工作报告第3项 请加快推进，周五前报进展”。');
  return { status: 'interpreted', note: 'proxy instruction: no task' };
}
