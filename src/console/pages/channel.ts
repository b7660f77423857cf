import type { Route } from '../console-deps.ts';
import { fmtTime, html } from '../html.ts';
import { listDeliveryProblems, PROBLEM_LABEL } from '../../outbox/delivery-problems.ts';
import { peopleToOpenPrivateChat } from '../../outbox/private-chat-hold.ts';
import type { Ctx } from '../console-deps.ts';
import { channelWatchBlock } from './channel-watch-block.ts';

const CHAT = { starting: '启动中', waiting_scan: '等待扫码登录', logged_in: '已登录', logged_out: '已退出登录（消息在发件箱中等待）', stopped: '已停止' } as const;

/**
 * On a channel that pushes only to chats that have spoken (WeCom), the leaders and admins who must
 * message the bot privately once; nothing on a channel that can push to anyone.
 */
export async function privateChatSection(ctx: Ctx) {
  const { prisma, chatChannel, chatCapabilities, admins } = ctx.deps;
  if (!chatCapabilities || chatCapabilities.pushToSilentChat) return '';
  const silent = await peopleToOpenPrivateChat(prisma, { channel: chatChannel, capabilities: chatCapabilities }, admins);
  return html`<h2 id="private-chat">需先私聊机器人的人员（${silent.length}）</h2>
<p class="muted">本通道只能向私聊过机器人的人推送私聊消息（周汇总、督办单、批示回执、管理员提示）。以下人员请先私聊机器人一次（发任意一句话）；在此之前发给他们的私聊消息暂缓发送，列在下方“发送失败与暂缓的消息”中，对方私聊后自动补发（已过时的不再发送）；管理员提示在督办室群已绑定时改发该群。</p>
${silent.length ? html`<table><thead><tr><th>姓名</th><th>身份</th><th>账号</th></tr></thead><tbody>
${silent.map((p) => html`<tr><td>${p.name}</td><td>${p.roles.join('、')}</td><td class="muted">${p.chatId}</td></tr>`)}</tbody></table>` : html`<div class="item muted">领导、管理员和无单位群的联络员都已私聊过机器人。</div>`}`;
}

export const routes: Route[] = [
  {
    method: 'GET',
    path: /^\/channel$/,
    async run(ctx) {
      const { prisma, chatStatus, chatChannel } = ctx.deps;
      const status = chatStatus();
      const [pending, sending, failed, held, lastSent, lastErrors, inbound, problems] = await Promise.all([
        prisma.outbox.count({ where: { status: 'pending' } }),
        prisma.outbox.count({ where: { status: 'sending' } }),
        prisma.outbox.count({ where: { status: 'failed' } }),
        prisma.outbox.count({ where: { status: 'held' } }),
        prisma.outbox.findFirst({ where: { status: 'sent' }, orderBy: { sentAt: 'desc' }, select: { sentAt: true } }),
        prisma.outbox.findMany({ where: { lastError: { not: null } }, orderBy: { updatedAt: 'desc' }, take: 1, select: { lastError: true, updatedAt: true } }),
        prisma.inboundMessage.findFirst({ where: { channel: { not: 'console' } }, orderBy: { receivedAt: 'desc' }, select: { receivedAt: true } }),
        listDeliveryProblems(prisma, 30).then((rows) => rows.filter((o) => o.status !== 'superseded')),
      ]);
      const watched = await channelWatchBlock(ctx.deps);
      const ok = status === 'logged_in';
      ctx.page('通道状态', html`<h1>通道状态</h1><div class="cards">
<div class="card ${ok ? 'green' : 'red'}"><div class="n" style="font-size:20px">${CHAT[status]}</div><div class="l">聊天通道（${chatChannel}）</div></div>
<div class="card"><div class="n">${pending + sending}</div><div class="l">待发送（其中发送中 ${sending}）</div></div>
<div class="card ${failed ? 'red' : ''}"><div class="n">${failed}</div><div class="l">发送失败</div></div>
${held ? html`<div class="card"><div class="n">${held}</div><div class="l">未开通私聊暂缓</div></div>` : ''}
<div class="card"><div class="n" style="font-size:16px">${fmtTime(lastSent?.sentAt) || '—'}</div><div class="l">最近一次发送成功</div></div>
<div class="card"><div class="n" style="font-size:16px">${fmtTime(inbound?.receivedAt) || '—'}</div><div class="l">最近一次收到消息</div></div></div>
${watched}
<h2>最近错误</h2><div class="item">${lastErrors[0] ? html`${fmtTime(lastErrors[0].updatedAt)}　${lastErrors[0].lastError}` : html`<span class="muted">无</span>`}</div>
${await privateChatSection(ctx)}
<h2>发送失败与暂缓的消息（${problems.length}）</h2><p class="muted">平台拒收的，以及对方未开通私聊而暂缓的消息（已过时未发的见上）。</p><table id="delivery-problems"><thead><tr><th>时间</th><th>状态</th><th>发往</th><th>内容</th><th>原因</th></tr></thead><tbody>
${problems.map((o) => html`<tr><td class="nowrap">${fmtTime(o.updatedAt)}</td><td class="nowrap">${PROBLEM_LABEL[o.status as keyof typeof PROBLEM_LABEL]}</td><td>${o.targetRef}</td><td>${o.text.slice(0, 80)}</td><td class="muted">${o.lastError ?? ''}</td></tr>`)}</tbody></table>`);
    },
  },
];
