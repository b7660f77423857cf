import { decideAccessRequest } from '../../access/decide-access.ts';
import { decideRequest } from '../../chat/task-requests.ts';
import { PEOPLE_ROLES } from '../../import/read-people-file.ts';
import { taskRefLabel } from '../../domain/work/index.ts';
import { loadPlanShortNames } from '../../store/plan-short-names.ts';
import { consoleTurn } from '../console-turn.ts';
import type { Ctx } from '../console-deps.ts';
import type { Route } from '../create-console.ts';
import { fmtDate, fmtTime, html } from '../html.ts';
import { field } from '../http-utils.ts';

const REQ = { close: '销号', extension: '延期', transfer: '转办' } as const;

async function inboxBody(ctx: Ctx, notice?: { text: string; err?: boolean }) {
  const { prisma } = ctx.deps;
  const since = new Date(ctx.deps.clock.now().getTime() - 14 * 86400_000);
  const [requests, access, unsure, names, units] = await Promise.all([
    prisma.taskRequest.findMany({ where: { status: 'pending', kind: { in: ['close', 'extension'] }, task: { plan: { archivedAt: null } } }, include: { task: { select: { id: true, no: true, planId: true, title: true, text: true } } }, orderBy: { createdAt: 'asc' }, take: 200 }),
    prisma.accessRequest.findMany({ where: { status: 'pending' }, orderBy: { requestedAt: 'asc' }, take: 200 }),
    // Replies the bot could not place or refused, from the last two weeks.
    prisma.inboundMessage.findMany({ where: { channel: { not: 'console' }, status: { in: ['ignored', 'failed'] }, type: 'text', receivedAt: { gte: since }, NOT: { text: { startsWith: '登记' } } }, orderBy: { receivedAt: 'desc' }, take: 50 }),
    loadPlanShortNames(prisma),
    prisma.unit.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const recent = new Map<string, { text: string; receivedAt: Date }[]>();
  for (const a of access) {
    if (a.kind === 'register' && !recent.has(a.actorId)) {
      recent.set(a.actorId, await prisma.inboundMessage.findMany({ where: { talkerId: a.actorId }, select: { text: true, receivedAt: true }, orderBy: { receivedAt: 'desc' }, take: 3 }));
    }
  }
  const unitSelect = (cur: number | null) => html`<select name="unit"><option value="">（选择单位）</option>${units.map((u) => html`<option value="${u.id}" ${u.id === cur ? 'selected' : ''}>${u.name}</option>`)}</select>`;
  return html`<h1>待办</h1>${notice ? html`<div class="notice ${notice.err ? 'err' : ''}" id="notice">${notice.text}</div>` : ''}
<h2>销号 / 延期申请（${requests.length}）</h2>
${requests.length ? '' : html`<p class="muted">没有待复核的申请。</p>`}
${requests.map((r) => {
    const ref = taskRefLabel({ planShort: names.get(r.task.planId) ?? '', no: r.task.no });
    return html`<div class="item" id="req-${r.id}"><div><b>${REQ[r.kind]}申请</b> · <a href="/tasks/${r.task.id}">${ref} ${r.task.title ?? r.task.text.slice(0, 30)}</a></div>
<div class="muted">${r.unitId !== null ? unitName.get(r.unitId) : ''} ${r.requestedBy} · ${fmtTime(r.createdAt)}${r.reason ? `　说明：${r.reason}` : ''}${r.newDeadline ? `　延期至 ${fmtDate(r.newDeadline)}` : ''}${r.kind === 'close' ? `　佐证材料 ${r.evidence.length} 份` : ''}</div>
<div class="acts"><form hx-post="/inbox/request/${r.id}/approve" hx-target="main"><button>通过</button></form>
<form hx-post="/inbox/request/${r.id}/return" hx-target="main" style="display:flex;gap:6px"><input name="reason" placeholder="退回原因（必填）" required><button class="warn">退回</button></form></div></div>`;
  })}
<h2 id="access">登记 / 绑定申请（${access.length}）</h2>
${access.length ? '' : html`<p class="muted">没有待处理的登记或绑定申请。</p>`}
${access.map((a) => html`<div class="item" id="access-${a.id}"><div><b>${a.kind === 'register' ? (a.role ? `登记为${a.unitName ? `${a.unitName}的` : ''}${a.role}` : '未登记人员报送') : `群“${a.roomTopic ?? a.roomId}”申请绑定单位`}</b>（编号 ${a.id}）</div>
<div class="muted">${a.actorName ?? ''}（账号 ${a.actorId}）${a.roomTopic ? ` 在“${a.roomTopic}”` : '（私聊）'} · ${fmtTime(a.requestedAt)}${a.detail && typeof a.detail === 'object' && 'existingGroup' in a.detail ? `　已有同名群：${JSON.stringify((a.detail as Record<string, unknown>).existingGroup)}` : ''}</div>
${a.kind === 'register' ? html`<div style="font-size:13px">${(recent.get(a.actorId) ?? []).map((m) => html`<div>“${m.text.slice(0, 80)}” <span class="muted">${fmtTime(m.receivedAt)}</span></div>`)}</div>` : ''}
<div class="acts"><form hx-post="/inbox/access/${a.id}/approve" hx-target="main" style="display:flex;gap:6px">
${a.kind === 'register' && !a.role ? html`<select name="role">${PEOPLE_ROLES.map((r) => html`<option>${r}</option>`)}</select>` : ''}
${(a.kind === 'bind_group' || !a.role || (!a.unitId && a.role !== '管理员' && !a.role.includes('领导'))) ? unitSelect(a.unitId) : ''}<button>批准</button></form>
<form hx-post="/inbox/access/${a.id}/reject" hx-target="main" style="display:flex;gap:6px"><input name="reason" placeholder="驳回理由（必填）" required><button class="warn">驳回</button></form></div></div>`)}
<h2>未能识别或未获授权的消息（近14天，${unsure.length}）</h2>
<p class="muted">机器人没有记入台账的回复：请在对应单位群里提醒重新报送，或在通讯录中登记发送人。</p>
<table><thead><tr><th>时间</th><th>群</th><th>发送人</th><th>内容</th><th>原因</th></tr></thead><tbody>
${unsure.map((m) => html`<tr><td class="nowrap">${fmtTime(m.receivedAt)}</td><td>${m.roomTopic ?? '私聊'}</td><td>${m.talkerName ?? m.talkerId}</td><td>${m.text.slice(0, 120)}</td><td class="muted">${m.status === 'failed' ? '处理出错' : m.error?.startsWith('PERMISSION_DENIED') ? '未获授权' : '未识别'}</td></tr>`)}
</tbody></table>`;
}

export const routes: Route[] = [
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
