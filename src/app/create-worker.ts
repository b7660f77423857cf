import path from 'node:path';
import { createJobHandler } from '../../jobs/create-job-handler.ts';
import { channelCapabilities } from '../adapters/chat/channel-capabilities.ts';
import { createScheduler } from '../adapters/scheduler/create-scheduler.ts';
import { assertConfigFiles } from '../config/assert-config-files.ts';
import type { Config } from '../config/config-schema.ts';
import { createCalendar } from '../adapters/calendar/create-calendar.ts';
import { createCadenceEngine } from '../engine/create-cadence-engine.ts';
import { ConfigError } from '../errors.ts';
import { assertRedisReachable } from '../health/health-checks.ts';
import type { Logger } from '../log/create-logger.ts';
import { systemClock } from '../ports/clock.ts';
import { openDatabase } from '../store/open-database.ts';
import { filesDir } from '../config/files-dir.ts';

/**
 * An extra BullMQ worker: plans cadence slots into the outbox alongside the bot, but holds no chat
 * login and sends nothing — only the process logged in to WeChat sends, so the account's pace holds.
 */
export async function createWorker(config: Config, logger: Logger) {
  if (!config.redisUrl) {
    throw new ConfigError('duban worker 需要 REDIS_URL：没有 Redis 时调度在 duban start 进程内运行，无需额外 worker', '设置 REDIS_URL=redis://host:6379 后再启动 worker');
  }
  if (!config.databaseUrl) {
    throw new ConfigError('duban worker 需要 DATABASE_URL：内置数据库只能由一个进程打开，worker 必须与 duban start 共用同一个 PostgreSQL', '设置 DATABASE_URL=postgresql://… （与 duban start 相同）后再启动 worker');
  }
  assertConfigFiles(config);
  await assertRedisReachable(config.redisUrl);
  const calendar = createCalendar({ overrideFile: config.calendarOverrideFile, unknownYear: 'warn', onWarn: (m) => logger.warn({ event: 'calendar_unknown_year' }, m) });
  const db = await openDatabase(config);
  const engine = createCadenceEngine({ prisma: db.prisma, calendar, clock: systemClock, logger, cadenceFile: config.cadenceFile, templatesFile: config.templatesFile, admins: config.admins, missedGraceMinutes: config.missedGraceMinutes, reportsDir: path.join(filesDir(config.dataDir), 'reports'), groupsByTopic: channelCapabilities(config.channel).groupsByTopic });
  const scheduler = createScheduler({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger, handler: createJobHandler({ engine, logger }) });
  let closing: Promise<void> | undefined;
  return {
    start: () => scheduler.start(),
    close: () => (closing ??= scheduler.close().then(() => db.close())),
  };
}
