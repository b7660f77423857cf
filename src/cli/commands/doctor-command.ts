import { assertConfigFiles } from '../../config/assert-config-files.ts';
import { loadConfig } from '../../config/load-config.ts';
import { createCalendar } from '../../adapters/calendar/create-calendar.ts';
import { toLocalDate } from '../../domain/calendar/shanghai-time.ts';
import { databaseCheck, redisCheck, runChecks, type CheckResult } from '../../health/health-checks.ts';
import { openDatabase } from '../../store/open-database.ts';
import { leaderCoverageWarnings } from '../../store/leader-coverage.ts';
import { channelCapabilities } from '../../adapters/chat/channel-capabilities.ts';
import { PRIVATE_CHAT_CHECK, privateChatCheck } from '../../outbox/private-chat-hold.ts';
import type { Command } from '../command.ts';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: '检查配置、数据库、Redis 和节假日日历是否就绪',
  usage: 'duban doctor',
  async run(_argv, io) {
    const config = loadConfig({ env: io.env });
    const results: CheckResult[] = [];
    // The start refuses a missing units/templates/cadence file; so must the check before it.
    try {
      assertConfigFiles(config);
      results.push({ name: 'config files', ok: true, detail: `${config.cadenceFile}、${config.templatesFile}、${config.unitsFile} 均存在` });
    } catch (e) {
      results.push({ name: 'config files', ok: false, detail: (e as Error).message });
    }
    try {
      const db = await openDatabase(config);
      try {
        results.push(...(await runChecks([databaseCheck(db.prisma, db.kind === 'pglite' ? `内置 PGlite（${config.dataDir}）` : 'PostgreSQL'), redisCheck(config.redisUrl)])).checks);
        // A warning, not a failure: the bot runs, but nobody reads about these tasks.
        for (const w of await leaderCoverageWarnings(db.prisma).catch(() => [])) results.push({ name: 'leaders', ok: false, detail: w });
        // Also a warning: on WeCom, private messages to these people wait until they write to the bot.
        const reach = await privateChatCheck(db.prisma, { channel: config.channel, capabilities: channelCapabilities(config.channel) }, config.admins).catch(() => undefined);
        if (reach) results.push(reach);
      } finally {
        await db.close();
      }
    } catch (e) {
      results.push({ name: 'database', ok: false, detail: (e as Error).message });
    }
    const calendar = createCalendar({ overrideFile: config.calendarOverrideFile });
    const year = Number(toLocalDate(new Date()).slice(0, 4));
    for (const y of [year, year + 1]) {
      const ok = calendar.coversYear(y);
      results.push({ name: `calendar ${y}`, ok, detail: ok ? '法定节假日与调休数据已就绪' : `缺少 ${y} 年节假日数据：在 ${config.calendarOverrideFile} 中补充` });
    }
    for (const r of results) io.stdout.write(`${r.ok ? '✔' : '✘'} ${r.name.padEnd(14)} ${r.detail}\n`);
    // The next year's calendar is usually published in November; its absence is a warning, not a failure.
    const failed = results.filter((r) => !r.ok && !(r.name === `calendar ${year + 1}`) && r.name !== 'leaders' && r.name !== PRIVATE_CHAT_CHECK);
    return failed.length ? 1 : 0;
  },
};
