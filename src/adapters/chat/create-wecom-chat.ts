import fs from 'node:fs/promises';
import path from 'node:path';
import { WSClient, type WsFrame } from '@wecom/aibot-node-sdk';
import { ChatError, ChatRateLimitedError, ChatRejectedError } from '../../errors.ts';
import type { Logger } from '../../log/create-logger.ts';
import type { ChatPort, IncomingMessage, OutgoingMessage, SendReceipt } from '../../ports/chat.ts';
import { WECOM_CAPABILITIES } from './channel-capabilities.ts';
import { attachmentPath, createChatEvents } from './chat-events.ts';
import { createPerChatWindow } from './per-chat-window.ts';
import { splitLongText } from './split-long-text.ts';

export interface WecomChatOptions {
  botId: string;
  secret: string;
  /** The long-connection address; 政务微信 / private deployments have their own (admin console). */
  wsUrl?: string;
  botName: string;
  logger: Logger;
  /** First reconnect delay (the SDK doubles it up to 30 s). Default 1 s. */
  reconnectBaseMs?: number;
  heartbeatMs?: number;
  /** Time for the per-chat window; the injected clock in tests. */
  now?: () => number;
}


/** errcodes that no retry can fix: the chat id is unknown, the bot is not in it, the chat never spoke. */
const PERMANENT = new Set([93006, 93000, 40003, 86008, 93004, 40008]);
const RATE_LIMITED = new Set([45009, 45033, 45011]);

function classify(e: unknown, to: OutgoingMessage['target']): ChatError {
  const frame = e as { errcode?: number; errmsg?: string };
  if (typeof frame?.errcode === 'number') {
    const what = `企业微信拒绝发送到 ${to.ref}：${frame.errmsg ?? ''}（errcode ${frame.errcode}）`;
    if (RATE_LIMITED.has(frame.errcode)) return new ChatRateLimitedError(what, 60_000, { cause: e });
    if (PERMANENT.has(frame.errcode)) {
      return new ChatRejectedError(what, to.kind === 'person'
        ? '对方尚未私聊过机器人，或账号不在本企业：请对方先私聊机器人一次'
        : '该群可能未绑定、机器人已被移出，或群里从未有人@过机器人：请在群里@机器人一次，由管理员批准绑定');
    }
    return new ChatError('CHAT_UNAVAILABLE', what, undefined, { cause: e });
  }
  return new ChatError('CHAT_UNAVAILABLE', `企业微信发送失败：${(e as Error)?.message ?? String(e)}`, '长连接恢复后会自动补发', { cause: e });
}

const IMAGE = /\.(png|jpe?g|gif)$/i;

/**
 * The official WeCom 智能机器人 over its long WebSocket: group messages reach the bot only when
 * they @ it; a chat can be pushed to only after it has messaged the bot (hence binding by an @);
 * mentions are native (`<@userid>` in markdown); ~30 messages a minute per chat; markdown is at
 * most 4096 bytes, so ~1300 Chinese characters. One live connection per bot: a second process
 * with the same bot takes the connection and this one is told (`disconnected_event`) — only the
 * bot process connects; workers send through the outbox.
 */
export function createWecomChat(opts: WecomChatOptions): ChatPort {
  const { logger } = opts;
  const now = opts.now ?? Date.now;
  const events = createChatEvents(logger);
  const { setStatus } = events;
  const window = createPerChatWindow(WECOM_CAPABILITIES.perChatPerMinute, now);
  let client: WSClient | undefined;
  let closing: Promise<void> | undefined;


  // The SDK logs every frame at info; ours stays quiet unless asked.
  const sdkLogger = {
    debug: (m: string) => logger.debug({ sdk: 'wecom' }, m),
    info: (m: string) => logger.debug({ sdk: 'wecom' }, m),
    warn: (m: string, ...a: unknown[]) => logger.debug({ sdk: 'wecom', a }, m),
    error: (m: string, ...a: unknown[]) => logger.warn({ sdk: 'wecom', a }, m),
  };

  const toIncoming = (frame: WsFrame): IncomingMessage | undefined => {
    const b = frame.body as Record<string, any> | undefined;
    if (!b?.msgid || !b.from?.userid) return undefined;
    const group = b.chattype === 'group' && b.chatid;
    let text = '';
    let type: IncomingMessage['type'] = 'other';
    if (b.msgtype === 'text') [text, type] = [String(b.text?.content ?? ''), 'text'];
    else if (b.msgtype === 'voice') [text, type] = [String(b.voice?.content ?? ''), 'text']; // the platform transcribes voice
    else if (b.msgtype === 'mixed') {
      text = (b.mixed?.msg_item ?? []).filter((i: any) => i.msgtype === 'text').map((i: any) => i.text?.content ?? '').join('\n');
      type = 'text';
    } else if (b.msgtype === 'image' || b.msgtype === 'file') type = b.msgtype;
    const m: IncomingMessage = {
      id: `wecom:${b.msgid}`,
      channel: 'wecom',
      ...(group ? { roomId: String(b.chatid) } : {}),
      talkerId: String(b.from.userid),
      // The callback carries no display name; the person record supplies it.
      talkerName: String(b.from.userid),
      text,
      type,
      sentAt: b.create_time ? new Date(Number(b.create_time) < 1e12 ? Number(b.create_time) * 1000 : Number(b.create_time)) : new Date(now()),
      // Groups deliver only messages that @ the bot.
      mentionsSelf: !!group || text.includes(`@${opts.botName}`),
    };
    const media = b.image ?? b.file;
    if ((type === 'image' || type === 'file') && media?.url && client) {
      const c = client;
      m.saveAttachment = async (dir: string) => {
        const { buffer, filename } = await c.downloadFile(media.url, media.aeskey);
        const file = path.resolve(attachmentPath(dir, String(b.msgid), filename || (type === 'image' ? 'image.png' : 'file')));
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(file, buffer);
        return file;
      };
    }
    return m;
  };

  return {
    channel: 'wecom',
    capabilities: WECOM_CAPABILITIES,
    status: events.status,
    onMessage: events.onMessage,
    onStatus: events.onStatus,
    async start() {
      if (closing) throw new ChatError('CHAT_UNAVAILABLE', '聊天通道已关闭，不能再启动');
      if (client) return;
      setStatus('starting');
      client = new WSClient({
        botId: opts.botId,
        secret: opts.secret,
        ...(opts.wsUrl ? { wsUrl: opts.wsUrl } : {}),
        // An office bot must come back by itself after any outage, however long.
        maxReconnectAttempts: -1,
        maxAuthFailureAttempts: -1,
        reconnectInterval: opts.reconnectBaseMs ?? 1_000,
        heartbeatInterval: opts.heartbeatMs ?? 30_000,
        logger: sdkLogger,
      });
      client.on('authenticated', () => {
        logger.info({ event: 'chat_login', channel: 'wecom' }, '企业微信机器人长连接已认证');
        setStatus('logged_in');
      });
      client.on('disconnected', (reason: string) => {
        if (closing) return;
        const takenOver = /new connection/i.test(reason);
        logger.warn({ event: 'chat_logout', channel: 'wecom', reason }, takenOver ? '企业微信机器人的长连接被另一进程接管' : '企业微信长连接断开，自动重连中');
        setStatus('logged_out', takenOver ? '另一进程用同一机器人建立了长连接，本进程已让出（同一机器人只能有一个长连接）' : reason);
      });
      client.on('error', (e: Error) => logger.warn({ event: 'chat_error', channel: 'wecom', err: e }, 'wecom error'));
      client.on('message', (frame: WsFrame) => {
        const m = toIncoming(frame);
        if (!m) return;
        void events.dispatch(m);
      });
      client.connect();
    },
    async send(msg: OutgoingMessage): Promise<SendReceipt> {
      const c = client;
      if (!c || events.status() !== 'logged_in') {
        throw new ChatError('CHAT_UNAVAILABLE', `企业微信长连接未就绪（状态 ${events.status()}），消息留在发件箱稍后发送`, '检查 WECOM_BOT_ID / WECOM_BOT_SECRET / WECOM_WS_URL 与网络');
      }
      const chatid = msg.target.ref;
      const mentions = msg.target.kind === 'group' ? (msg.mentions ?? []) : [];
      const prefix = mentions.map((id) => `<@${id}>`).join(' ');
      const limit = WECOM_CAPABILITIES.maxTextLength - prefix.length - 1;
      const parts = splitLongText(msg.text, limit).map((p, i) => (i === 0 && prefix ? `${prefix}\n${p}` : p));
      const count = parts.length + (msg.attachment ? 1 : 0);
      window.check(chatid, count);
      const ids: string[] = [];
      try {
        for (const content of parts) {
          const ack = await c.sendMessage(chatid, { msgtype: 'markdown', markdown: { content } });
          window.record(chatid);
          const id = (ack.body as { msgid?: string } | undefined)?.msgid;
          if (id) ids.push(id);
        }
        if (msg.attachment) {
          const buffer = await fs.readFile(msg.attachment);
          const type = IMAGE.test(msg.attachment) ? 'image' : 'file';
          const up = await c.uploadMedia(buffer, { type, filename: path.basename(msg.attachment) });
          await c.sendMediaMessage(chatid, type, up.media_id);
          window.record(chatid);
        }
      } catch (e) {
        throw classify(e, msg.target);
      }
      return { ids, degraded: [] };
    },
    close() {
      return (closing ??= (async () => {
        if (client) {
          client.removeAllListeners();
          client.disconnect();
        }
        setStatus('stopped');
      })());
    },
  };
}
