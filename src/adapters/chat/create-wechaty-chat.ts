import fs from 'node:fs/promises';
import path from 'node:path';
import { FileBox } from 'file-box';
import { WechatyBuilder, type Contact, type Wechaty } from 'wechaty';
import { mock } from 'wechaty-puppet-mock';
import { ChatError, ChatRejectedError } from '../../errors.ts';
import type { Logger } from '../../log/create-logger.ts';
import { type ChatPort, type ChatStatus, type IncomingMessage, type OutgoingMessage, type SendReceipt } from '../../ports/chat.ts';
import { createMockPuppet, createPuppet, type PuppetKind } from './create-puppet.ts';
import { saveLoginQr } from './save-login-qr.ts';
import { WECHATY_CAPABILITIES } from './channel-capabilities.ts';
import { splitLongText } from './split-long-text.ts';
import { toIncomingMessage } from './to-incoming-message.ts';

export interface WechatyChatOptions {
  puppet: PuppetKind;
  token?: string;
  botName: string;
  /** The login QR image is written here. */
  dataDir: string;
  logger: Logger;
  /** Use this Mocker instead of a new one (mock puppet only). */
  mocker?: mock.Mocker;
  /** Where the terminal QR goes; default stderr. */
  print?: (s: string) => void;
  /** The clock in ms (the app's injected clock); default Date.now. */
  now?: () => number;
  /**
   * How long after login an unknown group or contact may still be the puppet's lists catching up
   * (default 10 min): within it a send is retried, after it the refusal is permanent.
   */
  unknownTargetGraceMs?: number;
}

/** A file as base64, the one FileBox form every puppet (mock included) can serialise. */
async function fileBox(file: string) {
  return FileBox.fromBase64((await fs.readFile(file)).toString('base64'), path.basename(file));
}


export type WechatyChat = ChatPort & {
  /** The mock puppet's world: create contacts and rooms, log the bot in, make contacts talk. */
  readonly mocker?: mock.Mocker;
};

/**
 * The chat port on Wechaty. The puppet is chosen by config; with the mock puppet the bot is logged
 * in by whoever drives the Mocker (demo world, tests). Messages the bot itself sent come back as
 * self messages and are dropped here.
 */
export function createWechatyChat(opts: WechatyChatOptions): WechatyChat {
  const { logger, botName } = opts;
  const print = opts.print ?? ((s: string) => process.stderr.write(`${s}\n`));
  let state: ChatStatus = 'stopped';
  const now = opts.now ?? Date.now;
  const graceMs = opts.unknownTargetGraceMs ?? 10 * 60_000;
  let loggedInAt = 0;
  /**
   * A target the bot cannot find. Right after login the puppet may not have synced its room and
   * contact lists yet, so it is worth retrying; logged in for longer than the grace, the group or
   * person is really not there (bot removed, wrong id) and retrying cannot help.
   */
  const notFound = (what: string, hint: string): ChatError =>
    now() - loggedInAt > graceMs ? new ChatRejectedError(`${what}（登录已超过 ${Math.round(graceMs / 60_000)} 分钟，不再重试）`, hint) : new ChatError('CHAT_UNAVAILABLE', what, hint);
  const messageHandlers: ((m: IncomingMessage) => Promise<void>)[] = [];
  const statusHandlers: ((s: ChatStatus, detail?: string) => void)[] = [];
  let bot: Wechaty | undefined;
  // The Mocker exists from the start, so the demo and tests can build their world before start().
  const mocker: mock.Mocker | undefined = opts.puppet === 'mock' ? (opts.mocker ?? new mock.Mocker()) : undefined;
  let ready: Promise<Wechaty> | undefined;
  let closing: Promise<void> | undefined;

  const setStatus = (s: ChatStatus, detail?: string) => {
    state = s;
    for (const h of statusHandlers) {
      try {
        h(s, detail);
      } catch (e) {
        logger.error({ err: e }, 'chat status handler failed');
      }
    }
  };

  // The mock puppet is made at once (it binds the Mocker, which the demo uses before start()).
  const mockPuppet = mocker ? createMockPuppet(mocker) : undefined;

  const build = async (): Promise<Wechaty> => {
    const puppet = mockPuppet ?? (await createPuppet(opts.puppet, { token: opts.token }));
    const b = WechatyBuilder.build({ puppet });
    b.on('scan', (qrcode, status) => {
      if (!qrcode) return;
      void saveLoginQr(qrcode, opts.dataDir, print)
        .then((file) => setStatus('waiting_scan', file))
        .catch((e) => {
          logger.error({ err: e }, 'saving the login QR failed');
          setStatus('waiting_scan', `scan status ${status}`);
        });
    });
    b.on('login', (user) => {
      logger.info({ event: 'chat_login', user: user.name() }, `微信已登录：${user.name()}`);
      loggedInAt = now();
      setStatus('logged_in', user.name());
    });
    b.on('logout', (user, reason) => {
      logger.warn({ event: 'chat_logout', user: user.name(), reason }, '微信已退出登录，待发消息留在发件箱');
      setStatus('logged_out', reason);
    });
    b.on('error', (e) => logger.error({ event: 'chat_error', err: e }, 'wechaty error'));
    b.on('message', async (msg) => {
      try {
        if (msg.self()) return;
        const incoming = await toIncomingMessage(msg, botName);
        for (const h of messageHandlers) await h(incoming);
      } catch (e) {
        logger.error({ event: 'chat_inbound_failed', err: e, messageId: msg.id }, 'handling an inbound message failed');
      }
    });
    return b;
  };

  const findContact = async (b: Wechaty, id: string): Promise<Contact | undefined> =>
    (await b.Contact.find({ id })) ?? undefined;

  const findRoom = async (b: Wechaty, ref: string) =>
    (ref.includes('@') ? await b.Room.find({ id: ref }) : undefined) ?? (await b.Room.find({ topic: ref })) ?? undefined;

  return {
    channel: 'wechaty',
    capabilities: WECHATY_CAPABILITIES,
    ...(mocker ? { mocker } : {}),
    status: () => state,
    onMessage(handler) {
      messageHandlers.push(handler);
    },
    onStatus(handler) {
      statusHandlers.push(handler);
    },
    async start() {
      if (closing) throw new ChatError('CHAT_UNAVAILABLE', '聊天通道已关闭，不能再启动');
      ready ??= (async () => {
        setStatus('starting');
        bot = await build();
        await bot.start();
        if (!bot.isLoggedIn) setStatus('waiting_scan');
        return bot;
      })();
      await ready;
    },
    async send(msg: OutgoingMessage): Promise<SendReceipt> {
      const b = bot;
      if (!b || state !== 'logged_in' || !b.isLoggedIn) {
        throw new ChatError('CHAT_UNAVAILABLE', `微信未登录（状态 ${state}），消息留在发件箱稍后发送`, '扫码登录后会自动补发');
      }
      const parts = splitLongText(msg.text);
      const degraded: string[] = [];
      try {
        if (msg.target.kind === 'group') {
          const room = await findRoom(b, msg.target.ref);
          if (!room) throw notFound(`找不到群聊“${msg.target.ref}”`, '确认机器人在群内，群名与配置一致，或在群里发“绑定 单位名”');
          // Group members who are not the bot's friends are found among the room's members.
          const wanted = msg.mentions ?? [];
          const members = wanted.length ? await room.memberAll().catch(() => [] as Contact[]) : [];
          const found = await Promise.all(wanted.map(async (id) => members.find((c) => c.id === id) ?? (await findContact(b, id))));
          const mentions = found.filter((c): c is Contact => !!c);
          const missing = wanted.filter((_, i) => !found[i]);
          if (missing.length) degraded.push(`${missing.length} 个被@的人不在群内，未能@：${missing.map((id) => msg.mentionNames?.[id] ?? id).join('、')}`);
          for (const [i, part] of parts.entries()) {
            // @-mention once, on the first part; the rest continue the same message.
            if (i === 0 && mentions.length > 0) await room.say(part, ...mentions);
            else await room.say(part);
          }
          if (msg.attachment) await room.say(await fileBox(msg.attachment));
        } else {
          const contact = await findContact(b, msg.target.ref);
          if (!contact) throw notFound(`找不到联系人 ${msg.target.ref}`, '确认对方是机器人的好友，通讯录中的 chatId 正确');
          for (const part of parts) await contact.say(part);
          if (msg.attachment) await contact.say(await fileBox(msg.attachment));
        }
      } catch (e) {
        if (e instanceof ChatError) throw e;
        throw new ChatError('CHAT_UNAVAILABLE', `发送失败：${(e as Error).message}`, undefined, { cause: e });
      }
      return { degraded };
    },
    close() {
      return (closing ??= (async () => {
        const b = await ready?.catch(() => undefined);
        if (b) await b.stop().catch((e: unknown) => logger.warn({ err: e }, 'wechaty stop failed'));
        setStatus('stopped');
      })());
    },
  };
}
