import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface DingtalkSent {
  via: 'group' | 'oto' | 'session';
  to: string;
  msgKey: string;
  text: string;
  atUserIds: string[];
  at: number;
}

const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';

/**
 * DingTalk on 127.0.0.1, for the official `dingtalk-stream` SDK and our OpenAPI calls, speaking
 * the platform's wire protocol:
 * - Stream mode: POST /v1.0/gateway/connections/open (clientId + clientSecret + subscriptions →
 *   endpoint + ticket), a WebSocket with SYSTEM `ping` frames the client must answer, CALLBACK
 *   frames on /v1.0/im/bot/messages/get that must be acknowledged by messageId (unacknowledged
 *   ones are delivered again, as the platform does for 60 s);
 * - OpenAPI: /v1.0/oauth2/accessToken, /v1.0/robot/groupMessages/send (no @ on this path),
 *   /v1.0/robot/oToMessages/batchSend, /v1.0/robot/messageFiles/download, oapi /media/upload;
 * - the per-message session webhook (`sessionWebhook`, ~90 min) that can @ people.
 * Errors as the platform gives them: HTTP 429 QpsLimit, 400 for a conversation the robot is not in.
 */
export class FakeDingtalkServer {
  readonly sent: DingtalkSent[] = [];
  readonly acks: string[] = [];
  /** Groups the robot is installed in (openConversationId → title). */
  readonly groups = new Map<string, string>();
  /** Staff ids in the organisation; one-to-one sends to anyone else come back in invalidStaffIdList. */
  readonly staff = new Set<string>();
  /** Client ids the gateway accepted (Stream-mode authentication: clientId + clientSecret → ticket). */
  readonly streamLogins: string[] = [];
  online = true;
  pingAnswers = 0;
  connections = 0;
  tokenRequests = 0;
  /** The next N OpenAPI sends answer HTTP 429. */
  throttleNext = 0;
  redeliverMs = 0;
  private server!: http.Server;
  private wss!: WebSocketServer;
  private live: WebSocket | undefined;
  private tickets = new Set<string>();
  private seq = 0;
  private sessions = new Map<string, { conversationId: string; expires: number }>();
  private pending = new Map<string, NodeJS.Timeout>();
  private now: () => number;

  constructor(
    readonly clientId = 'ding-client',
    readonly clientSecret = 'ding-secret',
    readonly robotCode = 'ding-robot',
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get gatewayUrl(): string {
    return `${this.url}/v1.0/gateway/connections/open`;
  }

  get connected(): boolean {
    return !!this.live;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      const ticket = new URL(req.url ?? '', 'http://x').searchParams.get('ticket') ?? '';
      if (!this.online || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this.url;
  }

  login(): void {
    this.online = true;
  }

  /** Cuts the stream; `offline` also refuses the next connections. */
  drop(offline = true): void {
    if (offline) this.online = false;
    this.live?.terminate();
    this.live = undefined;
  }

  /** Sends the SYSTEM ping the platform uses to check the client. */
  ping(): void {
    this.live?.send(JSON.stringify({ specVersion: '1.0', type: 'SYSTEM', headers: { topic: 'ping', messageId: this.id('ping'), contentType: 'application/json', time: String(this.now()) }, data: JSON.stringify({ opaque: this.id('o') }) }));
  }

  /** A user @s the robot in a group: the only group messages Stream mode delivers. */
  groupMessage(conversationId: string, staffId: string, nick: string, text: string): string {
    this.staff.add(staffId);
    if (!this.groups.has(conversationId)) this.groups.set(conversationId, `群${conversationId}`);
    return this.callback({ conversationId, conversationType: '2', conversationTitle: this.groups.get(conversationId), senderStaffId: staffId, senderNick: nick, msgtype: 'text', text: { content: ` ${text}` }, isInAtList: true });
  }

  singleMessage(staffId: string, nick: string, text: string): string {
    this.staff.add(staffId);
    return this.callback({ conversationId: `single-${staffId}`, conversationType: '1', senderStaffId: staffId, senderNick: nick, msgtype: 'text', text: { content: text } });
  }

  async close(): Promise<void> {
    for (const t of this.pending.values()) clearTimeout(t);
    for (const c of this.wss.clients) c.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private id(p: string) {
    return `${p}-${++this.seq}-${crypto.randomBytes(3).toString('hex')}`;
  }

  private callback(data: Record<string, unknown>): string {
    const ws = this.live;
    if (!ws) throw new Error('fake dingtalk: no stream connection');
    const msgId = this.id('msg');
    const session = this.id('session');
    this.sessions.set(session, { conversationId: String(data.conversationId), expires: this.now() + 90 * 60_000 });
    const payload = {
      chatbotCorpId: 'ding-corp', chatbotUserId: 'bot-user', msgId, isAdmin: false, senderCorpId: 'ding-corp', senderId: `$:${data.senderStaffId}`,
      sessionWebhook: `${this.url}/robot/sendBySession?session=${session}`, sessionWebhookExpiredTime: this.now() + 90 * 60_000,
      createAt: this.now(), robotCode: this.robotCode, ...data,
    };
    const messageId = this.id('cb');
    const frame = JSON.stringify({ specVersion: '1.0', type: 'CALLBACK', headers: { appId: 'app', connectionId: 'conn', contentType: 'application/json', messageId, time: String(this.now()), topic: TOPIC_ROBOT }, data: JSON.stringify(payload) });
    ws.send(frame);
    if (this.redeliverMs) this.pending.set(messageId, setTimeout(() => this.live?.send(frame), this.redeliverMs));
    return msgId;
  }

  private onSocket(ws: WebSocket) {
    this.live?.terminate();
    this.live = ws;
    this.connections++;
    ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { code?: number; headers?: { messageId?: string; topic?: string } };
      const id = f.headers?.messageId ?? '';
      if (f.headers?.topic === 'ping') this.pingAnswers++;
      else if (id) {
        this.acks.push(id);
        clearTimeout(this.pending.get(id));
        this.pending.delete(id);
      }
    });
    ws.on('close', () => {
      if (this.live === ws) this.live = undefined;
    });
    ws.send(JSON.stringify({ specVersion: '1.0', type: 'SYSTEM', headers: { topic: 'CONNECTED', messageId: this.id('sys'), contentType: 'application/json', time: String(this.now()) }, data: '{}' }));
  }

  private async onHttp(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const body = (): Record<string, any> => (raw.length && String(req.headers['content-type']).includes('json') ? JSON.parse(raw.toString()) : {});
    const authed = () => req.headers['x-acs-dingtalk-access-token'] === 'token-1' || url.searchParams.get('access_token') === 'token-1';

    if (url.pathname === '/v1.0/gateway/connections/open') {
      const b = body();
      if (b.clientId !== this.clientId || b.clientSecret !== this.clientSecret) return json(401, { code: 'InvalidAuthentication', message: 'clientId or clientSecret invalid' });
      if (!this.online) return json(503, { code: 'ServiceUnavailable', message: 'try later' });
      if (!(b.subscriptions ?? []).some((s: { topic: string }) => s.topic === TOPIC_ROBOT)) return json(400, { code: 'InvalidSubscription', message: 'no robot topic' });
      const ticket = this.id('ticket');
      this.tickets.add(ticket);
      this.streamLogins.push(b.clientId);
      return json(200, { endpoint: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/connect`, ticket });
    }
    if (url.pathname === '/v1.0/oauth2/accessToken') {
      this.tokenRequests++;
      const b = body();
      if (b.appKey !== this.clientId || b.appSecret !== this.clientSecret) return json(400, { code: 'invalidClientIdOrSecret', message: '无效的clientId或clientSecret' });
      return json(200, { accessToken: 'token-1', expireIn: 7200 });
    }
    if (url.pathname === '/robot/sendBySession') {
      const s = this.sessions.get(url.searchParams.get('session') ?? '');
      if (!s || s.expires < this.now()) return json(200, { errcode: 300001, errmsg: 'session expired' });
      const b = body();
      const text = b.msgtype === 'markdown' ? String(b.markdown?.text ?? '') : String(b.text?.content ?? '');
      this.sent.push({ via: 'session', to: s.conversationId, msgKey: b.msgtype, text, atUserIds: b.at?.atUserIds ?? [], at: this.now() });
      return json(200, { errcode: 0, errmsg: 'ok' });
    }
    if (!authed()) return json(401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
    if (this.throttleNext > 0 && url.pathname.startsWith('/v1.0/robot/') && url.pathname.endsWith('send')) {
      this.throttleNext--;
      return json(429, { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: '调用接口超过流控限制' });
    }
    if (url.pathname === '/v1.0/robot/groupMessages/send') {
      const b = body();
      if (b.robotCode !== this.robotCode) return json(400, { code: 'invalidParameter.robotCode', message: 'robotCode 无效' });
      if (!this.groups.has(b.openConversationId)) return json(400, { code: 'resource.not.found', message: '机器人不在该群或群不存在' });
      this.sent.push({ via: 'group', to: b.openConversationId, msgKey: b.msgKey, text: textOf(b.msgKey, b.msgParam), atUserIds: [], at: this.now() });
      return json(200, { processQueryKey: this.id('pq') });
    }
    if (url.pathname === '/v1.0/robot/oToMessages/batchSend') {
      const b = body();
      const users: string[] = b.userIds ?? [];
      for (const u of users.filter((x) => this.staff.has(x))) this.sent.push({ via: 'oto', to: u, msgKey: b.msgKey, text: textOf(b.msgKey, b.msgParam), atUserIds: [], at: this.now() });
      return json(200, { processQueryKey: this.id('pq'), invalidStaffIdList: users.filter((x) => !this.staff.has(x)) });
    }
    if (url.pathname === '/media/upload') {
      if (!raw.includes(Buffer.from('filename='))) return json(200, { errcode: 40005, errmsg: '不支持的文件格式' });
      return json(200, { errcode: 0, errmsg: 'ok', media_id: `@media-${++this.seq}`, type: url.searchParams.get('type') });
    }
    return json(404, { code: 'NotFound', message: url.pathname });
  }
}

function textOf(msgKey: string, param: string): string {
  const p = JSON.parse(param || '{}') as Record<string, string>;
  if (msgKey === 'sampleText') return p.content ?? '';
  if (msgKey === 'sampleMarkdown') return p.text ?? '';
  if (msgKey === 'sampleImageMsg') return p.photoURL ?? '';
  if (msgKey === 'sampleFile') return p.fileName ?? '';
  return param;
}
