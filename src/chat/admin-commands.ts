import type { ChatTurn, Outcome } from './chat-turn.ts';
import type { Tx } from './chat-deps.ts';
import { ASSIGNMENT_STATE_LABEL, TASK_STATE_LABEL, canAct, namesPlan, taskLabel } from '../domain/work/index.ts';
import { loadPlanShortNames } from '../store/plan-short-names.ts';
import type { TaskInfo, WorkItem } from '../ports/work-store.ts';
import { findUnit } from './find-unit.ts';
import { writeAudit } from './write-audit.ts';
import { oncePerMessage } from './once-per-message.ts';
import { listDeliveryProblems, PROBLEM_LABEL } from '../outbox/delivery-problems.ts';
import { REMINDERS_PAUSED } from '../settings/reminders-paused.ts';
import { asOf, dottedRows, replyList } from './answer-picture.ts';
import type { PngReport } from '../reports/render/render-report-png.ts';


/** The one refusal for admin-only commands, kept on the inbound row as PERMISSION_DENIED. */
export async function denied(turn: ChatTurn, what: string): Promise<Outcome> {
  await turn.reply(`只有督办室管理员可以${what}。`);
  return { status: 'ignored', note: `PERMISSION_DENIED: ${what} by ${turn.m.talkerId}` };
}

/** 暂停提醒 / 恢复提醒: the Setting the cadence engine reads before sending reminders. */
export async function setRemindersPaused(turn: ChatTurn, paused: boolean): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'change_settings').ok) return denied(turn, paused ? '暂停提醒' : '恢复提醒');
  return oncePerMessage(turn, async (tx) => {
    const before = await tx.setting.findUnique({ where: { key: REMINDERS_PAUSED } });
    await tx.setting.upsert({
      where: { key: REMINDERS_PAUSED },
      create: { key: REMINDERS_PAUSED, value: paused, updatedBy: turn.m.talkerId },
      update: { value: paused, updatedBy: turn.m.talkerId },
    });
    await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: paused ? 'reminders.pause' : 'reminders.resume', entity: 'Setting', entityId: REMINDERS_PAUSED, before: before?.value ?? null, after: paused });
    await turn.reply(paused ? '已暂停各单位的定时提醒（报告照常生成）。发送“恢复提醒”恢复。' : '已恢复定时提醒。', tx);
    return { status: 'interpreted', note: paused ? 'paused reminders' : 'resumed reminders' };
  });
}

/** 立即推送: this cycle's reminders now. */
export async function pushNow(turn: ChatTurn): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'change_settings').ok) return denied(turn, '立即推送');
  if (!turn.deps.pushNow) {
    await turn.reply('当前运行方式不支持立即推送，请在服务器上执行相应命令。');
    return { status: 'interpreted', note: 'pushNow not wired' };
  }
  // A retry of a push whose record committed (its acknowledgement lost) does not push again.
  const done = await turn.deps.prisma.inboundMessage.findUnique({ where: { id: turn.inboundId }, select: { status: true } });
  if (done && done.status !== 'received') return { status: 'interpreted', note: 'already recorded by an earlier attempt' };
  const { reminders, notices } = await turn.deps.pushNow();
  return oncePerMessage(turn, async (tx) => {
    await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: 'reminders.push_now', entity: 'Schedule', after: { queued: reminders, notices } });
    // Reminders only: a notice to admins about units it could not reach is not a reminder sent.
    const also = notices ? `另有${notices}条管理员提示（无法按常规送达的单位）。` : '';
    await turn.reply(`已安排立即推送，共${reminders}条提醒进入发送队列。${also}`, tx);
    return { status: 'interpreted', note: `push now: ${reminders} reminders, ${notices} notices` };
  });
}

/** 查询 <单位>: a unit's open assignments with their state, progress and when it last reported. */
export async function queryUnit(turn: ChatTurn, name: string): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'query_unit').ok) {
    await turn.reply('只有督办室管理员和牵头领导可以查询其他单位。');
    return { status: 'ignored', note: `PERMISSION_DENIED: 查询其他单位 by ${turn.m.talkerId}` };
  }
  const unit = await findUnit(turn.deps.prisma, name);
  if (!unit) {
    await turn.reply(`没有找到单位“${name}”。`);
    return { status: 'interpreted', note: 'unit not found' };
  }
  const work = await turn.deps.work.unitWork(unit.id);
  if (!work.length) await turn.reply(`${unit.name}目前没有未销号的任务。`);
  else {
    const title = `${unit.name}未销号任务${work.length}项`;
    await replyList(turn, `${title}：`, work.map(workLine), { name: `unit-${unit.id}`, caption: `附图：${title}`, report: () => workPicture(title, asOf(turn), work) });
  }
  return { status: 'interpreted', note: `query ${unit.name}` };
}

const deadlineOf = (t: TaskInfo) => (t.deadline ? `，时限${t.deadline}` : t.deadlineText ? `，时限${t.deadlineText}` : '');

/** One unit's part of a task, as a list line: its own state and percent, never another unit's. */
export function workLine(w: WorkItem): string {
  const a = w.assignment;
  const percent = a.percent !== null ? ` ${a.percent}%` : '';
  const reported = a.lastReportedAt ? '' : '，尚未报送';
  return `· ${taskLabel(w.task)}：${ASSIGNMENT_STATE_LABEL[a.state]}${percent}${deadlineOf(w.task)}${reported}`;
}

/** One unit's part of each task as a table: what `workLine` says, in columns. */
export function workPicture(title: string, subtitle: string, work: WorkItem[]): PngReport {
  const rows = work.map((w) => {
    const a = w.assignment;
    return [taskLabel(w.task, 24), ASSIGNMENT_STATE_LABEL[a.state], a.percent !== null ? `${a.percent}%` : '—', w.task.deadline ?? w.task.deadlineText ?? '—', a.lastReportedAt ? '已报送' : '尚未报送'];
  });
  return { title, subtitle, table: { columns: [{ title: '任务', width: 5 }, { title: '状态', width: 1.3 }, { title: '进度', width: 0.8, align: 'right' }, { title: '时限', width: 1.6 }, { title: '报送', width: 1.1 }], rows: dottedRows(rows, 1) } };
}

/** Tasks as a table, each in the state derived from all its units: what `taskLine` says, in columns. */
export function taskPicture(title: string, subtitle: string, tasks: TaskInfo[]): PngReport {
  const rows = tasks.map((t) => [taskLabel(t, 24), TASK_STATE_LABEL[t.state], t.percent !== null ? `${t.percent}%` : '—', t.deadline ?? t.deadlineText ?? '—']);
  return { title, subtitle, table: { columns: [{ title: '任务', width: 5.5 }, { title: '状态', width: 1.3 }, { title: '进度', width: 0.8, align: 'right' }, { title: '时限', width: 1.6 }], rows: dottedRows(rows, 1) } };
}

/** A task as a leader's list line: the state derived from all its units. */
export function taskLine(t: TaskInfo): string {
  const percent = t.percent !== null ? ` ${t.percent}%` : '';
  return `· ${taskLabel(t)}：${TASK_STATE_LABEL[t.state]}${percent}${deadlineOf(t)}`;
}

/** 绑定 <单位>: an admin binds the group the command is sent in to a unit. */
export async function bindGroup(turn: ChatTurn, name: string): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'change_settings').ok) return denied(turn, '绑定群聊');
  const { prisma } = turn.deps;
  const { m } = turn;
  if (!m.roomId && !m.roomTopic) {
    await turn.reply('请在要绑定的单位群里发送“绑定 单位名”。');
    return { status: 'interpreted', note: 'bind outside a group' };
  }
  if (OFFICE_GROUP_NAMES.has(name)) return bindOfficeGroup(turn);
  const unit = await findUnit(prisma, name);
  if (!unit) {
    await turn.reply(`没有找到单位“${name}”，请用单位全称。`);
    return { status: 'interpreted', note: 'unit not found' };
  }
  return oncePerMessage(turn, async (tx) => {
    const { existing, group } = await groupOfMessage(tx, m);
    await tx.groupUnit.upsert({ where: { groupId_unitId: { groupId: group.id, unitId: unit.id } }, create: { groupId: group.id, unitId: unit.id }, update: {} });
    // An admin's word in the group answers its pending binding request (a same-topic group, or a first @ on an official channel).
    if (m.roomId) await tx.accessRequest.updateMany({ where: { kind: 'bind_group', status: 'pending', roomId: m.roomId }, data: { status: 'approved', decidedBy: m.talkerId, decidedAt: turn.now, unitId: unit.id } });
    await writeAudit(tx, { at: turn.now, actor: m.talkerId, action: 'group.bind', entity: 'ChatGroup', entityId: group.id, before: existing ? { roomId: existing.roomId, topic: existing.topic } : null, after: { roomId: group.roomId, topic: group.topic, unit: unit.name } });
    await turn.reply(`已将本群绑定到${unit.name}，今后${unit.name}的提醒会发到本群。`, tx);
    return { status: 'interpreted', note: `bound to ${unit.name}` };
  });
}

const OFFICE_GROUP_NAMES = new Set(['督办室', '督办室群']);

/** The group a message came from, by its id or else its topic. */
async function findGroupOfMessage(tx: Tx, m: ChatTurn['m']) {
  return (
    (m.roomId ? await tx.chatGroup.findUnique({ where: { roomId: m.roomId } }) : null) ??
    (m.roomTopic ? await tx.chatGroup.findUnique({ where: { topic: m.roomTopic } }) : null)
  );
}

type GroupRow = NonNullable<Awaited<ReturnType<typeof findGroupOfMessage>>>;

/** `existing` (when found) given the message's id and topic, or the message's group created. */
async function saveGroupOfMessage(tx: Tx, m: ChatTurn['m'], existing: GroupRow | null, also: { isOffice?: true } = {}) {
  return existing
    ? tx.chatGroup.update({ where: { id: existing.id }, data: { roomId: m.roomId ?? existing.roomId, topic: m.roomTopic ?? existing.topic, ...also } })
    : tx.chatGroup.create({ data: { roomId: m.roomId ?? null, topic: m.roomTopic ?? m.roomId!, ...also } });
}

/** The group a message came from, found by its id or topic (and given the other), created if new. */
async function groupOfMessage(tx: Tx, m: ChatTurn['m']) {
  const existing = await findGroupOfMessage(tx, m);
  return { existing, group: await saveGroupOfMessage(tx, m, existing) };
}

/**
 * The office row this message's group is, when the message's group is not known by id or topic: a
 * directory's office group has only a topic, and an official channel's message carries only an id,
 * so the one office row without an id is the group the admin is standing in. Two or more: ambiguous.
 */
async function officeRowAwaitingId(tx: Tx, m: ChatTurn['m']): Promise<GroupRow | null> {
  if (!m.roomId) return null;
  const rows = await tx.chatGroup.findMany({ where: { isOffice: true, roomId: null }, take: 2 });
  return rows.length === 1 ? rows[0]! : null;
}

/**
 * 绑定 督办室: this group becomes the office's own (agendas, admin notices). A directory names the
 * office group by its topic, which an official channel's messages do not carry, so there an admin's
 * word in the group is the only way to tie it to its id. An office row left without an id is no
 * longer the office group: every notice and agenda would otherwise go there too, and be refused.
 */
async function bindOfficeGroup(turn: ChatTurn): Promise<Outcome> {
  const { m } = turn;
  return oncePerMessage(turn, async (tx) => {
    const existing = (await findGroupOfMessage(tx, m)) ?? (await officeRowAwaitingId(tx, m));
    const group = await saveGroupOfMessage(tx, m, existing, { isOffice: true });
    if (m.roomId) await tx.accessRequest.updateMany({ where: { kind: 'bind_group', status: 'pending', roomId: m.roomId }, data: { status: 'approved', decidedBy: m.talkerId, decidedAt: turn.now } });
    await writeAudit(tx, { at: turn.now, actor: m.talkerId, action: 'group.bind_office', entity: 'ChatGroup', entityId: group.id, before: existing ? { roomId: existing.roomId, topic: existing.topic, isOffice: existing.isOffice } : null, after: { roomId: group.roomId, topic: group.topic, isOffice: true } });
    if (group.roomId) {
      const unaddressed = await tx.chatGroup.findMany({ where: { isOffice: true, roomId: null, id: { not: group.id } }, select: { id: true, topic: true } });
      for (const g of unaddressed) {
        await tx.chatGroup.update({ where: { id: g.id }, data: { isOffice: false } });
        await writeAudit(tx, { at: turn.now, actor: m.talkerId, action: 'group.unset_office', entity: 'ChatGroup', entityId: g.id, before: { roomId: null, topic: g.topic, isOffice: true }, after: { roomId: null, topic: g.topic, isOffice: false, replacedBy: group.id } });
      }
    }
    await turn.reply('已将本群设为督办室群：旬会商议题和给管理员的提示（私聊发不到时）会发到本群。', tx);
    return { status: 'interpreted', note: 'bound as the office group' };
  });
}

/** 异常消息: the latest messages the bot failed to interpret or refused, so nothing goes unseen. */
export async function listFailures(turn: ChatTurn): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'change_settings').ok) return denied(turn, '查看异常消息');
  const rows = await turn.deps.prisma.inboundMessage.findMany({
    where: { OR: [{ status: 'failed' }, { error: { startsWith: 'PERMISSION_DENIED' } }] },
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: 10,
  });
  const line = (r: (typeof rows)[number]) =>
    `· ${r.receivedAt.toISOString().slice(5, 16).replace('T', ' ')} ${r.roomTopic ?? '私聊'} ${r.talkerName ?? r.talkerId}：${(r.text || `[${r.type}]`).slice(0, 40)}\n  ${r.status === 'failed' ? '处理出错' : '未获授权'}：${(r.error ?? '').slice(0, 80)}`;
  // Outgoing messages that did not go out (superseded after an outage, refused by the platform, held for a private chat not yet open) belong here too.
  const undelivered = await listDeliveryProblems(turn.deps.prisma, 10);
  const outLine = (o: (typeof undelivered)[number]) =>
    `· ${PROBLEM_LABEL[o.status as keyof typeof PROBLEM_LABEL]} ${o.cadence ?? '回复'} → ${o.targetRef}：${o.text.slice(0, 30)}\n  ${(o.lastError ?? '').slice(0, 80)}`;
  const inText = rows.length ? `最近${rows.length}条异常消息：\n${rows.map(line).join('\n')}` : '没有异常消息。';
  // Replies waiting for an admin are not failures, but an admin asking what went wrong should know they wait.
  const waiting = await turn.deps.prisma.inboundMessage.count({ where: { status: 'needs_admin' } });
  const waitText = waiting ? `\n另有${waiting}条回复待督办室处理（单位提问、待审阅材料、未能确定的报送），请在管理后台“待办”中处理。` : '';
  await turn.reply(`${undelivered.length ? `${inText}\n未送达的消息${undelivered.length}条：\n${undelivered.map(outLine).join('\n')}` : inText}${waitText}`);
  return { status: 'interpreted', note: 'failures listed' };
}

/**
 * 归档方案 <简称> / 恢复方案 <简称>: an archived plan keeps its record but is no longer chased,
 * listed or reported; its task numbers stop competing with the active plans'.
 */
export async function archivePlan(turn: ChatTurn, name: string, archived: boolean): Promise<Outcome> {
  if (!canAct(turn.sender.actor, 'archive_plan').ok) return denied(turn, archived ? '归档方案' : '恢复方案');
  const { prisma } = turn.deps;
  const plans = await prisma.plan.findMany({ select: { id: true, title: true, archivedAt: true }, orderBy: { id: 'asc' } });
  const names = await loadPlanShortNames(prisma, { withArchived: true });
  const hits = plans.filter((p) => namesPlan(name, names.get(p.id)!) || p.title.includes(name));
  if (hits.length !== 1) {
    await turn.reply(hits.length ? `有${hits.length}个方案符合“${name}”：${hits.map((p) => `《${names.get(p.id)}》`).join('、')}，请写全简称。` : `没有找到方案“${name}”。现有方案：${plans.map((p) => `《${names.get(p.id)}》${p.archivedAt ? '（已归档）' : ''}`).join('、')}`);
    return { status: 'interpreted', note: 'plan not found' };
  }
  const plan = hits[0]!;
  const label = `《${names.get(plan.id)}》`;
  if (!!plan.archivedAt === archived) {
    await turn.reply(`${label}${archived ? '已经归档' : '没有归档'}。`);
    return { status: 'interpreted', note: 'no change' };
  }
  return oncePerMessage(turn, async (tx) => {
    await tx.plan.update({ where: { id: plan.id }, data: { archivedAt: archived ? turn.now : null } });
    await writeAudit(tx, { at: turn.now, actor: turn.m.talkerId, action: archived ? 'plan.archive' : 'plan.restore', entity: 'Plan', entityId: plan.id, before: { archivedAt: plan.archivedAt }, after: { archivedAt: archived ? turn.now : null } });
    await turn.reply(archived ? `已归档${label}：记录保留，不再提醒、催报和通报。发送“恢复方案 ${names.get(plan.id)}”可恢复。` : `已恢复${label}，下一个调度时间点起恢复提醒。`, tx);
    return { status: 'interpreted', note: `${archived ? 'archived' : 'restored'} plan ${plan.id}` };
  });
}
