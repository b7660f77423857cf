import { decideAccessRequest } from '../../access/decide-access.ts';
import { decideRequest } from '../../chat/task-requests.ts';
import { PEOPLE_ROLES } from '../../import/read-people-file.ts';
import { taskRefLabel } from '../../domain/work/index.ts';
import { loadPlanShortNames } from '../../store/plan-short-names.ts';
import { answerWaiting, botReading, candidateWork, dismissWaiting, loadOrigin, readFacts, recordReviewed } from '../../chat/review-replies.ts';
import { loadChatNames } from '../chat-names.ts';
import { consoleTurn } from '../console-turn.ts';
import { fileRoutes } from './inbox-files.ts';
import { readRecordForm, repliesSection, waitingReplies } from './inbox-replies.ts';
import type { Ctx } from '../console-deps.ts';
import type { Route } from '../console-deps.ts';
import { fmtDate, fmtTime, html } from '../html.ts';
import { field } from '../http-utils.ts';

const REQ = { close: '销号', extension: '延期', transfer: '转办' } as const;

async function inboxBody(ctx: Ctx, notice?: { text: string; err?: boolean }) {
  const { prisma } = ctx.deps;
  const since = new Date(ctx.deps.clock.now().getTime() - 14 * 86400_000);
  const [waiting, requests, access, unsure, names, units] = await Promise.all([
    waitingReplies(ctx),
    prisma.taskRequest.findMany({ where: { status: 'pending', task: { plan: { archivedAt: null } } }, include: { task: { select: { id: true, no: true, planId: true, title: true, text: true } } }, orderBy: { createdAt: 'asc' }, take: 200 }),
    prisma.accessRequest.findMany({ where: { status: 'pending' }, orderBy: { requestedAt: 'asc' }, take: 200 }),
    // Messages the bot refused or failed on, from the last two weeks (what waits for an admin is above).
    prisma.inboundMessage.findMany({ where: { channel: { not: 'console' }, OR: [{ status: 'failed' }, { status: 'ignored', error: { not: null } }], receivedAt: { gte: since }, NOT: { text: { startsWith: '登记' } } }, orderBy: { receivedAt: 'desc' }, take: 50 }),
    loadPlanShortNames(prisma),
    prisma.unit.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const who = await loadChatNames(prisma, [...waiting, ...unsure].map((m) => m.talkerId).concat(requests.map((r) => r.requestedBy), access.map((a) => a.actorId)), [...waiting, ...unsure, ...access].map((m) => m.roomId));
  const recent = new Map<string, { text: string; receivedAt: Date }[]>();
  for (const a of access) {
    if (a.kind === 'register' && !recent.has(a.actorId)) {
      recent.set(a.actorId, await prisma.inboundMessage.findMany({ where: { talkerId: a.actorId }, select: { text: true, receivedAt: true }, orderBy: { receivedAt: 'desc' }, take: 3 }));
    }
  }
  const unitSelect = (cur: number | null) => html`<select name="unit"><option value="">（选择单位）</option>${units.map((u) => html`<option value="${u.id}" ${u.id === cur ? 'selected' : ''}>${u.name}</option>`)}</select>`;
  return html`<h1>待办</h1>${notice ? html`<div class="notice ${notice.err ? 'err' : ''}" id="notice">${notice.text}</div>` : ''}
${await repliesSection(ctx, waiting, who)}
<h2>销号 / 延期 / 转办申请（${requests.length}）</h2>
${requests.length ? '' : html`<p class="muted">没有待复核的申请。</p>`}
${requests.map((r) => {
    const ref = taskRefLabel({ planShort: names.get(r.task.planId) ?? '', no: r.task.no });
    return html`<div class="item" id="req-${r.id}"><div><b>${REQ[r.kind]}申请</b> · <a href="/tasks/${r.task.id}">${ref} ${r.task.title ?? r.task.text.slice(0, 30)}</a></div>
<div class="muted">${r.unitId !== null ? `${unitName.get(r.unitId)} ${who.person(r.requestedBy)?.name ?? who.who(r.requestedBy)}` : who.who(r.requestedBy)} · ${fmtTime(r.createdAt)}${r.reason ? `　说明：${r.reason}` : ''}${r.newDeadline ? `　延期至 ${fmtDate(r.newDeadline)}` : ''}${r.kind === 'transfer' ? `　申请转由 ${r.toUnitId !== null ? (unitName.get(r.toUnitId) ?? '') : '（未指明）'} 办理` : ''}${r.kind === 'close' ? `　佐证材料 ${r.evidence.length} 份` : ''}${r.evidence.map((_, i) => html`　<a href="/inbox/evidence/${r.id}/${i}" target="_blank">材料${i + 1}</a>`)}</div>
<div class="acts"><form hx-post="/inbox/request/${r.id}/approve" hx-target="main"><button>通过</button></form>
<form hx-post="/inbox/request/${r.id}/return" hx-target="main" style="display:flex;gap:6px"><input name="reason" placeholder="退回原因（必填）" required><button class="warn">退回</button></form></div></div>`;
  })}
<h2 id="access">登记 / 绑定申请（${access.length}）</h2>
${access.length ? '' : html`<p class="muted">没有待处理的登记或绑定申请。</p>`}
${access.map((a) => html`<div class="item" id="access-${a.id}"><div><b>${a.kind === 'register' ? (a.role ? `登记为${a.unitName ? `${a.unitName}的` : ''}${a.role}` : '未登记人员报送') : `群“${a.roomTopic ?? a.roomId}”申请绑定单位`}</b>（编号 ${a.id}）</div>
<div class="muted">${who.who(a.actorId, a.actorName)} · ${who.where(a.roomId, a.roomTopic)} · ${fmtTime(a.requestedAt)}${a.detail && typeof a.detail === 'object' && 'existingGroup' in a.detail ? `　已有同名群：${JSON.stringify((a.detail as Record<string, unknown>).existingGroup)}` : ''}</div>
${a.kind === 'register' ? html`<div style="font-size:13px">${(recent.get(a.actorId) ?? []).map((m) => html`<div>“${m.text.slice(0, 80)}” <span class="muted">${fmtTime(m.receivedAt)}</span></div>`)}</div>` : ''}
<div class="acts"><form hx-post="/inbox/access/${a.id}/approve" hx-target="main" style="display:flex;gap:6px">
${a.kind === 'register' && !a.role ? html`<select name="role">${PEOPLE_ROLES.map((r) => html`<option>${r}</option>`)}</select>` : ''}
${(a.kind === 'bind_group' || !a.role || (!a.unitId && a.role !== '管理员' && !a.role.includes('领导'))) ? unitSelect(a.unitId) : ''}<button>批准</button></form>
<form hx-post="/inbox/access/${a.id}/reject" hx-target="main" style="display:flex;gap:6px"><input name="reason" placeholder="驳回理由（必填）" required><button class="warn">驳回</button></form></div></div>`)}
<h2>未获授权或处理出错的消息（近14天，${unsure.length}）</h2>
<p class="muted">机器人拒绝或未能处理的消息，仅供查看：请在对应单位群里提醒重新发送，或在通讯录中登记发送人。</p>
<table><thead><tr><th>时间</th><th>群</th><th>发送人</th><th>内容</th><th>原因</th></tr></thead><tbody>
${unsure.map((m) => html`<tr><td class="nowrap">${fmtTime(m.receivedAt)}</td><td>${who.where(m.roomId, m.roomTopic)}</td><td>${who.who(m.talkerId, m.talkerName)}</td><td>${m.text.slice(0, 120)}</td><td class="muted">${m.status === 'failed' ? '处理出错' : m.error?.startsWith('PERMISSION_DENIED') ? '未获授权' : '未识别'}</td></tr>`)}
</tbody></table>`;
}

export const routes: Route[] = [
  ...fileRoutes,
  { method: 'GET', path: /^\/inbox$/, run: async (ctx) => ctx.page('待办', await inboxBody(ctx)) },
  {
    method: 'POST',
    path: /^\/inbox\/request\/(\d+)\/(approve|return)$/,
    async run(ctx, m) {
      const { prisma } = ctx.deps;
      const approve = m[2] === 'approve';
      const reason = field(ctx.form!, 'reason');
      const req = await prisma.taskRequest.findUnique({ where: { id: Number(m[1]) }, include: { task: { select: { no: true, planId: true } } } });
      if (!req || req.status !== 'pending') return ctx.page('待办', await inboxBody(ctx, { text: '该申请已处理（可能已在群里处理），列表已刷新。', err: true }));
      const short = (await loadPlanShortNames(prisma)).get(req.task.planId) ?? '';
      const ref = `${short}第${req.task.no}项`;
      // The chat command's own code: the unit's group hears exactly what 复核 / 退办 would tell it.
      const { turn, answers, finish } = await consoleTurn(ctx, approve ? `复核 ${ref}` : `退办 ${ref} ${reason}`);
      await decideRequest(turn, ref, approve, reason, req.id).finally(finish);
      const done = (await prisma.taskRequest.findUniqueOrThrow({ where: { id: req.id } })).status !== 'pending';
      ctx.page('待办', await inboxBody(ctx, { text: answers.join(' ') || (done ? '已处理。' : '未处理。'), err: !done }));
    },
  },
  {
    // A waiting reply: the chat's own review functions, as this admin's chat turn.
    method: 'POST',
    path: /^\/inbox\/reply\/(\d+)\/(confirm|record|answer|dismiss)$/,
    async run(ctx, m) {
      const id = Number(m[1]);
      const f = ctx.form!;
      const origin = await loadOrigin(ctx.deps.prisma, id);
      if (!origin || origin.row.status !== 'needs_admin') return ctx.page('待办', await inboxBody(ctx, { text: `编号 ${id} 的消息已处理（可能已在群里处理），列表已刷新。`, err: true }));
      let run: (turn: Awaited<ReturnType<typeof consoleTurn>>['turn']) => Promise<unknown>;
      let said: string;
      if (m[2] === 'confirm') {
        const items = await botReading(ctx, origin);
        said = `确认 编号${id}`;
        run = (turn) => recordReviewed(turn, id, 'confirm', items);
      } else if (m[2] === 'record') {
        const form = readRecordForm(f);
        if ('error' in form) return ctx.page('待办', await inboxBody(ctx, { text: form.error, err: true }), 400);
        // Only the parts the form offered: the sender's unit's open tasks, or those of the group's units.
        const offered = new Set((await candidateWork(ctx, origin)).map((w) => w.assignment.id));
        if (form.ids.some((a) => !offered.has(a))) return ctx.page('待办', await inboxBody(ctx, { text: '所选任务不属于发送人所在单位或所在群绑定的单位，或已销号，请刷新后重选。', err: true }), 400);
        // The bot's own facts on a task the admin named is 指定任务; anything the admin changed is an 更正.
        const facts = readFacts(ctx, origin);
        const same = facts.percent === form.facts.percent && facts.status === form.facts.status && (facts.problems ?? null) === form.facts.problems;
        const action = same && (await botReading(ctx, origin)).length === 0 ? 'assign' : 'correct';
        said = `${action === 'assign' ? '指定任务' : '更正'} 编号${id}`;
        run = (turn) => recordReviewed(turn, id, action, form.ids.map((assignmentId) => ({ assignmentId, ...form.facts })));
      } else if (m[2] === 'answer') {
        const answer = field(f, 'answer').trim();
        said = `答复 ${id} ${answer}`;
        run = (turn) => answerWaiting(turn, id, answer);
      } else {
        const reason = field(f, 'reason').trim();
        said = `不予处理 编号${id} ${reason}`;
        run = (turn) => dismissWaiting(turn, id, reason);
      }
      const { turn, answers, finish } = await consoleTurn(ctx, said);
      await run(turn).finally(finish);
      const done = (await ctx.deps.prisma.inboundMessage.findUniqueOrThrow({ where: { id } })).status !== 'needs_admin';
      ctx.page('待办', await inboxBody(ctx, { text: answers.join(' ') || (done ? '已处理。' : '未处理。'), err: !done }));
    },
  },
  {
    method: 'POST',
    path: /^\/inbox\/access\/(\d+)\/(approve|reject)$/,
    async run(ctx, m) {
      const { prisma, clock } = ctx.deps;
      const id = Number(m[1]);
      const approve = m[2] === 'approve';
      const unit = field(ctx.form!, 'unit');
      const role = field(ctx.form!, 'role');
      if (approve && role && (PEOPLE_ROLES as readonly string[]).includes(role)) {
        // The admin names the role of someone who only posted a report: that is the admin's word, kept on the request.
        await prisma.accessRequest.updateMany({ where: { id, status: 'pending', role: null }, data: { role } });
      }
      const r = await decideAccessRequest(prisma, { id, approve, reason: field(ctx.form!, 'reason'), actor: ctx.actor, at: clock.now(), unitId: /^\d+$/.test(unit) ? Number(unit) : null });
      ctx.page('待办', await inboxBody(ctx, { text: r.answer, err: !r.ok }));
    },
  },
];
