import path from 'node:path';
import type { CliIo } from '../cli/command.ts';
import type { Config } from '../config/config-schema.ts';
import { atLocal, toLocalDate, toLocalTime } from '../domain/calendar/shanghai-time.ts';
import { readDemoPeople } from '../demo/demo-people.ts';
import { startDemoWorld, type DemoWorld } from '../demo/demo-world.ts';
import { demoUnitsFile, loadDemo } from '../demo/load-demo.ts';
import { createLogger } from '../log/create-logger.ts';
import { createApp } from './create-app.ts';
import { reminderCounts } from '../engine/create-cadence-engine.ts';
import { firstAdminLink } from '../console/console-auth.ts';
import { waitForSignal } from './wait-for-signal.ts';

const DEMO_PEOPLE_FILE = 'demo/people.json';

/** `duban start`: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function startBot(configured: Config, io: CliIo): Promise<number> {
  // The demo is the mock WeChat world; an official channel is never a demo unless asked.
  const demo = configured.demo ?? (configured.channel === 'wechaty' && configured.puppet === 'mock');
  // The mock puppet cannot be banned: the demo paces at 30 a minute so replies show within the first
  // minute, unless the operator set a pace. Real accounts keep the conservative default.
  const mockDemo = demo && configured.channel === 'wechaty' && configured.puppet === 'mock';
  const paced: Config =
    mockDemo && io.env.DUBAN_SEND_PER_MINUTE === undefined ? { ...configured, sendPerMinute: 30, sendJitterMs: Math.min(configured.sendJitterMs, 500) } : configured;
  // A demo shows the loop whenever it is started, evenings included, unless the operator set a window.
  const config: Config = mockDemo && io.env.DUBAN_SEND_WINDOW === undefined ? { ...paced, sendWindow: 'always' } : paced;
  const logFile = config.logFile || (demo ? path.join(config.dataDir, 'duban.log') : '');
  const logger = createLogger({ level: config.logLevel, file: logFile || undefined });
  const say = (line: string) => io.stdout.write(`${line}\n`);
  // Listen from the first moment: a Ctrl-C while starting up finishes the start, then shuts down cleanly.
  const stopRequested = waitForSignal(() => say('再次收到退出信号：立即退出，未发出的消息留在发件箱，下次启动继续发送。'));
  say(config.databaseUrl ? '正在连接数据库……' : `正在打开内置数据库 ${path.resolve(config.dataDir)}（首次启动需初始化，稍候）……`);
  const app = await createApp(config, { logger });
  let world: DemoWorld | undefined;
  try {
    const people = demo ? readDemoPeople(DEMO_PEOPLE_FILE) : undefined;
    if (people) {
      const loaded = await loadDemo(app.prisma, { planFile: config.demoPlanFile, people, unitsFile: demoUnitsFile(config.unitsFile) });
      say(`演示数据：${loaded.plan}（${loaded.tasks} 项任务，${loaded.units} 个单位，${people.groups.length} 个模拟群）`);
    }
    await app.start();
    if (people) {
      const mocker = app.chat.mocker;
      if (!mocker) throw new Error('demo mode needs the mock puppet');
      const contacts = await app.prisma.person.findMany({ where: { kind: 'contact' }, include: { unit: true } });
      const unitNames = new Map(contacts.map((c) => [c.chatId, c.unit ? [c.unit.name, ...c.unit.aliases] : []]));
      world = startDemoWorld({
        mocker,
        people,
        unitNamesOf: (id) => unitNames.get(id) ?? [],
        botName: config.botName,
        clock: app.clock,
        print: (line) => say(`${toLocalDate(app.clock.now()).slice(5)} ${toLocalTime(app.clock.now())}  ${line}`),
      });
      // A newcomer should see the loop at once, not wait for Monday 09:00 — once a day, not on every restart.
      const today = atLocal(toLocalDate(app.clock.now()));
      const already = await app.prisma.outbox.findFirst({ where: { cadence: { startsWith: 'weekly_reminder' }, createdAt: { gte: today } }, orderBy: { createdAt: 'asc' } });
      const pace = config.sendPerMinute > 0 ? `按每分钟 ${config.sendPerMinute} 条的节奏发送` : '不限速发送';
      if (already) {
        say(`今天 ${toLocalTime(already.createdAt)} 已推送过本周调度提醒，这次启动不再重复推送；未发完的消息继续${pace}。群聊内容如下，Ctrl-C 退出：\n`);
      } else {
        const { reminders: n } = reminderCounts(await app.engine.pushNow('weekly_reminder'));
        say(`已立即推送本周调度提醒（${n} 条，${pace}）。群聊内容如下，Ctrl-C 退出：\n`);
      }
    } else {
      say(`督办助手已启动（${app.db.kind}，${config.redisUrl ? 'BullMQ' : '进程内调度'}，${config.channel === 'wechaty' ? `puppet=${config.puppet}` : `通道=${config.channel}`}）。日志：${logFile || 'stderr'}`);
    }
    if (app.healthPort) {
      say(`健康检查：http://127.0.0.1:${app.healthPort}/healthz`);
      // While nobody can sign in with a password (and always in the demo), print a one-time login link.
      const token = await firstAdminLink(app.prisma, app.clock.now(), demo);
      say(token ? `管理后台：${app.consoleUrl}/  一次性登录链接（24小时内有效，仅可使用一次）：${app.consoleUrl}/login/${token}` : `管理后台：${app.consoleUrl}/（新的登录链接：duban admin invite 姓名）`);
    }
    await stopRequested;
    say('\n正在退出：停止接收新任务，等待正在发送的消息完成……');
    return 0;
  } finally {
    world?.close();
    await app.close();
    say('已退出。');
  }
}
