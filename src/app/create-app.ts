import type http from 'node:http';
import path from 'node:path';
import { createJobHandler } from '../../jobs/create-job-handler.ts';
import { assertConfigFiles } from '../config/assert-config-files.ts';
import type { Config } from '../config/config-schema.ts';
import { createChat, type AppChat } from '../adapters/chat/create-chat.ts';
import { createScheduler } from '../adapters/scheduler/create-scheduler.ts';
import { createInboundHandler } from '../chat/create-inbound-handler.ts';
import { requestGroupBinding } from '../chat/request-group-binding.ts';
import { createCalendar } from '../adapters/calendar/create-calendar.ts';
import { createCadenceEngine, reminderCounts } from '../engine/create-cadence-engine.ts';
import { assertRedisReachable, chatCheck, databaseCheck, redisCheck } from '../health/health-checks.ts';
import { startHealthServer, type HealthServer } from '../health/health-server.ts';
import { createLogger, type Logger } from '../log/create-logger.ts';
import { createOutboxSender } from '../outbox/create-outbox-sender.ts';
import { createDeliveryWiring } from '../outbox/delivery-wiring.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import { openDatabase, type Database } from '../store/open-database.ts';
import { createPrismaWorkStore } from '../store/prisma-work-store.ts';
import { filesDir } from '../config/files-dir.ts';

export interface AppDeps {
  clock?: Clock;
  logger?: Logger;
  /** A chat adapter to use instead of the one the config names (tests). */
  chat?: AppChat;
}

/**
 * The composition root: the only place that knows which adapter backs each port.
 * Everything is created here; nothing starts until start(), and close() stops it in reverse order.
 */
export async function createApp(config: Config, deps: AppDeps = {}) {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger({ level: config.logLevel, file: config.logFile || undefined });
  const calendar = createCalendar({
    overrideFile: config.calendarOverrideFile,
    unknownYear: 'warn',
    onWarn: (m) => logger.warn({ event: 'calendar_unknown_year' }, m),
  });
  assertConfigFiles(config);
  await assertRedisReachable(config.redisUrl);
  // Adapters are imported lazily (wechaty alone takes seconds), and not at all for a test's own chat.
  // The adapter loads while the database opens: the one waits on files while the other computes.
  const chatting = deps.chat ? Promise.resolve(deps.chat) : createChat(config, logger, clock);
  chatting.catch(() => undefined); // awaited below; a database that fails to open must not leave it unhandled
  const db: Database = await openDatabase(config);
  const prisma = db.prisma;
  let chat: AppChat;
  try {
    chat = await chatting;
  } catch (e) {
    await db.close();
    throw e;
  }
  const engine = createCadenceEngine({ prisma, calendar, clock, logger, cadenceFile: config.cadenceFile, templatesFile: config.templatesFile, admins: config.admins, missedGraceMinutes: config.missedGraceMinutes, reportsDir: path.join(filesDir(config.dataDir), 'reports'), groupsByTopic: chat.capabilities.groupsByTopic });
  const work = createPrismaWorkStore(prisma);
  const inbound = createInboundHandler({
    prisma, work, clock, calendar, logger, dataDir: filesDir(config.dataDir), admins: config.admins, botName: config.botName, groupsByTopic: chat.capabilities.groupsByTopic,
    // Admin chat commands (立即推送, 提醒设置 …) act through the same engine API as the CLI.
    pushNow: () => engine.pushNow('weekly_reminder').then(reminderCounts),
    cadences: engine,
  });
  const scheduler = createScheduler({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger, handler: createJobHandler({ engine, logger }) });
  // Quiet hours, staleness, the channel watch and its second path, names for degraded mentions.
  const delivery = createDeliveryWiring({ config, prisma, chat, clock, calendar, logger });
  const sender = createOutboxSender({ prisma, chat, clock, logger, sendPerMinute: config.sendPerMinute, sendJitterMs: config.sendJitterMs, maxAttempts: config.sendMaxAttempts, admins: config.admins, ...delivery.senderHooks });
  let health: HealthServer | undefined;
  // The web console shares the health server's port: one listener, loopback by default.
  // Its pages (and the import and report code they use) load with the first request, not at start-up.
  let consoleLoaded: Promise<(req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>> | undefined;
  const webConsole = {
    handle: async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> =>
      (await (consoleLoaded ??= import('../console/create-console.ts').then(({ createConsole }) =>
        createConsole({
          prisma, work, clock, calendar, logger, dataDir: config.dataDir, admins: config.admins, botName: config.botName, unitsFile: config.unitsFile,
          chatStatus: () => chat.status(), chatChannel: chat.channel, chatCapabilities: chat.capabilities, channelWatch: () => delivery.watch.state(), cadences: engine, templatesFile: config.templatesFile,
        }).handle,
      ).catch((e: unknown) => {
        consoleLoaded = undefined; // the next request tries again
        throw e;
      })))(req, res),
  };

  // On channels that must be spoken to before they can be pushed to, an @ from an unbound group asks an admin to bind it.
  chat.onMessage((m) => requestGroupBinding({ prisma, chat, clock, logger }, m).then(() => inbound.handle(m)));
  chat.onStatus((s, detail) => logger.info({ event: 'chat_status', status: s, detail }, `chat ${s}`));

  let closing: Promise<void> | undefined;
  return {
    config,
    clock,
    logger,
    calendar,
    db,
    prisma,
    work,
    chat,
    inbound,
    engine,
    scheduler,
    sender,
    watch: delivery.watch,
    get healthPort() {
      return health?.port;
    },
    /** The console's address for people (login links), once the HTTP server listens. */
    get consoleUrl() {
      return health ? (config.consoleUrl ?? `http://127.0.0.1:${health.port}`).replace(/\/$/, '') : undefined;
    },
    async start(): Promise<void> {
      // Messages stored or spooled before a crash or an outage are interpreted first.
      inbound.start();
      await chat.start();
      await scheduler.start();
      await sender.start();
      delivery.watch.start();
      if (config.httpPort) {
        health = await startHealthServer(config.httpPort, [
          databaseCheck(prisma, db.kind),
          redisCheck(config.redisUrl),
          chatCheck(() => chat.status()),
          delivery.watch.health(),
          delivery.problemsCheck,
        ], config.httpHost, webConsole.handle);
      }
      logger.info({ event: 'started', db: db.kind, scheduler: config.redisUrl ? 'bullmq' : 'node-cron', channel: config.channel, puppet: config.puppet }, 'duban started');
    },
    /** Stops taking work, lets in-flight sends finish, then releases connections. Safe to call twice. */
    close(): Promise<void> {
      return (closing ??= (async () => {
        // Each step is bounded: a SIGTERM while the database restarts must still end the process.
        // What is cut short is safe to cut: rows in the outbox and stored messages wait for the next start.
        const bounded = (what: string, p: Promise<unknown> | undefined, ms = 10_000) =>
          Promise.race([
            Promise.resolve(p).catch((e: unknown) => logger.warn({ event: 'close_step_failed', step: what, err: e }, `closing ${what} failed`)),
            new Promise<void>((r) => setTimeout(() => { logger.warn({ event: 'close_step_timeout', step: what, ms }, `closing ${what} took too long; going on`); r(); }, ms).unref()),
          ]);
        await bounded('health', health?.close());
        await bounded('scheduler', scheduler.close());
        await bounded('sender', sender.close(), 15_000);
        await bounded('channel watch', delivery.watch.close());
        await bounded('chat', chat.close());
        await bounded('inbound', inbound.close());
        await bounded('database', db.close(), 5_000);
        logger.info({ event: 'stopped' }, 'duban stopped');
        logger.flush?.();
      })());
    },
  };
}

export type App = Awaited<ReturnType<typeof createApp>>;
