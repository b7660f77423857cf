import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWecomChat } from '../../src/adapters/chat/create-wecom-chat.ts';
import { ChatError, ChatRateLimitedError, ChatRejectedError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import type { ChatStatus } from '../../src/ports/chat.ts';
import { describeChatPortConformance, type SentRecord, until } from '../chat/chat-port-conformance.ts';
import { PNG_1PX, closingServerToo, evidenceImage, tempDir } from '../chat/test-files.ts';
import { FakeWecomServer } from './fake-wecom-server.ts';

const GROUP = 'wrkSWj01';
const MEMBER = 'WangKeZhang';

/** The real SDK, pointed at our fake platform; nothing inside the SDK is replaced. */
async function open(opts: { offline?: boolean } = {}) {
  const server = new FakeWecomServer();
  server.online = !opts.offline;
  const url = await server.start();
  const chat = createWecomChat({ botId: server.botId, secret: server.secret, wsUrl: url, botName: '督办助手', logger: silentLogger, reconnectBaseMs: 20, heartbeatMs: 200 });
  return { server, chat };
}

const servers: FakeWecomServer[] = [];

describeChatPortConformance('wecom aibot (official SDK ↔ fake WeCom server)', async () => {
  const { server, chat } = await open({ offline: true });
  servers.push(server);
  const imageFile = evidenceImage();
  return {
    chat: closingServerToo(chat, server),
    groupRef: GROUP,
    groupId: GROUP,
    memberId: MEMBER,
    memberName: MEMBER,
    mentionText: `<@${MEMBER}>`,
    imageFile,
    login: async () => server.login(),
    logout: async () => server.drop(true),
    memberSays: (text, o) => {
      // The platform delivers a group message only when it @s the bot.
      if (o?.mentionBot) server.groupMessage(GROUP, MEMBER, text);
    },
    memberSaysPrivately: (text) => void server.singleMessage(MEMBER, text),
    sent: () =>
      server.sent.map((s): SentRecord => ({ kind: s.chatid === MEMBER ? 'person' : 'group', to: s.chatid, text: s.content ?? '', type: s.msgtype === 'markdown' ? 'text' : 'file' })),
  };
});

describe('wecom adapter specifics', () => {
  let ctx: Awaited<ReturnType<typeof open>>;
  afterEach(async () => {
    await ctx?.chat.close();
    await ctx?.server.close();
  });

  const ready = async () => {
    ctx = await open();
    const statuses: [ChatStatus, string | undefined][] = [];
    ctx.chat.onStatus((s, d) => statuses.push([s, d]));
    await ctx.chat.start();
    await until(() => ctx.chat.status() === 'logged_in');
    return statuses;
  };

  it('authenticates with bot id and secret, and keeps the connection alive with pings', async () => {
    await ready();
    const sub = ctx.server.received.find((f) => f.cmd === 'aibot_subscribe');
    expect(sub?.body).toMatchObject({ bot_id: 'bot-duban', secret: 'secret-duban' });
    await until(() => ctx.server.pings >= 2);
  });

  it('refuses a chat that has never messaged the bot, for good, and accepts it after an @', async () => {
    await ready();
    const e = await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: '提醒' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ChatRejectedError);
    expect((e as ChatError).code).toBe('CHAT_REJECTED');
    ctx.server.groupMessage(GROUP, MEMBER, '你好');
    await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: '提醒', mentions: [MEMBER] });
    expect(ctx.server.pushedTo(GROUP).map((s) => s.content)).toEqual([`<@${MEMBER}>\n提醒`]);
  });

  it('answers the platform rate limit (45009) with ChatRateLimitedError, not a failure', async () => {
    await ready();
    ctx.server.groupMessage(GROUP, MEMBER, '你好');
    ctx.server.failNext = { errcode: 45009, errmsg: 'api freq out of limit', count: 1 };
    const e = await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: '一' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ChatRateLimitedError);
    expect((e as ChatRateLimitedError).retryAfterMs).toBeGreaterThan(0);
    await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: '二' });
    expect(ctx.server.pushedTo(GROUP)).toHaveLength(1);
  });

  it('keeps below 30 a minute per chat itself, before the platform refuses', async () => {
    await ready();
    ctx.server.groupMessage(GROUP, MEMBER, '你好');
    for (let i = 0; i < 30; i++) await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: `第${i}条` });
    await expect(ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: '第31条' })).rejects.toBeInstanceOf(ChatRateLimitedError);
    expect(ctx.server.pushedTo(GROUP)).toHaveLength(30);
  });

  it('reconnects by itself after a dropped connection and sends again', async () => {
    const statuses = await ready();
    ctx.server.groupMessage(GROUP, MEMBER, '你好');
    const before = ctx.server.connections;
    ctx.server.drop(false);
    await until(() => statuses.some(([s]) => s === 'logged_out'));
    await until(() => ctx.chat.status() === 'logged_in' && ctx.server.connections > before);
    await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: '重连后' });
    expect(ctx.server.pushedTo(GROUP).at(-1)?.content).toBe('重连后');
  });

  it('yields when another process takes the bot (one live connection per bot) and says why', async () => {
    const statuses = await ready();
    ctx.server.kick();
    const [, detail] = await until(() => statuses.find(([s]) => s === 'logged_out'));
    expect(detail).toContain('另一进程');
    await expect(ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: 'x' })).rejects.toBeInstanceOf(ChatError);
  });

  it('uploads an image in chunks and pushes it as an image message', async () => {
    await ready();
    ctx.server.groupMessage(GROUP, MEMBER, '你好');
    const dir = tempDir();
    const file = path.join(dir, 'report.png');
    fs.writeFileSync(file, Buffer.concat([PNG_1PX, Buffer.alloc(700 * 1024)]));
    await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: '本周汇总见图', attachment: file });
    expect(ctx.server.pushedTo(GROUP).map((s) => s.msgtype)).toEqual(['markdown', 'image']);
    expect(ctx.server.received.filter((f) => f.cmd === 'aibot_upload_media_chunk')).toHaveLength(2);
  });
});
