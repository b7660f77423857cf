import fs from 'node:fs/promises';
import path from 'node:path';
import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type { WebSocket } from 'ws';
import { ChatError, ChatRateLimitedError, ChatRejectedError } from '../../errors.ts';
import type { Logger } from '../../log/create-logger.ts';
import type { ChatPort, IncomingMessage, OutgoingMessage, SendReceipt } from '../../ports/chat.ts';
import { DINGTALK_CAPABILITIES } from './channel-capabilities.ts';
import { mentionsAsText } from './mention-text.ts';
import { attachmentPath, createChatEvents } from './chat-events.ts';
import { createPerChatWindow } from './per-chat-window.ts';
import { splitLongText } from './split-long-text.ts';

export const DINGTALK_DEFAULTS = {
  gatewayUrl: 'https://api.dingtalk.com/v1.0/gateway/connections/open',
  apiUrl: 'https://api.dingtalk.com',
  oapiUrl: 'https://oapi.dingtalk.com',
};

export interface DingtalkChatOptions {
  clientId: string;
  clientSecret: string;
  /** The robot's code (机器人 RobotCode); for an app robot usually the same as the client id. */
  robotCode: string;
  gatewayUrl?: string;
  apiUrl?: string;
  oapiUrl?: string;
  botName: string;
  logger: Logger;
  reconnectMs?: number;
  now?: () => number;
}


/**
 * The SDK hard-codes the gateway address; this subclass only makes it configurable (专有钉钉
 * tenants, tests) and reports the socket going up and down. The connection, SYSTEM pings,
 * callback acks and reconnects are the SDK's own.
 */
class StreamClient extends DWClient {
  constructor(
    opts: { clientId: string; clientSecret: string },
    private readonly gatewayUrl: string,
    private readonly onState: (up: boolean) => void,
  ) {
    super(opts);
  }

  private stopped = false;

  /** A reconnect timer the SDK set before disconnect() must not open a new connection afterwards. */
  override disconnect(): void {
    this.stopped = true;
    super.disconnect();
  }

  override async getEndpoint(): Promise<this> {
    if (this.stopped) throw new Error('stopped');
    if (this.gatewayUrl === DINGTALK_DEFAULTS.gatewayUrl) return super.getEndpoint();
    const c = this.config;
    const res = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ clientId: c.clientId, clientSecret: c.clientSecret, ua: c.ua, subscriptions: c.subscriptions }),
    });
    const data = (await res.json().catch(() => ({}))) as { endpoint?: string; ticket?: string; message?: string };
    if (!res.ok || !data.endpoint || !data.ticket) throw new Error(`gateway ${res.status}: ${data.message ?? 'no endpoint'}`);
    (this as unknown as { dw_url: string }).dw_url = `${data.endpoint}?ticket=${data.ticket}`;
    return this;
  }

  override async _connect(): Promise<void> {
    await super._connect();
    const socket = (this as unknown as { socket?: WebSocket }).socket;
    socket?.once('close', () => this.onState(false));
    this.onState(true);
  }
}

interface RobotMessage {
  msgId: string;
  conversationId: string;
  conversationType: string;
  conversationTitle?: string;
  senderStaffId?: string;
  senderId?: string;
  senderNick?: string;
  sessionWebhook?: string;
  sessionWebhookExpiredTime?: number;
  createAt?: number;
  robotCode?: string;
  msgtype: string;
  text?: { content?: string };
  content?: { downloadCode?: string; fileName?: string };
}

const IMAGE = /\.(png|jpe?g|gif)$/i;

/**
 * DingTalk enterprise robot: Stream mode (outbound WebSocket) receives group messages that @ the
 * robot, with the sender's staff id and nick and a session webhook valid ~90 minutes; pushes go
 * through the OpenAPI robot group-send, which cannot @ anyone. So mentions work only in the reply
 * window: while a group's last session webhook is valid, a message with mentions goes through it
 * with real @s; otherwise the names are written in the text and the receipt says so.
 */
export function createDingtalkChat(opts: DingtalkChatOptions): ChatPort {
  const { logger } = opts;
  const now = opts.now ?? Date.now;
  const apiUrl = (opts.apiUrl ?? DINGTALK_DEFAULTS.apiUrl).replace(/\/$/, '');
  const oapiUrl = (opts.oapiUrl ?? DINGTALK_DEFAULTS.oapiUrl).replace(/\/$/, '');
  const events = createChatEvents(logger);
  const { setStatus } = events;
  const window = createPerChatWindow(DINGTALK_CAPABILITIES.perChatPerMinute, now);
  /** The last session webhook per group: the only way to @ someone. */
  const sessions = new Map<string, { url: string; expires: number }>();
  let token: { value: string; expires: number } | undefined;
  let client: StreamClient | undefined;
  let closing: Promise<void> | undefined;


  async function accessToken(): Promise<string> {
    if (token && token.expires > now()) return token.value;
    const res = await post(`${apiUrl}/v1.0/oauth2/accessToken`, { appKey: opts.clientId, appSecret: opts.clientSecret }, {});
    const t = res as { accessToken: string; expireIn: number };
    token = { value: t.accessToken, expires: now() + (t.expireIn - 300) * 1000 };
    return token.value;
  }

  async function post(url: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    } catch (e) {
      throw new ChatError('CHAT_UNAVAILABLE', `钉钉接口不可达：${(e as Error).message}`, '检查 DINGTALK_API_URL 与网络', { cause: e });
    }
    const data = (await res.json().catch(() => ({}))) as { code?: string; message?: string; errcode?: number; errmsg?: string };
    if (res.ok && !data.errcode) return data;
    const what = `钉钉拒绝请求 ${new URL(url).pathname}：${data.message ?? data.errmsg ?? res.status}（${data.code ?? data.errcode ?? res.status}）`;
    if (res.status === 429 || /QpsLimit|Throttl|flowcontrol/i.test(String(data.code))) throw new ChatRateLimitedError(what, 60_000);
    if (res.status === 401) {
      token = undefined;
      throw new ChatError('CHAT_UNAVAILABLE', what, '访问凭证失效，下次发送时重新获取');
    }
    if (res.status === 400 || res.status === 403 || res.status === 404) {
      throw new ChatRejectedError(what, '确认机器人仍在该群内、群会话 ID（openConversationId）与 DINGTALK_ROBOT_CODE 正确');
    }
    throw new ChatError('CHAT_UNAVAILABLE', what);
  }

  const api = async (p: string, body: unknown) => post(`${apiUrl}${p}`, body, { 'x-acs-dingtalk-access-token': await accessToken() });

  async function upload(file: string, type: 'image' | 'file'): Promise<string> {
    const form = new FormData();
    form.append('media', new Blob([await fs.readFile(file)]), path.basename(file));
    const res = await fetch(`${oapiUrl}/media/upload?access_token=${encodeURIComponent(await accessToken())}&type=${type}`, { method: 'POST', body: form });
    const data = (await res.json().catch(() => ({}))) as { errcode?: number; errmsg?: string; media_id?: string };
    if (!res.ok || data.errcode || !data.media_id) throw new ChatError('CHAT_UNAVAILABLE', `钉钉上传文件失败：${data.errmsg ?? res.status}`);
    return data.media_id;
  }

  async function sendText(target: OutgoingMessage['target'], content: string) {
    const msgParam = JSON.stringify({ content });
    if (target.kind === 'group') await api('/v1.0/robot/groupMessages/send', { robotCode: opts.robotCode, openConversationId: target.ref, msgKey: 'sampleText', msgParam });
    else await sendOto(target.ref, 'sampleText', msgParam);
  }

  async function sendOto(userId: string, msgKey: string, msgParam: string) {
    const r = (await api('/v1.0/robot/oToMessages/batchSend', { robotCode: opts.robotCode, userIds: [userId], msgKey, msgParam })) as { invalidStaffIdList?: string[] };
    if (r.invalidStaffIdList?.includes(userId)) throw new ChatRejectedError(`钉钉没有用户 ${userId}（不在本组织或已离职）`, '在通讯录中核对此人的钉钉 userId');
  }

  async function sendMedia(target: OutgoingMessage['target'], file: string) {
    const type = IMAGE.test(file) ? 'image' : 'file';
    const mediaId = await upload(file, type);
    const [msgKey, param] = type === 'image'
      ? ['sampleImageMsg', { photoURL: mediaId }]
      : ['sampleFile', { mediaId, fileName: path.basename(file), fileType: path.extname(file).slice(1) || 'file' }];
    const msgParam = JSON.stringify(param);
    if (target.kind === 'group') await api('/v1.0/robot/groupMessages/send', { robotCode: opts.robotCode, openConversationId: target.ref, msgKey, msgParam });
    else await sendOto(target.ref, msgKey, msgParam);
  }

  const toIncoming = (r: RobotMessage): IncomingMessage => {
    const group = r.conversationType === '2';
    if (group && r.sessionWebhook) sessions.set(r.conversationId, { url: r.sessionWebhook, expires: r.sessionWebhookExpiredTime ?? now() + 60 * 60_000 });
    const type: IncomingMessage['type'] = r.msgtype === 'text' || r.msgtype === 'richText' ? 'text' : r.msgtype === 'picture' ? 'image' : r.msgtype === 'file' ? 'file' : 'other';
    const staff = r.senderStaffId ?? r.senderId ?? '';
    const m: IncomingMessage = {
      id: `dingtalk:${r.msgId}`,
      channel: 'dingtalk',
      ...(group ? { roomId: r.conversationId, ...(r.conversationTitle ? { roomTopic: r.conversationTitle } : {}) } : {}),
      talkerId: staff,
      talkerName: r.senderNick ?? staff,
      // The platform strips the @robot from the content and leaves the space.
      text: (r.text?.content ?? '').trim(),
      type,
      sentAt: new Date(r.createAt ?? now()),
      mentionsSelf: group || (r.text?.content ?? '').includes(`@${opts.botName}`),
    };
    const code = r.content?.downloadCode;
    if ((type === 'image' || type === 'file') && code) {
      m.saveAttachment = async (dir: string) => {
        const { downloadUrl } = (await api('/v1.0/robot/messageFiles/download', { downloadCode: code, robotCode: opts.robotCode })) as { downloadUrl: string };
        const res = await fetch(downloadUrl);
        const file = path.resolve(attachmentPath(dir, r.msgId, r.content?.fileName ?? (type === 'image' ? 'image.png' : 'file')));
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(file, Buffer.from(await res.arrayBuffer()));
        return file;
      };
    }
    return m;
  };

  return {
    channel: 'dingtalk',
    capabilities: DINGTALK_CAPABILITIES,
    status: events.status,
    onMessage: events.onMessage,
    onStatus: events.onStatus,
    async start() {
      if (closing) throw new ChatError('CHAT_UNAVAILABLE', '聊天通道已关闭，不能再启动');
      if (client) return;
      setStatus('starting');
      const c = new StreamClient({ clientId: opts.clientId, clientSecret: opts.clientSecret }, opts.gatewayUrl ?? DINGTALK_DEFAULTS.gatewayUrl, (up) => {
        if (closing) return;
        if (up) logger.info({ event: 'chat_login', channel: 'dingtalk' }, '钉钉 Stream 连接已建立');
        else logger.warn({ event: 'chat_logout', channel: 'dingtalk' }, '钉钉 Stream 连接断开，自动重连中');
        setStatus(up ? 'logged_in' : 'logged_out', up ? undefined : 'Stream 连接断开，自动重连中');
      });
      // Reconnect pace; the SDK's default is 1 s.
      (c as unknown as { reconnectInterval: number }).reconnectInterval = opts.reconnectMs ?? 1_000;
      c.registerCallbackListener(TOPIC_ROBOT, (frame: DWClientDownStream) => {
        let r: RobotMessage;
        try {
          r = JSON.parse(frame.data) as RobotMessage;
        } catch (e) {
          logger.warn({ event: 'chat_inbound_unreadable', err: e }, 'unreadable dingtalk callback');
          c.socketCallBackResponse(frame.headers.messageId, {});
          return;
        }
        const m = toIncoming(r);
        // Acknowledged once stored and handled: an unacknowledged message comes again (deduplicated by id).
        void events.dispatch(m).finally(() => c.socketCallBackResponse(frame.headers.messageId, {}));
      });
      client = c;
      void c.connect();
    },
    async send(msg: OutgoingMessage): Promise<SendReceipt> {
      if (!client || events.status() !== 'logged_in') {
        throw new ChatError('CHAT_UNAVAILABLE', `钉钉 Stream 连接未就绪（状态 ${events.status()}），消息留在发件箱稍后发送`, '检查 DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET 与网络');
      }
      const { target } = msg;
      const mentions = target.kind === 'group' ? (msg.mentions ?? []) : [];
      const degraded: string[] = [];
      const session = target.kind === 'group' ? sessions.get(target.ref) : undefined;
      const live = session && session.expires > now() + 60_000 ? session : undefined;
      const prefix = mentions.length ? (live ? mentions.map((id) => `@${id} `).join('') : mentionsAsText(mentions, msg.mentionNames)) : '';
      const parts = splitLongText(msg.text, DINGTALK_CAPABILITIES.maxTextLength - prefix.length);
      window.check(target.ref, parts.length + (msg.attachment ? 1 : 0));
      for (const [i, part] of parts.entries()) {
        if (i === 0 && mentions.length && live) {
          // Within the reply window: the session webhook can @ people for real.
          await post(live.url, { msgtype: 'text', text: { content: `${prefix}${part}` }, at: { atUserIds: mentions } }, {});
        } else {
          await sendText(target, i === 0 ? `${prefix}${part}` : part);
          if (i === 0 && mentions.length) degraded.push(`钉钉群推送不能@人，已在正文中写明：${prefix.trim()}`);
        }
        window.record(target.ref);
      }
      if (msg.attachment) {
        await sendMedia(target, msg.attachment);
        window.record(target.ref);
      }
      return { degraded };
    },
    close() {
      return (closing ??= (async () => {
        client?.removeAllListeners();
        client?.disconnect();
        setStatus('stopped');
      })());
    },
  };
}
