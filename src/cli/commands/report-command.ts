import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.ts';
import { createCalendar } from '../../adapters/calendar/create-calendar.ts';
import { isLocalDate, toLocalDate } from '../../domain/calendar/shanghai-time.ts';
import { InputError } from '../../errors.ts';
import { buildConsultAgenda, buildMonthlyBulletin, buildWeeklyDigests } from '../../reports/index.ts';
import { systemClock } from '../../ports/clock.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { Command } from '../command.ts';

const KINDS = ['weekly', 'consult', 'monthly'] as const;
type Kind = (typeof KINDS)[number];

export const reportCommand: Command = {
  name: 'report',
  summary: '按任意日期从数据库生成报告：领导周报、旬会商议题、月通报（文字、图片、Word、Excel）',
  usage: 'duban report <weekly|consult|monthly> [--date YYYY-MM-DD] [--out 目录]\n  weekly  每位牵头领导的周调度简报\n  consult 旬会商议题\n  monthly 月通报（含排名、Word 通报与 Excel 数据表）\n  --date 报告日期，默认今天（北京时间）；--out 图片和文件的输出目录，默认 <数据目录>/reports',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { date: { type: 'string' }, out: { type: 'string' } } });
    const kind = positionals[0] as Kind | undefined;
    if (!kind || !KINDS.includes(kind)) {
      throw new InputError('IMPORT_INVALID', `报告类型“${kind ?? ''}”不对：应为 weekly（领导周报）、consult（旬会商）或 monthly（月通报）`, `用法：${this.usage.split('\n')[0]}`);
    }
    const date = values.date ?? toLocalDate(systemClock.now());
    if (!isLocalDate(date)) throw new InputError('IMPORT_INVALID', `--date ${date} 不是有效日期`, '日期格式为 YYYY-MM-DD，例如 2026-11-30');
    const config = loadConfig({ env: io.env });
    const outDir = path.resolve(values.out ?? path.join(config.dataDir, 'reports'));
    const calendar = createCalendar({ overrideFile: config.calendarOverrideFile, unknownYear: 'warn', onWarn: (m) => io.stderr.write(`注意：${m}\n`) });
    const db = await openDatabase(config);
    try {
      const files: string[] = [];
      if (kind === 'weekly') {
        const digests = await buildWeeklyDigests(db.prisma, { date, calendar, outDir });
        if (!digests.length) io.stdout.write('没有牵头领导名下的任务，无需生成周报。\n');
        for (const d of digests) {
          io.stdout.write(`==== 致 ${d.leaderName}${d.chatId ? `（${d.chatId}）` : '（未登记账号）'} ====\n${d.text}\n\n`);
          if (d.imagePath) files.push(d.imagePath);
        }
      } else if (kind === 'consult') {
        const a = await buildConsultAgenda(db.prisma, { date, calendar, outDir });
        io.stdout.write(`${a.text}\n\n`);
        if (a.imagePath) files.push(a.imagePath);
      } else {
        const b = await buildMonthlyBulletin(db.prisma, { date, calendar, outDir });
        io.stdout.write(`${b.text}\n\n`);
        for (const f of [b.imagePath, b.docxPath, b.xlsxPath]) if (f) files.push(f);
      }
      if (files.length) io.stdout.write(`已生成文件：\n${files.map((f) => `  ${f}`).join('\n')}\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
