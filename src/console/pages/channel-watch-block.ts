import type { ChannelWatchState } from '../../outbox/channel-watch.ts';
import type { ConsoleDeps } from '../console-deps.ts';
import { fmtTime, html, type Html } from '../html.ts';

/**
 * The 通道状态 page's view of delivery an office can trust: what the channel watch sees (down since
 * when, held back by the platform, whether admins were told through the second path) and the
 * messages superseded as too late to be useful (已过时), which never went out.
 */
export async function channelWatchBlock(deps: Pick<ConsoleDeps, 'prisma' | 'channelWatch'>): Promise<Html> {
  const w = deps.channelWatch?.();
  const [superseded, total] = await Promise.all([
    deps.prisma.outbox.findMany({ where: { status: 'superseded' }, orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }], take: 20 }),
    deps.prisma.outbox.count({ where: { status: 'superseded' } }),
  ]);
  return html`<h2>通道监测</h2>${w ? watchState(w) : html`<div class="item muted">本进程不监测通道</div>`}
<h2>已过时未发的消息（${total}）</h2><p class="muted">通道中断或积压太久，提醒和汇总已失去时效，不再发送；需要时请重新推送。</p>
<table><thead><tr><th>原定时间</th><th>类型</th><th>发往</th><th>内容</th><th>原因</th></tr></thead><tbody>
${superseded.map((o) => html`<tr><td class="nowrap">${fmtTime(o.slotAt ?? o.createdAt)}</td><td>${o.cadence ?? ''}</td><td>${o.targetRef}</td><td>${o.text.slice(0, 80)}</td><td class="muted">${o.lastError ?? ''}</td></tr>`)}</tbody></table>`;
}

function watchState(w: ChannelWatchState): Html {
  const lines: Html[] = [];
  if (w.down) lines.push(html`<div class="item">通道中断：自 ${fmtTime(w.down.since)} 起（${w.down.reason}）</div>`);
  if (w.rateLimited) lines.push(html`<div class="item">被平台限流：自 ${fmtTime(w.rateLimited.since)} 起，暂停发送至 ${fmtTime(w.rateLimited.until)}</div>`);
  if (!lines.length) lines.push(html`<div class="item">通道正常</div>`);
  const told = w.alerted
    ? w.alerted.delivered ? html`已于 ${fmtTime(w.alerted.at)} 通过${w.alertPath ?? '第二通道'}告警` : html`${fmtTime(w.alerted.at)} 告警未能送出（${w.alertPath ?? '第二通道'}）`
    : w.alertPath ? html`尚未告警（持续超过设定时长才告警）` : html`未配置第二告警通道（DUBAN_ALERT_WEBHOOK_URL）`;
  return html`<div class="${w.ok ? '' : 'notice err'}">${lines}<div class="item muted">${told}</div></div>`;
}
