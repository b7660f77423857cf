import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatError, ChatRejectedError } from '../../src/errors.ts';
import type { ChatPort, ChatStatus, IncomingMessage } from '../../src/ports/chat.ts';

export interface SentRecord {
  kind: 'group' | 'person';
  /** Room id or contact id the text went to. */
  to: string;
  text: string;
  type: 'text' | 'file';
}

/** What the shared suite needs from a channel under test: a way to play the other people. */
export interface ChatPortDriver {
  chat: ChatPort;
  /** A group the bot is in, as OutgoingMessage.target.ref takes it (id or topic). */
  groupRef: string;
  groupId: string;
  /** The group's topic, on channels that address groups by topic (capabilities.groupsByTopic). */
  groupTopic?: string;
  /** A member of that group, also reachable privately. */
  memberId: string;
  memberName: string;
  login(): Promise<void>;
  logout(): Promise<void>;
  /** The member speaks in the group; on channels that only see @-messages, one without @ never arrives. */
  memberSays(text: string, opts?: { mentionBot?: boolean }): void;
  memberSaysPrivately(text: string): void;
  /** Only on channels whose capabilities say group media reach the bot. */
  memberSendsImage?(): void;
  /** How a native or degraded @-mention of the member looks in the sent text (default `@name`). */
  mentionText?: string;
  sent(): SentRecord[];
  /** A small local image file to send as an attachment. */
  imageFile: string;
}

/** Polls a condition; channels deliver asynchronously. Short real-time polling, no fixed sleeps. */
export const until = <T>(fn: () => T | undefined | false, timeout = 15_000) =>
  vi.waitFor(
    () => {
      const v = fn();
      if (!v) throw new Error('not yet');
      return v;
    },
    { timeout, interval: 10 },
  );

/**
 * The ChatPort contract every chat adapter must keep. Run it with a driver for the adapter:
 * `describeChatPortConformance('wechaty mock', makeDriver)`.
 */
export function describeChatPortConformance(name: string, makeDriver: () => Promise<ChatPortDriver>): void {
  describe(`ChatPort conformance: ${name}`, () => {
    let d: ChatPortDriver;
    let statuses: ChatStatus[];
    let inbox: IncomingMessage[];

    beforeEach(async () => {
      d = await makeDriver();
      statuses = [];
      inbox = [];
      d.chat.onStatus((s) => statuses.push(s));
      d.chat.onMessage(async (m) => {
        inbox.push(m);
      });
      await d.chat.start();
    });
    afterEach(async () => {
      await d.chat.close();
    });

    const mention = () => d.mentionText ?? `@${d.memberName}`;
    /** Channels that may not push to a silent chat need the group and the member to speak first (the binding ritual). */
    const prime = async () => {
      if (d.chat.capabilities.pushToSilentChat) return;
      const before = inbox.length;
      d.memberSays('绑定', { mentionBot: true });
      d.memberSaysPrivately('你好');
      await until(() => inbox.length >= before + 2);
      inbox.splice(before);
    };

    it('declares its capabilities', () => {
      const c = d.chat.capabilities;
      expect(['native', 'reply-window', 'text']).toContain(c.mentions);
      expect(c.maxTextLength).toBeGreaterThan(100);
      expect(d.chat.channel).toMatch(/^(wechaty|wecom|dingtalk|rehearsal)$/);
    });

    it('reports login and logout as status events', async () => {
      expect(d.chat.status()).not.toBe('logged_in');
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      await d.logout();
      await until(() => d.chat.status() === 'logged_out');
      expect(statuses).toContain('logged_in');
      expect(statuses.at(-1)).toBe('logged_out');
    });

    it('comes back after a logout and a new login (reconnect), and sends again', async () => {
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      await d.logout();
      await until(() => d.chat.status() === 'logged_out');
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      expect(statuses.filter((s) => s === 'logged_in')).toHaveLength(2);
      await prime();
      await d.chat.send({ target: { kind: 'group', ref: d.groupRef }, text: '重新登录后的提醒' });
      await until(() => d.sent().some((s) => s.text === '重新登录后的提醒'));
    });

    it('refuses to send when not logged in, with a ChatError, so the outbox keeps the message', async () => {
      await expect(d.chat.send({ target: { kind: 'group', ref: d.groupRef }, text: '提醒' })).rejects.toBeInstanceOf(ChatError);
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      await d.logout();
      await until(() => d.chat.status() === 'logged_out');
      await expect(d.chat.send({ target: { kind: 'group', ref: d.groupRef }, text: '提醒' })).rejects.toBeInstanceOf(ChatError);
      expect(d.sent()).toEqual([]);
    });

    it('sends to a group by id (or topic), @-mentioning members, and to a person', async () => {
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      await prime();
      const receipt = await d.chat.send({ target: { kind: 'group', ref: d.groupId }, text: '请报送本周进展', mentions: [d.memberId], mentionNames: { [d.memberId]: d.memberName } });
      expect(Array.isArray(receipt?.degraded ?? [])).toBe(true);
      await d.chat.send({ target: { kind: 'group', ref: d.chat.capabilities.groupsByTopic ? d.groupTopic! : d.groupId }, text: '第二条' });
      await d.chat.send({ target: { kind: 'person', ref: d.memberId }, text: '私聊提醒' });
      const sent = await until(() => (d.sent().length >= 3 ? d.sent() : undefined));
      expect(sent[0]).toMatchObject({ kind: 'group', to: d.groupId });
      expect(sent[0]!.text).toContain(mention());
      expect(sent[0]!.text).toContain('请报送本周进展');
      expect(sent[1]).toMatchObject({ kind: 'group', to: d.groupId, text: '第二条' });
      expect(sent[2]).toMatchObject({ kind: 'person', to: d.memberId, text: '私聊提醒' });
    });

    it('pushToSilentChat tells the truth: a private push to a member who never wrote is refused for good exactly when it says false', async () => {
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      const push = d.chat.send({ target: { kind: 'person', ref: d.memberId }, text: '未曾私聊的提醒' });
      if (d.chat.capabilities.pushToSilentChat) {
        await push;
        await until(() => d.sent().find((s) => s.kind === 'person' && s.text === '未曾私聊的提醒'));
      } else {
        // What the outbox relies on to hold such messages instead of attempting them (private-chat-hold.ts).
        await expect(push).rejects.toBeInstanceOf(ChatRejectedError);
        expect(d.sent().filter((s) => s.kind === 'person')).toEqual([]);
      }
    });

    it('throws a ChatError for an unknown group or person', async () => {
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      await expect(d.chat.send({ target: { kind: 'group', ref: '不存在的群' }, text: 'x' })).rejects.toBeInstanceOf(ChatError);
      await expect(d.chat.send({ target: { kind: 'person', ref: 'nobody-here' }, text: 'x' })).rejects.toBeInstanceOf(ChatError);
    });

    it('splits a long text into parts within the limit, mentioning once', async () => {
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      await prime();
      const line = '第1项 加快惠企政策落实落地，截止2026-12-31，上次进展60%。\n';
      const text = line.repeat(120);
      await d.chat.send({ target: { kind: 'group', ref: d.groupId }, text, mentions: [d.memberId], mentionNames: { [d.memberId]: d.memberName } });
      const sent = await until(() => (d.sent().length >= 2 ? d.sent() : undefined));
      expect(sent.every((s) => s.text.length <= d.chat.capabilities.maxTextLength + 100)).toBe(true);
      expect(sent.filter((s) => s.text.includes(mention()))).toHaveLength(1);
      expect(sent.map((s) => s.text.replace(mention(), '').replace(/^\s+/, '')).join('\n').replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
    });

    it('sends an attachment after the text', async () => {
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      await prime();
      await d.chat.send({ target: { kind: 'group', ref: d.groupId }, text: '本周汇总见附件', attachment: d.imageFile });
      const sent = await until(() => (d.sent().length >= 2 ? d.sent() : undefined));
      expect(sent.map((s) => s.type)).toEqual(['text', 'file']);
    });

    it('delivers group and private messages with who, where and whether the bot was mentioned', async () => {
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      const sees = d.chat.capabilities.seesUnmentioned;
      d.memberSays('第3项已完成60%', { mentionBot: true });
      d.memberSays('大家好');
      d.memberSaysPrivately('我的任务');
      await until(() => inbox.length >= (sees ? 3 : 2));
      const byText = (t: string) => inbox.find((m) => m.text.includes(t))!;
      expect(byText('第3项')).toMatchObject({ roomId: d.groupId, talkerId: d.memberId, talkerName: d.memberName, type: 'text', mentionsSelf: true });
      if (d.groupTopic) expect(byText('第3项').roomTopic).toBe(d.groupTopic);
      if (sees) expect(byText('大家好').mentionsSelf).toBe(false);
      else expect(inbox.some((m) => m.text.includes('大家好'))).toBe(false);
      expect(byText('我的任务').roomId).toBeUndefined();
      expect(new Set(inbox.map((m) => m.id)).size).toBe(sees ? 3 : 2);
      expect(inbox.every((m) => m.sentAt instanceof Date)).toBe(true);
    });

    it("does not deliver the bot's own messages", async () => {
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      await prime();
      await d.chat.send({ target: { kind: 'group', ref: d.groupId }, text: '机器人自己的话' });
      d.memberSays('成员的话', { mentionBot: !d.chat.capabilities.seesUnmentioned });
      await until(() => inbox.length >= 1 && d.sent().length >= 1);
      expect(inbox.map((m) => m.text.replace(/^@\S+\s*/, ''))).toEqual(['成员的话']);
    });

    it('delivers an image with a way to save it (where group media reach the bot)', async () => {
      if (!d.chat.capabilities.receivesGroupMedia || !d.memberSendsImage) return;
      await d.login();
      await until(() => d.chat.status() === 'logged_in');
      d.memberSendsImage();
      const [img] = await until(() => (inbox.length ? inbox : undefined));
      expect(img!.type).toBe('image');
      expect(img!.saveAttachment).toBeTypeOf('function');
    });

    it('can be closed twice', async () => {
      await d.chat.close();
      await d.chat.close();
      expect(d.chat.status()).toBe('stopped');
    });
  });
}
