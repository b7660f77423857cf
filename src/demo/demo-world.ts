import crypto from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { mock } from 'wechaty-puppet-mock';
import type { Clock } from '../ports/clock.ts';
import type { DemoPeople } from './demo-people.ts';
import { demoReply, isPrompt } from './demo-reply.ts';

type Mocker = mock.Mocker;
type ContactMock = ReturnType<Mocker['createContact']>;
type RoomMock = ReturnType<Mocker['createRoom']>;

export interface DemoWorld {
  rooms: Map<string, RoomMock>;
  contacts: Map<string, ContactMock>;
  bot: ContactMock;
  close(): void;
}

export interface DemoWorldOptions {
  mocker: Mocker;
  people: DemoPeople;
  botName: string;
  clock: Clock;
  /** Prints one line of the conversation (the demo's terminal view). */
  print: (line: string) => void;
  /** Chance that a mentioned contact answers a reminder; they answer "now and then". */
  answerRate?: number;
  /** Delay range for answers, ms. */
  answerDelayMs?: [number, number];
  random?: () => number;
  /** Names (canonical and aliases) of a contact's unit, so it answers for its own tasks. */
  unitNamesOf?: (chatId: string) => readonly string[];
}

/**
 * The simulated side of the demo: the people and groups of demo/people.json as mock WeChat
 * contacts and rooms, the bot logged in, and unit contacts who answer reminders now and then.
 */
export function startDemoWorld(opts: DemoWorldOptions): DemoWorld {
  const { mocker, people, clock, print } = opts;
  const random = opts.random ?? Math.random;
  const [minDelay, maxDelay] = opts.answerDelayMs ?? [4_000, 30_000];
  const bot = mocker.createContact({ id: 'demo-bot', name: opts.botName });
  const contacts = new Map<string, ContactMock>();
  for (const p of [...people.admins, ...people.leaders, ...people.contacts]) {
    if (!contacts.has(p.chatId)) contacts.set(p.chatId, mocker.createContact({ id: p.chatId, name: p.name }));
  }
  const rooms = new Map<string, RoomMock>();
  for (const g of people.groups) {
    const members = people.contacts.filter((c) => g.units.includes(c.unit)).map((c) => c.chatId);
    if (g.office || g.allUnits) members.push(...people.admins.map((a) => a.chatId));
    const id = `${crypto.createHash('sha1').update(g.topic).digest('hex').slice(0, 12)}@chatroom`;
    rooms.set(g.topic, mocker.createRoom({ id, topic: g.topic, memberIdList: [bot.id, ...new Set(members)] }));
  }
  const nameOf = (id: string) => (id === bot.id ? opts.botName : (contacts.get(id)?.payload.name ?? id));
  const timers = new AbortController();
  // Every pending answer listens on this one signal.
  setMaxListeners(0, timers.signal);

  const onMessage = ({ messageId }: { messageId: string }) => {
    const m = mocker.messagePayload(messageId);
    const room = m.roomId ? [...rooms.values()].find((r) => r.id === m.roomId) : undefined;
    const where = room ? room.payload.topic : `私聊 ${nameOf(m.talkerId)} → ${nameOf(m.listenerId ?? '')}`;
    const text = m.text ?? (m.type ? '[文件]' : '');
    print(`[${where}] ${nameOf(m.talkerId)}：${text}`);
    if (m.talkerId !== bot.id || !room || !isPrompt(text)) return;
    // The bot @-mentioned someone: each mentioned contact may answer after a while.
    for (const c of contacts.values()) {
      if (!text.includes(`@${c.payload.name}`) || random() > (opts.answerRate ?? 0.6)) continue;
      const reply = demoReply(text, random, opts.unitNamesOf?.(c.id) ?? []);
      if (!reply) continue;
      const delay = minDelay + random() * (maxDelay - minDelay);
      void clock.sleep(delay, timers.signal).then(() => {
        if (!timers.signal.aborted) c.say(reply, [bot]).to(room);
      });
    }
  };
  mocker.puppet.on('message', onMessage);
  mocker.login(bot);
  return {
    rooms,
    contacts,
    bot,
    close: () => {
      timers.abort();
      mocker.puppet.off('message', onMessage);
    },
  };
}
