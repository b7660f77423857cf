// The send path per official channel with pacing off, against our fake platforms on 127.0.0.1:
// a raw baseline speaking the same wire protocol with no SDK and no adapter (raw ws frames for
// WeCom, raw fetch for DingTalk), then the adapter on the official SDK, then the whole outbox
// path (claim → delivery policy → adapter → mark sent) on embedded PGlite. The gap between the
// baseline and the adapter is our cost; the platforms' own limits (30/min per WeCom chat, 20/min
// per DingTalk group) are far below either. The Wechaty adapter is measured over the mock puppet
// (no wire: Wechaty's and our own cost only).
import crypto from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createCalendar } from '../src/adapters/calendar/create-calendar.ts';
import { createRehearsalChat } from '../src/adapters/chat/rehearsal-chat.ts';
import { createDingtalkChat } from '../src/adapters/chat/create-dingtalk-chat.ts';
import { createWecomChat } from '../src/adapters/chat/create-wecom-chat.ts';
import { createWechatyChat } from '../src/adapters/chat/create-wechaty-chat.ts';
import { decideDelivery } from '../src/domain/delivery/index.ts';
import { silentLogger } from '../src/log/create-logger.ts';
import { createOutboxSender } from '../src/outbox/create-outbox-sender.ts';
import { enqueueOutbox } from '../src/outbox/enqueue-outbox.ts';
import type { ChatPort } from '../src/ports/chat.ts';
import { systemClock } from '../src/ports/clock.ts';
import { openDatabase } from '../src/store/open-database.ts';
import { FakeDingtalkServer } from '../test/channels/fake-dingtalk-server.ts';
import { FakeWecomServer } from '../test/channels/fake-wecom-server.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 600);
const GROUPS = 60; // N / GROUPS per group stays under the per-chat limits within a run
const TEXT = '【周调度提醒】区商务局：请于5月14日（周四）17:00前报送以下任务进展。\n第3项 繁荣现代商贸提振大宗消费｜时限：2026年12月底｜上次进展：60%';
const group = (i: number) => `grp${i % GROUPS}`;
const rate = (n: number, ms: number) => `${n} in ${(ms / 1000).toFixed(2)} s = ${((n / ms) * 1000).toFixed(0)} msg/s`;
const until = async (f: () => boolean) => {
  while (!f()) await new Promise((r) => setTimeout(r, 5));
};

async function timed(label: string, n: number, run: () => Promise<void>) {
  const t0 = performance.now();
  await run();
  console.log(`${label.padEnd(44)} ${rate(n, performance.now() - t0)}`);
}

async function outboxPath(label: string, chat: ChatPort) {
  const db = await openDatabase({ dataDir: 'memory://' });
  try {
    const calendar = createCalendar({});
    const batch = crypto.randomBytes(3).toString('hex');
    await enqueueOutbox(db.prisma, Array.from({ length: N }, (_, i) => ({ idempotencyKey: `bench:${batch}:${i}`, target: { kind: 'group', ref: group(i) }, text: TEXT, mentions: [`user${i % GROUPS}`], notBefore: new Date(0) })));
    const sender = createOutboxSender({
      prisma: db.prisma, chat, clock: systemClock, logger: silentLogger, sendPerMinute: 0, sendJitterMs: 0, maxAttempts: 3,
      gate: (row, now) => decideDelivery(row, now, calendar, { window: 'always' }),
    });
    let sent = 0;
    await timed(label, N, async () => {
      sent = await sender.flushOnce();
    });
    if (sent !== N) throw new Error(`${label}: sent ${sent} of ${N}`);
    await sender.close();
  } finally {
    await db.close();
  }
}

async function wecom() {
  const server = new FakeWecomServer();
  server.perChatPerMinute = 1_000_000;
  const url = await server.start();
  for (let i = 0; i < GROUPS; i++) server.knownChats.add(group(i));

  // Baseline: the same frames over a raw socket, one at a time, each waiting for its ack.
  const ws = new WebSocket(url);
  await new Promise((r) => ws.once('open', r));
  const acks = new Map<string, () => void>();
  ws.on('message', (d) => acks.get((JSON.parse(String(d)) as { headers: { req_id: string } }).headers.req_id)?.());
  const frame = (cmd: string, body: object) => {
    const req_id = `${cmd}_${crypto.randomBytes(6).toString('hex')}`;
    return new Promise<void>((resolve) => {
      acks.set(req_id, resolve);
      ws.send(JSON.stringify({ cmd, headers: { req_id }, body }));
    });
  };
  await frame('aibot_subscribe', { bot_id: server.botId, secret: server.secret });
  await timed('wecom  baseline (raw ws frames + ack)', N, async () => {
    for (let i = 0; i < N; i++) await frame('aibot_send_msg', { chatid: group(i), msgtype: 'markdown', markdown: { content: `<@user${i % GROUPS}>\n${TEXT}` } });
  });
  ws.close();

  const chat = createWecomChat({ botId: server.botId, secret: server.secret, wsUrl: url, botName: '督办助手', logger: silentLogger });
  await chat.start();
  await until(() => chat.status() === 'logged_in');
  await timed('wecom  adapter (official SDK)', N, async () => {
    for (let i = 0; i < N; i++) await chat.send({ target: { kind: 'group', ref: group(i) }, text: TEXT, mentions: [`user${i % GROUPS}`] });
  });
  await chat.close();
  // A fresh adapter for the outbox run, so its per-chat window starts empty.
  const chat2 = createWecomChat({ botId: server.botId, secret: server.secret, wsUrl: url, botName: '督办助手', logger: silentLogger });
  await chat2.start();
  await until(() => chat2.status() === 'logged_in');
  await outboxPath('wecom  outbox → adapter (PGlite)', chat2);
  await chat2.close();
  await server.close();
}

async function dingtalk() {
  const server = new FakeDingtalkServer();
  await server.start();
  for (let i = 0; i < GROUPS; i++) server.groups.set(group(i), `群${i}`);
  const post = async (p: string, body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return res.json() as Promise<Record<string, string>>;
  };
  const { accessToken } = await post('/v1.0/oauth2/accessToken', { appKey: server.clientId, appSecret: server.clientSecret });
  await timed('dingtalk baseline (raw fetch group send)', N, async () => {
    for (let i = 0; i < N; i++) {
      await post('/v1.0/robot/groupMessages/send', { robotCode: server.robotCode, openConversationId: group(i), msgKey: 'sampleText', msgParam: JSON.stringify({ content: TEXT }) }, { 'x-acs-dingtalk-access-token': accessToken! });
    }
  });
  const open = async () => {
    const chat = createDingtalkChat({ clientId: server.clientId, clientSecret: server.clientSecret, robotCode: server.robotCode, gatewayUrl: server.gatewayUrl, apiUrl: server.url, oapiUrl: server.url, botName: '督办助手', logger: silentLogger });
    await chat.start();
    await until(() => chat.status() === 'logged_in');
    return chat;
  };
  const chat = await open();
  await timed('dingtalk adapter (Stream SDK up, OpenAPI)', N, async () => {
    for (let i = 0; i < N; i++) await chat.send({ target: { kind: 'group', ref: group(i) }, text: TEXT, mentions: [`user${i % GROUPS}`], mentionNames: { [`user${i % GROUPS}`]: '王科长' } });
  });
  await chat.close();
  const chat2 = await open();
  await outboxPath('dingtalk outbox → adapter (PGlite)', chat2);
  await chat2.close();
  await server.close();
}

async function wechaty() {
  // The personal-account adapter over the Wechaty mock puppet: no wire, so this is the adapter's
  // own cost plus Wechaty's (room lookup by topic, member lookup for the @); no per-chat window.
  const chat = createWechatyChat({ puppet: 'mock', botName: '督办助手', dataDir: os.tmpdir(), logger: silentLogger });
  const mocker = chat.mocker!;
  const me = mocker.createContact({ name: '督办助手' });
  for (let i = 0; i < GROUPS; i++) {
    const member = mocker.createContact({ id: `user${i}`, name: `联络员${i}` });
    mocker.createRoom({ topic: group(i), memberIdList: [me.id, member.id] });
  }
  await chat.start();
  mocker.login(me);
  await until(() => chat.status() === 'logged_in');
  await timed('wechaty adapter (mock puppet)', N, async () => {
    for (let i = 0; i < N; i++) await chat.send({ target: { kind: 'group', ref: group(i) }, text: TEXT, mentions: [`user${i % GROUPS}`] });
  });
  await outboxPath('wechaty outbox → adapter (PGlite)', chat);
  await chat.close();
}

console.log(`${N} messages to ${GROUPS} groups, pacing off, one sender, sequential (as the outbox sends):`);
// The outbox's own cost, with a chat that returns at once: the floor for the outbox rows below.
await outboxPath('in-process chat: outbox → rehearsal chat', createRehearsalChat(systemClock));
await wecom();
await dingtalk();
await wechaty();
console.log('Real platforms allow ~30 msg/min per WeCom chat and ~20 msg/min per DingTalk group; the default pacing is 6/min per account.');
