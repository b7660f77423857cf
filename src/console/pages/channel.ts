import type { Route } from '../create-console.ts';
import { fmtTime, html } from '../html.ts';
import { channelWatchBlock } from './channel-watch-block.ts';

const CHAT = { starting: '启动中', waiting_scan: '等待扫码登录', logged_in: '已登录', logged_out: '已退出登录（消息在发件箱中等待）', stopped: '已停止' } as const;

export const routes: Route[] = [
  {
    method: 'GET',
    path: /^\/channel$/,
    async run(ctx) {
      const { prisma, chatStatus, chatChannel } = ctx.deps;
      const status = chatStatus();
      const [pending, sending, failed, lastSent, lastErrors, inbound] = await Promise.all([
        prisma.outbox.count({ where: { status: 'pending' } }),
        prisma.outbox.count({ where: { status: 'sending' } }),
        prisma.outbox.findMany({ where: { status: 'failed' }, orderBy: { updatedAt: 'desc' }, take: 20 }),
        prisma.outbox.findFirst({ where: { status: 'sent' }, orderBy: { sentAt: 'desc' }, select: { sentAt: true } }),
        prisma.outbox.findMany({ where: { lastError: { not: null } }, orderBy: { updatedAt: 'desc' }, take: 1, select: { lastError: true, updatedAt: true } }),
        prisma.inboundMessage.findFirst({ where: { channel: { not: 'console' } }, orderBy: { receivedAt: 'desc' }, select: { receivedAt: true } }),
      ]);
      const watched = await channelWatchBlock(ctx.deps);
      const ok = status === 'logged_in';
      ctx.page('通道状态', html`<h1>通道状态</h1><div class="cards">
<div class="card ${ok ? 'green' : 'red'}"><div class="n" style="font-size:20px">${CHAT[status]}</div><div class="l">聊天通道（${chatChannel}）</div></div>
<div class="card"><div class="n">${pending + sending}</div><div class="l">待发送（其中发送中 ${sending}）</div></div>
<div class="card ${failed.length ? 'red' : ''}"><div class="n">${failed.length}</div><div class="l">发送失败</div></div>
<div class="card"><div class="n" style="font-size:16px">${fmtTime(lastSent?.sentAt) || '—'}</div><div class="l">最近一次发送成功</div></div>
<div class="card"><div class="n" style="font-size:16px">${fmtTime(inbound?.receivedAt) || '—'}</div><div class="l">最近一次收到消息</div></div></div>
${watched}
<h2>最近错误</h2><div class="item">${lastErrors[0] ? html`${fmtTime(lastErrors[0].updatedAt)}　${lastErrors[0].lastError}` : html`<span class="muted">无</span>`}</div>
<h2>发送失败的消息（${failed.length}）</h2><table><thead><tr><th>时间</th><th>发往</th><th>内容</th><th>尝试</th><th>错误</th></tr></thead><tbody>
${failed.map((o) => html`<tr><td class="nowrap">${fmtTime(o.updatedAt)}</td><td>${o.targetRef}</td><td>${o.text.slice(0, 80)}</td><td>${o.attempts}</td><td class="muted">${o.lastError ?? ''}</td></tr>`)}</tbody></table>`);
    },
  },
];
