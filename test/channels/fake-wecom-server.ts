import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One frame the bot pushed (aibot_send_msg), as the platform saw it. */
export interface WecomSent {
  chatid: string;
  msgtype: string;
  content?: string;
  mediaId?: string;
  at: number;
}

interface Frame {
  cmd?: string;
  headers?: { req_id?: string };
  body?: Record<string, unknown>;
}

/**
 * A WeCom 智能机器人 long-connection server on 127.0.0.1, speaking the wire protocol the official
 * SDK speaks (the one at wss://openws.work.weixin.qq.com): `aibot_subscribe` with bot id + secret,
 * `ping` heartbeats, `aibot_msg_callback` frames for messages that @ the bot, `aibot_send_msg`
 * pushes acknowledged by req_id with an errcode, chunked media upload, and `disconnected_event`
 * when a newer connection takes over. Its rules follow the platform's documented ones: a chat may
 * be pushed to only after it has messaged the bot; ~30 pushes a minute per chat (errcode 45009
 * beyond); an unknown chat id is errcode 93006.
 *
 * `online = false` holds authentication unanswered (the bot waits, as when the tenant is down);
 * `drop()` cuts the socket so the SDK reconnects.
 */
export class FakeWecomServer {
  readonly sent: WecomSent[] = [];
  readonly received: Frame[] = [];
  /** Chats (group chatids and user ids for single chats) that have messaged the bot. */
  readonly knownChats = new Set<string>();
  online = true;
  perChatPerMinute = 30;
  /** The next N pushes are answered with this errcode (tests of transient platform errors). */
  failNext: { errcode: number; errmsg: string; count: number } | undefined;
  /** Ack delay, to make the platform slow. */
  ackDelayMs = 0;
  pings = 0;
  connections = 0;
  private wss!: WebSocketServer;
  private live: WebSocket | undefined;
  private held: { ws: WebSocket; reqId: string }[] = [];
  private uploads = new Map<string, { chunks: number; got: number; type: string }>();
  private media = 0;
  private seq = 0;
  private now: () => number;

  constructor(
    readonly botId = 'bot-duban',
    readonly secret = 'secret-duban',
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  async start(): Promise<string> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.wss.once('listening', () => r()));
    this.wss.on('connection', (ws) => {
      this.connections++;
      ws.on('message', (data) => this.onFrame(ws, JSON.parse(String(data)) as Frame));
      ws.on('close', () => {
        if (this.live === ws) this.live = undefined;
        this.held = this.held.filter((h) => h.ws !== ws);
      });
    });
    return this.url;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  get authenticated(): boolean {
    return !!this.live;
  }

  /** Goes online and answers any authentication held while offline. */
  login(): void {
    this.online = true;
    for (const h of this.held.splice(0)) this.authOk(h.ws, h.reqId);
  }

  /** Cuts the live connection; `offline` also holds the next authentication. */
  drop(offline = true): void {
    if (offline) this.online = false;
    this.live?.terminate();
    this.live = undefined;
  }

  /** What the platform does when a second process connects with the same bot: the old one is told and cut. */
  kick(): void {
    const ws = this.live;
    if (!ws) return;
    ws.send(JSON.stringify({ cmd: 'aibot_event_callback', headers: { req_id: this.reqId('evt') }, body: { msgid: this.reqId('m'), aibotid: this.botId, msgtype: 'event', create_time: this.now(), from: { userid: '' }, event: { eventtype: 'disconnected_event' } } }));
    this.live = undefined;
  }

  /** A user @s the bot in a group (the only group messages the platform delivers). */
  groupMessage(chatid: string, userid: string, text: string, botName = '督办助手'): string {
    this.knownChats.add(chatid);
    return this.callback({ chatid, chattype: 'group', from: { userid }, msgtype: 'text', text: { content: `@${botName} ${text}` } });
  }

  /** A user writes to the bot in a single chat. */
  singleMessage(userid: string, text: string): string {
    this.knownChats.add(userid);
    return this.callback({ chattype: 'single', from: { userid }, msgtype: 'text', text: { content: text } });
  }

  pushedTo(chatid: string): WecomSent[] {
    return this.sent.filter((s) => s.chatid === chatid);
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  private callback(body: Record<string, unknown>): string {
    const ws = this.live;
    if (!ws) throw new Error('fake wecom: no authenticated connection to deliver to');
    const msgid = this.reqId('msg');
    ws.send(JSON.stringify({ cmd: 'aibot_msg_callback', headers: { req_id: this.reqId('cb') }, body: { msgid, aibotid: this.botId, create_time: this.now(), response_url: '', ...body } }));
    return msgid;
  }

  private reqId(p: string) {
    return `${p}_${++this.seq}_${crypto.randomBytes(3).toString('hex')}`;
  }

  private ack(ws: WebSocket, reqId: string, errcode = 0, errmsg = 'ok', body?: Record<string, unknown>) {
    const send = () => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg, ...(body ? { body } : {}) }));
    if (this.ackDelayMs) setTimeout(send, this.ackDelayMs);
    else send();
  }

  private authOk(ws: WebSocket, reqId: string) {
    if (this.live && this.live !== ws) this.kick();
    this.live = ws;
    this.ack(ws, reqId);
  }

  private onFrame(ws: WebSocket, f: Frame) {
    this.received.push(f);
    const reqId = f.headers?.req_id ?? '';
    const body = f.body ?? {};
    switch (f.cmd) {
      case 'aibot_subscribe':
        if (body.bot_id !== this.botId || body.secret !== this.secret) return this.ack(ws, reqId, 40001, 'invalid secret');
        if (!this.online) return void this.held.push({ ws, reqId });
        return this.authOk(ws, reqId);
      case 'ping':
        this.pings++;
        return this.ack(ws, reqId);
      case 'aibot_send_msg': {
        if (ws !== this.live) return this.ack(ws, reqId, 40014, 'connection not authenticated');
        if (this.failNext && this.failNext.count > 0) {
          this.failNext.count--;
          return this.ack(ws, reqId, this.failNext.errcode, this.failNext.errmsg);
        }
        const chatid = String(body.chatid ?? '');
        if (!this.knownChats.has(chatid)) return this.ack(ws, reqId, 93006, 'invalid chatid');
        const minuteAgo = this.now() - 60_000;
        if (this.sent.filter((s) => s.chatid === chatid && s.at > minuteAgo).length >= this.perChatPerMinute) {
          return this.ack(ws, reqId, 45009, 'api freq out of limit');
        }
        const msgtype = String(body.msgtype);
        if (msgtype === 'text') return this.ack(ws, reqId, 40008, 'invalid message type');
        const part = body[msgtype] as { content?: string; media_id?: string } | undefined;
        this.sent.push({ chatid, msgtype, ...(part?.content !== undefined ? { content: part.content } : {}), ...(part?.media_id ? { mediaId: part.media_id } : {}), at: this.now() });
        return this.ack(ws, reqId, 0, 'ok', { msgid: this.reqId('sent') });
      }
      case 'aibot_upload_media_init': {
        const id = this.reqId('up');
        this.uploads.set(id, { chunks: Number(body.total_chunks), got: 0, type: String(body.type) });
        return this.ack(ws, reqId, 0, 'ok', { upload_id: id });
      }
      case 'aibot_upload_media_chunk': {
        const u = this.uploads.get(String(body.upload_id));
        if (!u) return this.ack(ws, reqId, 40001, 'invalid upload_id');
        u.got++;
        return this.ack(ws, reqId);
      }
      case 'aibot_upload_media_finish': {
        const u = this.uploads.get(String(body.upload_id));
        if (!u || u.got !== u.chunks) return this.ack(ws, reqId, 40001, 'upload incomplete');
        return this.ack(ws, reqId, 0, 'ok', { media_id: `media-${++this.media}`, type: u.type, created_at: String(this.now()) });
      }
      default:
        return this.ack(ws, reqId, 40001, `unknown cmd ${f.cmd}`);
    }
  }
}
