import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.ts';
import { createCalendar } from '../../adapters/calendar/create-calendar.ts';
import { addDays, atLocal, isLocalDate, toLocalDate, toLocalTime } from '../../domain/calendar/shanghai-time.ts';
import { readDemoPeople } from '../../demo/demo-people.ts';
import { loadDemo } from '../../demo/load-demo.ts';
import { createCadenceEngine } from '../../engine/create-cadence-engine.ts';
import { simulate, type Dispatch } from '../../engine/simulate.ts';
import { InputError, isDubanError } from '../../errors.ts';
import { silentLogger } from '../../log/create-logger.ts';
import { ManualClock } from '../../ports/clock.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { Command } from '../command.ts';

const DEMO_PEOPLE_FILE = 'demo/people.json';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: '在虚拟时钟上用演示数据运行调度引擎，列出每一条将发出的消息',
  usage: 'duban simulate --from 2026-04-27 --days 14 [--json]',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, days: { type: 'string', default: '14' }, json: { type: 'boolean', default: false } }, strict: true });
    const from = values.from ?? toLocalDate(new Date());
    const days = Number(values.days);
    if (!isLocalDate(from)) throw new InputError('IMPORT_INVALID', `--from 应为 YYYY-MM-DD 格式的日期，收到“${from}”`);
    if (!Number.isInteger(days) || days < 1 || days > 400) throw new InputError('IMPORT_INVALID', `--days 应为 1 到 400 之间的整数，收到“${values.days}”`);
    const config = loadConfig({ env: io.env });
    // A throwaway in-memory database: the simulation never touches the real one.
    const db = await openDatabase({ dataDir: 'memory://' });
    const reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-simulate-'));
    try {
      await loadDemo(db.prisma, { planFile: config.demoPlanFile, people: readDemoPeople(DEMO_PEOPLE_FILE) });
      // The plan was in force before the simulated days begin, whatever the wall clock says now.
      const before = atLocal(addDays(from, -1));
      await db.prisma.task.updateMany({ data: { createdAt: before } });
      const clock = new ManualClock(atLocal(from));
      const calendar = createCalendar({ overrideFile: config.calendarOverrideFile, unknownYear: 'warn', onWarn: (m) => io.stderr.write(`注意：${m}\n`) });
      const engine = createCadenceEngine({ prisma: db.prisma, calendar, clock, logger: silentLogger, cadenceFile: config.cadenceFile, templatesFile: config.templatesFile, admins: config.admins, reportsDir });
      const titles = new Map((await engine.listCadences()).map((c) => [c.key, c.title]));
      const errors: string[] = [];
      const dispatches = await simulate({
        prisma: db.prisma,
        engine,
        clock,
        logger: silentLogger,
        from: atLocal(from),
        to: atLocal(addDays(from, days)),
        onSlotError: (s, e) => errors.push(`${toLocalDate(s.slotAt)} ${toLocalTime(s.slotAt)} ${titles.get(s.cadenceKey) ?? s.cadenceKey}：${isDubanError(e) ? e.describe() : (e as Error).message}`),
      });
      // People read names, not chat ids: @李娜, 私聊 王敏.
      const people = await db.prisma.person.findMany({ where: { chatId: { not: null } }, select: { chatId: true, name: true } });
      const names = new Map(people.map((p) => [p.chatId!, p.name]));
      if (values.json) {
        io.stdout.write(`${JSON.stringify(dispatches.map((d) => ({ time: d.at.toISOString(), localTime: `${toLocalDate(d.at)} ${toLocalTime(d.at)}`, cadence: d.cadence, target: d.target, mentions: d.mentions, text: d.text, key: d.key })), null, 2)}\n`);
      } else {
        for (const d of dispatches) io.stdout.write(describeDispatch(d, titles, names));
        io.stdout.write(`共 ${dispatches.length} 条消息（${from} 起 ${days} 天）\n`);
      }
      for (const e of errors) io.stderr.write(`调度出错：${e}\n`);
      return errors.length ? 1 : 0;
    } finally {
      await db.close();
    }
  },
};

function describeDispatch(d: Dispatch, titles: Map<string | null, string>, names: Map<string, string>): string {
  const name = (id: string) => names.get(id) ?? id;
  const who = d.target.kind === 'group' ? `群「${d.target.ref}」` : `私聊 ${name(d.target.ref)}`;
  const at = d.mentions.length ? ` ${d.mentions.map((m) => `@${name(m)}`).join(' ')}` : '';
  const body = d.text.split('\n').map((l) => `    ${l}`).join('\n');
  return `${toLocalDate(d.at)} ${toLocalTime(d.at)}  ${titles.get(d.cadence) ?? d.cadence}  → ${who}${at}\n${body}\n`;
}
