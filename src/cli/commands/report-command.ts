import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.ts';
import { createCalendar } from '../../adapters/calendar/create-calendar.ts';
import { addDays, atLocal, isLocalDate, toLocalDate, type LocalDate } from '../../domain/calendar/shanghai-time.ts';
import { InputError } from '../../errors.ts';
import { buildConsultAgenda, buildMonthlyBulletin, buildWeeklyDigests } from '../../reports/index.ts';
import { systemClock } from '../../ports/clock.ts';
import { openDatabase, type Db } from '../../store/open-database.ts';
import { cnFullDate } from '../../reports/report-facts.ts';
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
        if (!digests.length) io.stdout.write(`${await whyNoDigest(db.prisma, date)}\n`);
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

/**
 * Why a date has no digest. Reports read the database as of that date, so a plan imported later
 * is not there yet: saying "no leader has tasks" would send the user looking at the wrong thing.
 */
async function whyNoDigest(prisma: Db, date: LocalDate): Promise<string> {
  const first = await prisma.task.findFirst({ orderBy: { createdAt: 'asc' }, select: { createdAt: true } });
  if (!first) return '还没有任务：请先导入方案（duban import），再生成周报。';
  if (first.createdAt >= atLocal(addDays(date, 1))) {
    return `${cnFullDate(date)}之前还没有任务（方案导入于${cnFullDate(toLocalDate(first.createdAt))}），无需生成周报；报告按所给日期当时的数据生成，请用导入之后的日期。`;
  }
  return '没有牵头领导名下的任务，无需生成周报。';
}
