import { botReading, candidateWork, readFacts, replyText, REVIEW_REASON_LABEL, reviewReason, type Origin, type ReviewItem } from '../../chat/review-replies.ts';
import type { ReplyStatus } from '../../domain/reply/index.ts';
import { ASSIGNMENT_STATE_LABEL, taskLabel } from '../../domain/work/index.ts';
import type { WorkItem } from '../../ports/work-store.ts';
import type { ChatNames } from '../chat-names.ts';
import type { Ctx } from '../console-deps.ts';
import { fmtTime, html } from '../html.ts';
import { field } from '../http-utils.ts';

/**
 * The inbox's first section: replies waiting for an admin (InboundMessage `needs_admin`), each with
 * what the bot read and the actions — 确认, 更正 / 指定任务, 答复, 不予处理. The actions themselves
 * are the chat's (src/chat/review-replies.ts), run through the console's chat turn.
 */

const STATUS_OPTIONS: [ReplyStatus | '', string][] = [['', '（未说明）'], ['in_progress', '推进中'], ['lagging', '滞后'], ['blocked', '受阻'], ['done', '报完成（待核）'], ['not_started', '未启动']];

export function waitingReplies(ctx: Ctx) {
  return ctx.deps.prisma.inboundMessage.findMany({ where: { status: 'needs_admin' }, orderBy: { receivedAt: 'asc' }, take: 100 });
}

export type WaitingRow = Awaited<ReturnType<typeof waitingReplies>>[number];

export function originOf(row: WaitingRow, names: ChatNames): Origin {
  const p = names.person(row.talkerId);
  return { row, person: p ? { id: p.id, name: p.name } : null, unit: p?.unit ?? null, group: names.group(row.roomId) };
}

const describeItem = (i: Omit<ReviewItem, 'assignmentId'>) =>
  [i.percent !== null ? `进度${i.percent}%` : '', i.status ? (i.status === 'done' ? '报完成' : ASSIGNMENT_STATE_LABEL[i.status]) : '', i.problems ? `问题：${i.problems}` : ''].filter(Boolean).join('；') || '未说明进度';

export async function repliesSection(ctx: Ctx, rows: WaitingRow[], names: ChatNames) {
  const workCache = new Map<string, Promise<WorkItem[]>>();
  const items = await Promise.all(rows.map(async (row) => {
    const origin = originOf(row, names);
    const key = origin.unit ? `u${origin.unit.id}` : `g${origin.group?.units.map((u) => u.id).join(',') ?? ''}`;
    if (!workCache.has(key)) workCache.set(key, candidateWork(ctx, origin));
    const [work, reading, later] = await Promise.all([
      workCache.get(key)!,
      botReading(ctx, origin),
      // Reports the same person got recorded since: after the bot asked, they often just resend with the number.
      ctx.deps.prisma.progressUpdate.count({ where: { kind: { not: 'receipt' }, inboundMessage: { talkerId: row.talkerId, receivedAt: { gt: row.receivedAt } } } }),
    ]);
    return { row, origin, work, reading, later, facts: readFacts(ctx, origin), reason: reviewReason(row.error) };
  }));
  return html`<h2 id="replies">待处理的回复（${rows.length}）</h2>
<p class="muted">机器人没有把握的回复（单位提问、以文件报送、追问后仍不能确定任务、未能识别、未登记人员报送）在此等待处理，处理前不记入台账。确认或更正后，单位群会收到与聊天中相同的回复。</p>
${rows.length ? '' : html`<p class="muted">没有待处理的回复。</p>`}
${items.map(({ row, origin, work, reading, later, facts, reason }) => {
    const label = (id: number) => { const w = work.find((x) => x.assignment.id === id); return w ? `${taskLabel(w.task)}（${origin.group?.units.find((u) => u.id === w.assignment.unitId)?.name ?? origin.unit?.name ?? ''}）` : `任务分工 ${id}`; };
    const pre = reading[0] ?? { ...facts, assignmentId: -1 };
    const checked = new Set(reading.map((r) => r.assignmentId));
    const unitOf = (w: WorkItem) => (origin.unit?.id === w.assignment.unitId ? '' : (origin.group?.units.find((u) => u.id === w.assignment.unitId)?.name ?? ''));
    return html`<div class="item" id="reply-${row.id}"><div><b>${REVIEW_REASON_LABEL[reason]}</b>（编号 ${row.id}） · ${names.who(row.talkerId, row.talkerName)} · ${names.where(row.roomId, row.roomTopic)} · ${fmtTime(row.receivedAt)}</div>
<div style="margin:4px 0">“${replyText(row).slice(0, 300)}”${row.attachment ? html` <a href="/inbox/file/${row.id}" target="_blank">查看文件</a>` : ''}</div>
${later && reason !== 'question' ? html`<div class="muted">此后该发送人已有 ${later} 条报送记入台账；如已重新报送，可“不予处理”（原因：已重新报送）。</div>` : ''}
${reason === 'unknown_sender' ? html`<div class="muted">发送人不在通讯录中：可在下方“登记 / 绑定申请”中登记此人；这条进展可在此记入任务。</div>` : ''}
${reason === 'question' ? '' : html`<div class="muted">机器人的理解：${reading.length ? reading.map((r) => `${label(r.assignmentId)} ${describeItem(r)}`).join('；') : '未能确定是哪项任务'}</div>`}
<div class="acts">
${reason === 'question'
    ? html`<form hx-post="/inbox/reply/${row.id}/answer" hx-target="main" style="display:flex;gap:6px;flex:1"><input name="answer" placeholder="答复内容（发到提问人所在的群并@提问人）" required style="flex:1"><button>答复</button></form>`
    : html`${reading.length ? html`<form hx-post="/inbox/reply/${row.id}/confirm" hx-target="main"><button>确认</button></form>` : ''}
<details ${reading.length ? '' : 'open'} style="flex-basis:100%"><summary>${reading.length ? '更正' : '指定任务并记录'}</summary>
<form hx-post="/inbox/reply/${row.id}/record" hx-target="main" style="display:flex;flex-direction:column;gap:6px;margin-top:6px">
${work.length ? html`<div style="display:flex;flex-wrap:wrap;gap:4px 14px">${work.map((w) => html`<label style="flex-direction:row;gap:4px;align-items:center;color:#1f2329;font-size:13px"><input type="checkbox" name="work" value="${w.assignment.id}" ${checked.has(w.assignment.id) ? 'checked' : ''}>${taskLabel(w.task)}${unitOf(w) ? `（${unitOf(w)}）` : ''}</label>`)}</div>` : html`<span class="muted">发送人未登记、所在群也未绑定单位：请先在“单位与人员”中登记发送人或绑定群。</span>`}
<div style="display:flex;gap:8px;align-items:end;flex-wrap:wrap"><label>进度（%）<input name="percent" type="number" min="0" max="100" value="${pre.percent ?? ''}" style="width:90px"></label>
<label>状态<select name="status">${STATUS_OPTIONS.map(([v, l]) => html`<option value="${v}" ${(pre.status ?? '') === v ? 'selected' : ''}>${l}</option>`)}</select></label>
<label style="flex:1">存在问题<input name="problems" value="${pre.problems ?? ''}"></label>
<button ${work.length ? '' : 'disabled'}>${reading.length ? '按更正记录' : '记入所选任务'}</button></div></form></details>`}
<form hx-post="/inbox/reply/${row.id}/dismiss" hx-target="main" style="display:flex;gap:6px"><input name="reason" placeholder="不予处理的原因（必填）" required><button class="warn">不予处理</button></form>
${reason === 'question' ? '' : html`<details><summary class="muted">答复发送人</summary><form hx-post="/inbox/reply/${row.id}/answer" hx-target="main" style="display:flex;gap:6px"><input name="answer" placeholder="答复内容" required size="40"><button class="plain">答复</button></form></details>`}
</div></div>`;
  })}`;
}

/** The record form's fields, checked: the chosen parts and the figures. */
export function readRecordForm(f: FormData): { ids: number[]; facts: Omit<ReviewItem, 'assignmentId'> } | { error: string } {
  const ids = f.getAll('work').map((v) => Number(v)).filter((n) => Number.isInteger(n) && n > 0);
  const p = field(f, 'percent').trim();
  const percent = p === '' ? null : Number(p);
  if (percent !== null && (!Number.isInteger(percent) || percent < 0 || percent > 100)) return { error: `进度须为 0 到 100 的整数，收到“${p}”。` };
  const s = field(f, 'status');
  const status = (STATUS_OPTIONS.find(([v]) => v && v === s)?.[0] || null) as ReplyStatus | null;
  if (!ids.length) return { error: '请至少选择一项任务。' };
  return { ids, facts: { percent, status, problems: field(f, 'problems').trim() || null } };
}
