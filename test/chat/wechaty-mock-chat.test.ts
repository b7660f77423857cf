import fs from 'node:fs';
import path from 'node:path';
import { FileBox } from 'file-box';
import { describe, expect, it } from 'vitest';
import { createWechatyChat } from '../../src/adapters/chat/create-wechaty-chat.ts';
import { ChatError, ChatRejectedError, ConfigError } from '../../src/errors.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { describeChatPortConformance, type SentRecord, until } from './chat-port-conformance.ts';
import { PNG_1PX, tempDir } from './test-files.ts';

describeChatPortConformance('wechaty + puppet-mock', async () => {
  const dataDir = tempDir();
  const imageFile = path.join(dataDir, 'evidence.png');
  fs.writeFileSync(imageFile, PNG_1PX);
  const chat = createWechatyChat({ puppet: 'mock', botName: '督办助手', dataDir, logger: silentLogger });
  const mocker = chat.mocker!;
  const me = mocker.createContact({ name: '督办助手' });
  const member = mocker.createContact({ name: '王科长' });
  const room = mocker.createRoom({ topic: '区商务局工作群', memberIdList: [me.id, member.id] });
  const sent: SentRecord[] = [];
  mocker.puppet.on('message', ({ messageId }) => {
    const p = mocker.messagePayload(messageId);
    if (p.talkerId !== me.id) return;
    sent.push({
      kind: p.roomId ? 'group' : 'person',
      to: p.roomId ?? p.listenerId ?? '',
      text: p.text ?? '',
      type: p.text === undefined ? 'file' : 'text',
    });
  });
  return {
    chat,
    groupRef: room.id,
    groupId: room.id,
    groupTopic: '区商务局工作群',
    memberId: member.id,
    memberName: '王科长',
    imageFile,
    login: async () => mocker.login(me),
    logout: async () => {
      await mocker.puppet.logout();
    },
    memberSays: (text, o) => member.say(o?.mentionBot ? `@督办助手 ${text}` : text, o?.mentionBot ? [me] : []).to(room),
    memberSaysPrivately: (text) => member.say(text).to(me),
    memberSendsImage: () => member.say(FileBox.fromBase64(PNG_1PX.toString('base64'), 'photo.png')).to(room),
    sent: () => sent,
  };
});

describe('wechaty adapter specifics', () => {
  it('an unknown group or contact is retried while the lists may still sync after login, then refused for good', async () => {
    const clock = new ManualClock('2026-05-11T01:00:00Z');
    const chat = createWechatyChat({ puppet: 'mock', botName: '督办助手', dataDir: tempDir(), logger: silentLogger, now: () => clock.now().getTime() });
    const mocker = chat.mocker!;
    const me = mocker.createContact({ name: '督办助手' });
    await chat.start();
    mocker.login(me);
    await until(() => chat.status() === 'logged_in');
    const toRoom = () => chat.send({ target: { kind: 'group', ref: '区水务局工作群' }, text: '提醒' });
    const toPerson = () => chat.send({ target: { kind: 'person', ref: 'no-such-contact' }, text: '提醒' });
    // Just logged in: a transient ChatError (the outbox retries with backoff).
    for (const send of [toRoom, toPerson]) {
      const e = await send().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ChatError);
      expect(e).not.toBeInstanceOf(ChatRejectedError);
    }
    // A room that appears within the grace is reached.
    const member = mocker.createContact({ name: '赵科长' });
    mocker.createRoom({ topic: '区水务局工作群', memberIdList: [me.id, member.id] });
    await expect(toRoom()).resolves.toMatchObject({ degraded: [] });
    // Logged in for more than ten minutes: what is still not there is refused for good.
    await clock.advance(10 * 60_000 + 1);
    await expect(toPerson()).rejects.toBeInstanceOf(ChatRejectedError);
    await expect(chat.send({ target: { kind: 'group', ref: '区不存在局群' }, text: '提醒' })).rejects.toThrow(/不再重试/);
    await chat.close();
  });

  it('saves an image message into the given folder', async () => {
    const dataDir = tempDir();
    const chat = createWechatyChat({ puppet: 'mock', botName: '督办助手', dataDir, logger: silentLogger });
    const mocker = chat.mocker!;
    const me = mocker.createContact({ name: '督办助手' });
    const member = mocker.createContact({ name: '李四' });
    const room = mocker.createRoom({ topic: '区住建局工作群', memberIdList: [me.id, member.id] });
    const got: string[] = [];
    chat.onMessage(async (m) => {
      if (m.saveAttachment) got.push(await m.saveAttachment(path.join(dataDir, 'evidence')));
    });
    await chat.start();
    mocker.login(me);
    await until(() => chat.status() === 'logged_in');
    member.say(FileBox.fromBase64(PNG_1PX.toString('base64'), 'site-photo.png')).to(room);
    const [file] = await until(() => (got.length ? got : undefined));
    expect(fs.readFileSync(file!)).toEqual(PNG_1PX);
    expect(path.dirname(file!)).toBe(path.join(dataDir, 'evidence'));
    await chat.close();
  });

  it('finds the @-mention in the text when the puppet gives no mention list', async () => {
    const dataDir = tempDir();
    const chat = createWechatyChat({ puppet: 'mock', botName: '督办助手', dataDir, logger: silentLogger });
    const mocker = chat.mocker!;
    const me = mocker.createContact({ name: '督办助手' });
    const member = mocker.createContact({ name: '李四' });
    const room = mocker.createRoom({ topic: '区住建局工作群', memberIdList: [me.id, member.id] });
    const got: boolean[] = [];
    chat.onMessage(async (m) => void got.push(m.mentionsSelf));
    await chat.start();
    mocker.login(me);
    await until(() => chat.status() === 'logged_in');
    member.say('@督办助手 帮助').to(room);
    await until(() => got.length > 0);
    expect(got).toEqual([true]);
    await chat.close();
  });

  it('shows the login QR in the terminal and saves it as a PNG in the data folder', async () => {
    const dataDir = tempDir();
    const printed: string[] = [];
    const chat = createWechatyChat({ puppet: 'mock', botName: '督办助手', dataDir, logger: silentLogger, print: (s) => printed.push(s) });
    const events: [string, string | undefined][] = [];
    chat.onStatus((s, detail) => events.push([s, detail]));
    await chat.start();
    chat.mocker!.scan('https://login.weixin.qq.com/l/test-qr');
    const [, file] = await until(() => events.find(([s, d]) => s === 'waiting_scan' && d?.endsWith('.png')));
    expect(file).toBe(path.join(dataDir, 'login-qr.png'));
    expect(fs.readFileSync(file!).subarray(1, 4).toString()).toBe('PNG');
    expect(printed.join('\n')).toContain('扫码登录');
    await chat.close();
  });

  it('builds the wechat4u puppet without starting it', async () => {
    const { createPuppet } = await import('../../src/adapters/chat/create-puppet.ts');
    const puppet = await createPuppet('wechat4u', {});
    expect(typeof puppet.start).toBe('function');
  });

  it('requires a token for the service puppet', async () => {
    const chat = createWechatyChat({ puppet: 'service', botName: '督办助手', dataDir: tempDir(), logger: silentLogger });
    await expect(chat.start()).rejects.toBeInstanceOf(ConfigError);
    expect(chat.mocker).toBeUndefined();
    await chat.close();
  });
});
