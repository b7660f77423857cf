import { afterEach, describe, expect, it } from 'vitest';
import { createDingtalkChat } from '../../src/adapters/chat/create-dingtalk-chat.ts';
import { ChatRateLimitedError, ChatRejectedError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import type { ChatStatus, IncomingMessage } from '../../src/ports/chat.ts';
import { describeChatPortConformance, type SentRecord, until } from '../chat/chat-port-conformance.ts';
import { closingServerToo, evidenceImage } from '../chat/test-files.ts';
import { FakeDingtalkServer } from './fake-dingtalk-server.ts';

const GROUP = 'cidSHANGWU==';
const MEMBER = 'staff-wang';

/** The real dingtalk-stream SDK and our OpenAPI calls, pointed at our fake DingTalk. */
async function open(opts: { offline?: boolean } = {}) {
  const server = new FakeDingtalkServer();
  server.online = !opts.offline;
  await server.start();
  server.groups.set(GROUP, '区商务局工作群');
  server.staff.add(MEMBER);
  const chat = createDingtalkChat({
    clientId: server.clientId, clientSecret: server.clientSecret, robotCode: server.robotCode,
    gatewayUrl: server.gatewayUrl, apiUrl: server.url, oapiUrl: server.url, botName: '督办助手', logger: silentLogger, reconnectMs: 30,
  });
  return { server, chat };
}

describeChatPortConformance('dingtalk (dingtalk-stream SDK + OpenAPI ↔ fake DingTalk)', async () => {
  const { server, chat } = await open({ offline: true });
  const imageFile = evidenceImage();
  return {
    chat: closingServerToo(chat, server),
    groupRef: GROUP,
    groupId: GROUP,
    memberId: MEMBER,
    memberName: '王科长',
    imageFile,
    login: async () => server.login(),
    logout: async () => server.drop(true),
    memberSays: (text, o) => {
      if (o?.mentionBot) server.groupMessage(GROUP, MEMBER, '王科长', text);
    },
    memberSaysPrivately: (text) => void server.singleMessage(MEMBER, '王科长', text),
    sent: () =>
      server.sent.map((s): SentRecord => ({ kind: s.via === 'oto' ? 'person' : 'group', to: s.to, text: s.text, type: s.msgKey === 'sampleText' || s.msgKey === 'text' ? 'text' : 'file' })),
  };
});

describe('dingtalk adapter specifics', () => {
  let ctx: Awaited<ReturnType<typeof open>>;
  afterEach(async () => {
    await ctx?.chat.close();
    await ctx?.server.close();
  });
  const ready = async () => {
    ctx = await open();
    const statuses: ChatStatus[] = [];
    const inbox: IncomingMessage[] = [];
    ctx.chat.onStatus((s) => statuses.push(s));
    ctx.chat.onMessage(async (m) => void inbox.push(m));
    await ctx.chat.start();
    await until(() => ctx.chat.status() === 'logged_in');
    return { statuses, inbox };
  };

  it('acknowledges each callback, answers SYSTEM pings, and carries staff id, nick and group title', async () => {
    const { inbox } = await ready();
    ctx.server.groupMessage(GROUP, MEMBER, '王科长', '第1项已完成');
    const [m] = await until(() => (inbox.length ? inbox : undefined));
    expect(m).toMatchObject({ channel: 'dingtalk', roomId: GROUP, roomTopic: '区商务局工作群', talkerId: MEMBER, talkerName: '王科长', text: '第1项已完成', mentionsSelf: true });
    await until(() => ctx.server.acks.length === 1);
    ctx.server.ping();
    await until(() => ctx.server.pingAnswers === 1);
  });

  it('@s people for real within the reply window, and writes names in text (saying so) outside it', async () => {
    await ready();
    const outside = await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: '请报送', mentions: [MEMBER], mentionNames: { [MEMBER]: '王科长' } });
    expect(outside?.degraded.join('')).toContain('不能@人');
    expect(ctx.server.sent.at(-1)).toMatchObject({ via: 'group', text: '@王科长 请报送', atUserIds: [] });
    ctx.server.groupMessage(GROUP, MEMBER, '王科长', '在吗');
    await until(() => ctx.server.acks.length === 1);
    const inside = await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: '已记录', mentions: [MEMBER] });
    expect(inside?.degraded).toEqual([]);
    expect(ctx.server.sent.at(-1)).toMatchObject({ via: 'session', to: GROUP, text: `@${MEMBER} 已记录`, atUserIds: [MEMBER] });
  });

  it('a group the robot is not in is a permanent refusal; HTTP 429 is a rate limit', async () => {
    await ready();
    await expect(ctx.chat.send({ target: { kind: 'group', ref: 'cidUNKNOWN' }, text: 'x' })).rejects.toBeInstanceOf(ChatRejectedError);
    ctx.server.throttleNext = 1;
    await expect(ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: 'y' })).rejects.toBeInstanceOf(ChatRateLimitedError);
    await ctx.chat.send({ target: { kind: 'group', ref: GROUP }, text: 'z' });
    expect(ctx.server.sent.map((s) => s.text)).toEqual(['z']);
    expect(ctx.server.tokenRequests).toBe(1); // the token is cached
  });

  it('reconnects through the gateway after a dropped stream', async () => {
    const { statuses } = await ready();
    const before = ctx.server.connections;
    ctx.server.drop(false);
    await until(() => statuses.includes('logged_out'));
    await until(() => ctx.chat.status() === 'logged_in' && ctx.server.connections > before);
  });

  it('an unacknowledged callback comes again and is not handled twice downstream (same id)', async () => {
    ctx = await open();
    ctx.server.redeliverMs = 50;
    const ids: string[] = [];
    let first = true;
    ctx.chat.onMessage(async (m) => {
      ids.push(m.id);
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, 150)); // slow handling: the platform redelivers meanwhile
      }
    });
    await ctx.chat.start();
    await until(() => ctx.chat.status() === 'logged_in');
    ctx.server.groupMessage(GROUP, MEMBER, '王科长', '进展');
    await until(() => ids.length >= 2);
    expect(new Set(ids).size).toBe(1); // same message id: storeInbound keeps it once
  });
});
