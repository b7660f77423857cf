import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWechatyChat, type WechatyChat } from '../../src/adapters/chat/create-wechaty-chat.ts';
import { createInboundHandler, type InboundHandler } from '../../src/chat/create-inbound-handler.ts';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { createCadenceEngine, reminderCounts } from '../../src/engine/create-cadence-engine.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import type { IncomingMessage } from '../../src/ports/chat.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { createPrismaWorkStore } from '../../src/store/prisma-work-store.ts';
import { openTestDatabase, type DbKind } from '../helpers/databases.ts';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { until } from './chat-port-conformance.ts';

type Mocker = NonNullable<WechatyChat['mocker']>;
type ContactMock = ReturnType<Mocker['createContact']>;
type RoomMock = ReturnType<Mocker['createRoom']>;

export interface BotMessage {
  roomId?: string;
  to?: string;
  text?: string;
}

/**
 * A small world for the inbound pipeline: a database with a plan of five tasks, three units, their
 * contacts, an admin and a leader; mock WeChat contacts and groups for them; the chat adapter and
 * the inbound handler wired as the app wires them; and a tiny outbox loop that sends queued rows.
 */
export async function openChatWorld(db: Database, opts: { withEngine?: boolean } = {}) {
  await emptyDatabase(db);
  const prisma = db.prisma;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-inbound-'));
  const clock = new ManualClock('2026-05-11T02:00:00Z');
  const calendar = createCalendar({});
  const chat = createWechatyChat({ puppet: 'mock', botName: '督办助手', dataDir, logger: silentLogger });
  const mocker = chat.mocker!;

  const bot = mocker.createContact({ name: '督办助手' });
  const wang = mocker.createContact({ name: '王科长' }); // 区商务局 contact
  const zhao = mocker.createContact({ name: '赵干事' }); // 区商务局 B角, known only by name
  const stranger = mocker.createContact({ name: '路人甲' }); // in the group, not a contact
  const liu = mocker.createContact({ name: '刘股长' }); // 区住建局 contact
  const admin = mocker.createContact({ name: '李主任' }); // 督办室 admin
  const leader = mocker.createContact({ name: '张副区长' });
  const shangwu = mocker.createRoom({ topic: '区商务局工作群', memberIdList: [bot.id, wang.id, zhao.id, stranger.id, admin.id] });
  const zhujian = mocker.createRoom({ topic: '区住建局工作群', memberIdList: [bot.id, liu.id, admin.id] });
  const office = mocker.createRoom({ topic: '督办室工作群', memberIdList: [bot.id, admin.id] });
  const unbound = mocker.createRoom({ topic: '区财政局工作群', memberIdList: [bot.id, admin.id, wang.id] });

  const plan = await prisma.plan.create({ data: { sourceDocument: 'test-plan.docx', title: '测试方案', mechanisms: [] } });
  const [uShangwu, uZhujian, uCaizheng] = await Promise.all(
    ['区商务局', '区住建局', '区财政局'].map((name) => prisma.unit.create({ data: { name, kind: 'department', aliases: [name.replace(/^区/, '')] } })),
  );
  const titles = ['加快惠企政策落实落地', '支持引导企业增产扩产', '强化金融帮扶实体经济', '推动重大项目征收拆迁', '开展消费促进活动'];
  const tasks = [];
  for (const [i, title] of titles.entries()) {
    tasks.push(await prisma.task.create({
      data: {
        planId: plan.id, no: String(i + 1), seq: i + 1, title, text: `${title}。具体内容略。`,
        deadline: i === 1 ? new Date('2026-04-30T00:00:00Z') : new Date('2026-12-31T00:00:00Z'), deadlineKind: 'date',
        units: { create: [{ role: 'lead', rawName: i === 3 ? '区住建局' : '区商务局', unitId: i === 3 ? uZhujian!.id : uShangwu!.id }] },
        assignments: { create: [{ role: 'lead', unitId: i === 3 ? uZhujian!.id : uShangwu!.id }] },
      },
    }));
  }
  const pWang = await prisma.person.create({ data: { name: '王科长', kind: 'contact', unitId: uShangwu!.id, chatId: wang.id } });
  await prisma.person.create({ data: { name: '赵干事', kind: 'contact', unitId: uShangwu!.id, chatName: '赵干事' } });
  await prisma.person.create({ data: { name: '刘股长', kind: 'contact', unitId: uZhujian!.id, chatId: liu.id } });
  await prisma.person.create({ data: { name: '李主任', kind: 'admin', isAdmin: true, chatId: admin.id } });
  const pLeader = await prisma.person.create({ data: { name: '张副区长', kind: 'leader', chatId: leader.id } });
  await prisma.taskLeader.create({ data: { taskId: tasks[2]!.id, personId: pLeader.id } });
  const gShangwu = await prisma.chatGroup.create({ data: { topic: '区商务局工作群', roomId: shangwu.id, units: { create: [{ unitId: uShangwu!.id }] } } });
  await prisma.chatGroup.create({ data: { topic: '区住建局工作群', units: { create: [{ unitId: uZhujian!.id }] } } }); // by topic only
  await prisma.chatGroup.create({ data: { topic: '督办室工作群', roomId: office.id, isOffice: true } });

  const engine = opts.withEngine
    ? createCadenceEngine({ prisma, calendar, clock, logger: silentLogger, cadenceFile: 'config/cadences.json', templatesFile: 'config/templates.json' })
    : undefined;
  const handler: InboundHandler = createInboundHandler({
    prisma, work: createPrismaWorkStore(prisma), clock, calendar, logger: silentLogger, dataDir, admins: [], botName: '督办助手',
    ...(engine ? { cadences: engine, pushNow: () => engine.pushNow('weekly_reminder').then(reminderCounts) } : {}),
  });
  let handled = 0;
  chat.onMessage(async (m) => {
    await handler.handle(m);
    handled++;
  });
  const botMessages: BotMessage[] = [];
  mocker.puppet.on('message', ({ messageId }) => {
    const p = mocker.messagePayload(messageId);
    if (p.talkerId === bot.id) botMessages.push({ roomId: p.roomId, to: p.listenerId, text: p.text });
  });
  await chat.start();
  mocker.login(bot);
  await until(() => chat.status() === 'logged_in');

  /** Says something as `who` in `where` and waits until the handler has finished with it. */
  const say = async (who: ContactMock, where: RoomMock | ContactMock, text: string | Parameters<ContactMock['say']>[0], mentionBot = false) => {
    const before = handled;
    who.say(text, mentionBot ? [bot] : []).to(where);
    await until(() => handled > before);
  };

  /** The tiny outbox loop: sends every pending row through the adapter, oldest first. */
  const flushOutbox = async () => {
    const rows = await prisma.outbox.findMany({ where: { status: 'pending' }, orderBy: { id: 'asc' } });
    const before = botMessages.length;
    for (const r of rows) {
      await chat.send({ target: { kind: r.targetKind as 'group' | 'person', ref: r.targetRef }, text: r.text, mentions: r.mentions, ...(r.attachment ? { attachment: r.attachment } : {}) });
      await prisma.outbox.update({ where: { id: r.id }, data: { status: 'sent', sentAt: clock.now() } });
    }
    if (rows.length) await until(() => botMessages.length > before);
    return rows;
  };

  const incoming = (over: Partial<IncomingMessage>): IncomingMessage => ({
    id: `direct-${Math.random().toString(36).slice(2)}`, channel: 'wechaty', roomId: shangwu.id, roomTopic: '区商务局工作群',
    talkerId: wang.id, talkerName: '王科长', text: '', type: 'text', sentAt: clock.now(), mentionsSelf: false, ...over,
  });

  return {
    db, prisma, dataDir, clock, chat, mocker, handler, engine, bot, wang, zhao, stranger, liu, admin, leader,
    rooms: { shangwu, zhujian, office, unbound }, units: { shangwu: uShangwu!, zhujian: uZhujian!, caizheng: uCaizheng! },
    tasks, pWang, gShangwu, botMessages, say, flushOutbox, incoming,
    /** Waits until the handler has finished `n` messages in all. */
    handledCount: (n: number) => until(() => handled >= n),
    async close() {
      await chat.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opening a migrated database per test is slow; tests share one per kind and empty it instead. */
export async function openSharedDatabase(kind: DbKind): Promise<Database> {
  return openTestDatabase(kind);
}

async function emptyDatabase(db: Database): Promise<void> {
  const rows = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  );
  await db.prisma.$executeRawUnsafe(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

export type ChatWorld = Awaited<ReturnType<typeof openChatWorld>>;

/**
 * The hooks every chat test file of one database kind needs: one shared database for the file, a
 * fresh chat world (emptied database, mock groups, bot) for each test, both closed after. `use`
 * receives them before each test.
 */
export function chatWorldPerTest(kind: DbKind, use: (w: ChatWorld, db: Database) => void): void {
  let db: Database;
  let w: ChatWorld | undefined;
  beforeAll(async () => {
    db = await openSharedDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    w = await openChatWorld(db);
    use(w, db);
  });
  afterEach(async () => {
    await w?.close();
  });
}
