import { HEALTH_LABEL, HEALTH_SHORT } from '../../domain/health/index.ts';
import { ASSIGNMENT_STATE_LABEL, TASK_STATE_LABEL, taskRefLabel } from '../../domain/work/index.ts';
import { recordInstructionOnBehalf } from '../../chat/instructions.ts';
import { instructionsOfTask } from '../../store/instructions.ts';
import { loadPlanShortNames } from '../../store/plan-short-names.ts';
import { loadChatNames } from '../chat-names.ts';
import type { Ctx } from '../console-deps.ts';
import { consoleTurn } from '../console-turn.ts';
import type { Route } from '../console-deps.ts';
import { fmtDate, fmtTime, html, type Html } from '../html.ts';
import { lightsOf } from '../task-lights.ts';
import { instructionForm, instructionSubject, readInstructionForm, type InstructionDraft } from './instruction-form.ts';

const ROLE = { lead: '牵头单位', responsible: '责任单位', participating: '参加单位' } as const;
const REQ = { close: '销号申请', extension: '延期申请', transfer: '转办' } as const;
const REQ_STATUS = { pending: '待复核', approved: '已通过', returned: '已退回' } as const;
const KIND = { report: '进展', correction: '更正', receipt: '签收' } as Record<string, string>;

interface Entry {
  at: Date;
  tag: string;
  cls: string;
  body: Html;
}

export const routes: Route[] = [
  { method: 'GET', path: /^\/tasks\/(\d+)$/, leader: true, run: (ctx, m) => taskPage(ctx, Number(m[1])) },
  {
    // 代录批示 from the task's page: the chat command's own code, as this admin's chat turn.
    method: 'POST',
    path: /^\/tasks\/(\d+)\/instruction$/,
    async run(ctx, m) {
      const id = Number(m[1]);
      const draft = readInstructionForm(ctx);
      const subject = instructionSubject(ctx, id, draft);
      if ('error' in subject) return taskPage(ctx, id, { notice: { text: subject.error, err: true }, status: 400, draft });
      const { turn, answers, finish } = await consoleTurn(ctx, `代录批示 领导#${draft.leaderId} 任务#${id} ${draft.text}`, draft.formKey);
      await recordInstructionOnBehalf(turn, { id: draft.leaderId }, draft.text, subject).finally(finish);
      const done = (await ctx.deps.prisma.instruction.count({ where: { inboundMessageId: turn.inboundId } })) > 0;
      const notice = { text: answers.join(' ') || (done ? '已记录。' : '未记录。'), err: !done };
      return taskPage(ctx, id, done ? { notice } : { notice, status: 400, draft });
    },
  },
];

/** The task with its units and everything on record about it (留痕); an admin also gets the 代录批示 form. */
async function taskPage(ctx: Ctx, id: number, o: { notice?: { text: string; err: boolean }; status?: number; draft?: InstructionDraft } = {}): Promise<void> {
  const { notice, status = 200 } = o;
  const { prisma, clock, calendar } = ctx.deps;
  // A leader's account opens only the tasks they lead or oversee (an unknown id is refused the same way).
  if (ctx.taskScope && !(await prisma.task.count({ where: { AND: [{ id }, ctx.taskScope] } }))) {
    return ctx.page('无权查看', html`<p><a href="/tasks">← 督办台账</a></p><div class="notice err">无权查看：这项任务不是您牵头或分管的任务。</div>`, 403);
  }
  const task = await prisma.task.findUnique({
    where: { id },
    include: {
      plan: { select: { id: true, title: true, issuedOn: true } },
      leaders: { select: { person: { select: { id: true, name: true } } } },
      milestones: { orderBy: { dueOn: 'asc' } },
      assignments: { include: { unit: { select: { id: true, name: true } } }, orderBy: [{ role: 'asc' }, { id: 'asc' }] },
    },
  });
  if (!task) return ctx.page('未找到', html`<div class="notice err">没有编号为 ${id} 的任务。</div>`, 404);
  const names = await loadPlanShortNames(prisma, { withArchived: true });
  const ref = taskRefLabel({ planShort: names.get(task.planId) ?? task.plan.title, no: task.no });
  const unitIds = task.assignments.map((a) => a.unitId);
  const [updates, requests, groups, contacts, instructions] = await Promise.all([
    prisma.progressUpdate.findMany({ where: { taskId: id }, include: { unit: { select: { name: true } }, person: { select: { name: true } }, inboundMessage: true }, orderBy: { reportedAt: 'desc' }, take: 200 }),
    prisma.taskRequest.findMany({ where: { taskId: id }, orderBy: { createdAt: 'desc' }, take: 200 }),
    prisma.chatGroup.findMany({ where: { units: { some: { unitId: { in: unitIds } } } }, select: { roomId: true, topic: true } }),
    prisma.person.findMany({ where: { unitId: { in: unitIds }, chatId: { not: null } }, select: { chatId: true } }),
    instructionsOfTask(prisma, id),
  ]);
  const targets = [...groups.flatMap((g) => [g.topic, ...(g.roomId ? [g.roomId] : [])]), ...contacts.map((c) => c.chatId!)];
  const [sent, audit] = await Promise.all([
    // Reminders and answers that named this task, sent to its units.
    prisma.outbox.findMany({ where: { OR: [{ text: { contains: ref } }, { targetRef: { in: targets }, text: { contains: `第${task.no}项` } }] }, orderBy: { createdAt: 'desc' }, take: 200 }),
    prisma.auditLog.findMany({
      where: { OR: [{ entity: 'Task', entityId: String(id) }, { entity: 'Assignment', entityId: { in: task.assignments.map((a) => String(a.id)) } }, { entity: 'TaskRequest', entityId: { in: requests.map((r) => String(r.id)) } }] },
      orderBy: { at: 'desc' }, take: 200,
    }),
  ]);
  const light = lightsOf([task], clock.now(), calendar).get(id)!;
  // The message that made each request (a request row keeps who and when, not the message id).
  // One query for all of them (a bounded page, whatever the number of requests), the latest per request picked here.
  const window = (r: (typeof requests)[number]) => ({ from: new Date(r.createdAt.getTime() - 10 * 60_000), to: r.createdAt });
  const candidates = requests.length
    ? await prisma.inboundMessage.findMany({ where: { type: 'text', OR: requests.map((r) => ({ talkerId: r.requestedBy, receivedAt: { lte: window(r).to, gte: window(r).from } })) }, orderBy: { receivedAt: 'desc' }, take: 500 })
    : [];
  const asked = requests.map((r) => candidates.find((c) => c.talkerId === r.requestedBy && c.receivedAt <= window(r).to && c.receivedAt >= window(r).from) ?? null);
  // People and groups by name (李娜（区商务局）, the group's topic), not by chat id.
  const inbound = [...updates.flatMap((u) => (u.inboundMessage ? [u.inboundMessage] : [])), ...asked.filter((m) => m !== null)];
  const who = await loadChatNames(
    prisma,
    [...inbound.flatMap((m) => [m.talkerId, m.handledBy]), ...requests.flatMap((r) => [r.requestedBy, r.decidedBy]), ...audit.map((a) => a.actor), ...instructions.map((i) => i.recordedBy), ...sent.filter((o) => o.targetKind === 'person').map((o) => o.targetRef)],
    [...inbound.map((m) => m.roomId), ...sent.filter((o) => o.targetKind === 'group').map((o) => o.targetRef)],
  );
  const said = (m: { talkerId: string; talkerName: string | null; roomId: string | null; roomTopic: string | null; channel: string }) =>
    `${who.who(m.talkerId, m.talkerName)}${m.roomId || m.roomTopic ? ` 在“${who.where(m.roomId, m.roomTopic)}”` : m.channel === 'console' ? '' : '（私聊）'}`;
  const entries: Entry[] = [];
  for (const o of sent) entries.push({ at: o.sentAt ?? o.notBefore, tag: o.status === 'sent' ? '已发送' : o.status === 'failed' ? '发送失败' : '待发送', cls: 'out', body: html`<div class="muted">发往 ${o.targetKind === 'group' ? (who.group(o.targetRef)?.topic ?? o.targetRef) : who.who(o.targetRef)}${o.cadence ? `（${o.cadence}）` : ''}</div><div>${o.text.slice(0, 400)}</div>` });
  for (const u of updates) {
    if (u.inboundMessage) entries.push({ at: u.inboundMessage.receivedAt, tag: '原始回复', cls: 'in', body: html`<div class="muted">${said(u.inboundMessage)}</div><div>${u.inboundMessage.text}</div>` });
    // A reply the bot was unsure of, recorded by an admin's decision in the inbox: who decided what.
    if (u.inboundMessage?.handledAt) entries.push({ at: u.inboundMessage.handledAt, tag: '督办室核定', cls: 'audit', body: html`<div>${u.inboundMessage.handledBy ? who.actor(u.inboundMessage.handledBy) : ''} ${u.inboundMessage.handling ?? ''}</div>` });
    entries.push({ at: u.createdAt, tag: `识别为${KIND[u.kind] ?? u.kind}`, cls: 'bot', body: html`<div>${u.unit?.name ?? ''} ${u.person?.name ?? ''}：${u.status ? TASK_STATE_LABEL[u.status] : ''}${u.percent !== null ? ` ${u.percent}%` : ''}${u.problems ? `；问题：${u.problems}` : ''}${u.nextSteps ? `；下步：${u.nextSteps}` : ''}</div>` });
  }
  for (const msg of asked) if (msg && !updates.some((u) => u.inboundMessageId === msg.id)) entries.push({ at: msg.receivedAt, tag: '原始回复', cls: 'in', body: html`<div class="muted">${said(msg)}</div><div>${msg.text}</div>` });
  for (const r of requests) {
    entries.push({ at: r.createdAt, tag: REQ[r.kind], cls: 'req', body: html`<div>${who.who(r.requestedBy)} 提出${REQ[r.kind]}${r.reason ? `：${r.reason}` : ''}${r.newDeadline ? `，延期至 ${fmtDate(r.newDeadline)}` : ''}${r.evidence.length ? `（佐证 ${r.evidence.length} 份）` : ''} — <b>${REQ_STATUS[r.status]}</b></div>` });
    if (r.decidedAt) entries.push({ at: r.decidedAt, tag: '决定', cls: 'req', body: html`<div>${r.decidedBy ? who.actor(r.decidedBy) : ''} ${r.status === 'approved' ? '通过' : '退回'}${REQ[r.kind]}${r.decision ? `：${r.decision}` : ''}</div>` });
  }
  // 领导批示 and, per unit concerned, whether it has answered (its first report since the 批示).
  for (const i of instructions) {
    const mine = i.targets.filter((t) => t.taskId === id);
    entries.push({ at: i.issuedAt, tag: '领导批示', cls: 'req', body: html`<div><b>${i.leaderName}</b>${i.source === 'proxy' ? html` <span class="muted">· ${who.actor(i.recordedBy)}代录</span>` : ''}：${i.text}${i.dueOn ? `（${i.dueOn}前反馈）` : ''}</div><div class="muted">${mine.map((t) => `${t.unitName}：${t.answeredAt ? `已反馈 ${fmtTime(t.answeredAt)}` : '待反馈'}`).join('；')}</div>` });
  }
  for (const a of audit) entries.push({ at: a.at, tag: '审计', cls: 'audit', body: html`<div>${who.actor(a.actor)} · ${a.action} · ${a.entity} ${a.entityId ?? ''}</div><div class="muted" style="font-size:12px">${a.before ? `前：${JSON.stringify(a.before)} ` : ''}${a.after ? `后：${JSON.stringify(a.after)}` : ''}</div>` });
  entries.sort((x, y) => y.at.getTime() - x.at.getTime());
  ctx.page(ref, html`<p><a href="/tasks">← 督办台账</a></p><h1>${ref} ${task.title ?? ''}</h1>${notice ? html`<div class="notice ${notice.err ? 'err' : ''}" id="notice">${notice.text}</div>` : ''}
<div class="item"><p>${task.text}</p>
<p>方案：${task.plan.title}　牵头领导：${task.leaders.map((l) => l.person.name).join('、') || '—'}　完成时限：${task.deadline ? fmtDate(task.deadline) : (task.deadlineText ?? '—')}
　状态：${TASK_STATE_LABEL[task.status]}${task.percent !== null ? ` ${task.percent}%` : ''}　<span class="light ${light}" title="${HEALTH_LABEL[light]}">${HEALTH_SHORT[light]}</span></p>
${task.milestones.length ? html`<p>节点：${task.milestones.map((ms) => html`<span class="tag">${ms.dueOn ? fmtDate(ms.dueOn) : ms.deadlineText} ${ms.text.slice(0, 30)}${ms.doneAt ? ' ✓' : ''}</span> `)}</p>` : ''}</div>
<h2>各单位承担情况</h2>
<table><thead><tr><th>单位</th><th>角色</th><th>状态</th><th>进度</th><th>最近报送</th><th>签收</th><th>销号</th></tr></thead><tbody>
${task.assignments.map((a) => html`<tr><td><a href="/tasks?unit=${a.unit.id}">${a.unit.name}</a>${a.via ? html` <span class="muted">${a.via}</span>` : ''}</td><td>${ROLE[a.role]}</td><td>${ASSIGNMENT_STATE_LABEL[a.state]}</td><td>${a.percent ?? ''}${a.percent !== null ? '%' : ''}</td><td>${fmtTime(a.lastReportedAt)}</td><td>${a.receivedAt ? fmtTime(a.receivedAt) : html`<span class="muted">未签收</span>`}</td><td>${fmtTime(a.closedAt)}</td></tr>`)}
</tbody></table>
${ctx.user.role === 'admin' ? await instructionForm(ctx, task, o.draft) : ''}
<h2>留痕（${entries.length}）</h2>
<ul class="timeline" id="timeline">${entries.map((e) => html`<li><span class="muted nowrap">${fmtTime(e.at)}</span><span class="tag ${e.cls}">${e.tag}</span><div>${e.body}</div></li>`)}</ul>`, status);
}
