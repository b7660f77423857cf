import { toLocalDate } from '../../domain/calendar/shanghai-time.ts';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.ts';
import { InputError, isDubanError } from '../../errors.ts';
import { toPlanJson, type PlanJson } from '../../domain/plan/plan-json.ts';
import { formatChangeReport, formatPlanSummary, formatWarnings } from '../../import/format-import-report.ts';
import { importPlanFile } from '../../import/import-plan-file.ts';
import { loadUnitDirectory } from '../../import/load-unit-directory.ts';
import { savePlan } from '../../import/save-plan.ts';
import { leaderCoverageWarnings } from '../../store/leader-coverage.ts';
import { syncUnitDirectory } from '../../import/sync-unit-directory.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { ParsedPlan } from '../../domain/plan/plan-types.ts';
import type { Command } from '../command.ts';

export const importCommand: Command = {
  name: 'import',
  summary: '导入工作方案（.txt / .docx / .xlsx / .html / .csv），识别任务、单位、领导和完成时限',
  usage: 'duban import <文件>... [--dry-run] [--json] [--year YYYY]',
  async run(argv, io) {
    let args;
    try {
      args = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, year: { type: 'string' } },
      });
    } catch (e) {
      throw new InputError('IMPORT_INVALID', `参数不正确：${(e as Error).message}`, `用法：${importCommand.usage}`);
    }
    const files = args.positionals;
    if (files.length === 0) throw new InputError('IMPORT_INVALID', '没有指定要导入的文件', `用法：${importCommand.usage}`);
    let year: number | undefined;
    if (args.values.year !== undefined) {
      if (!/^(19|20)\d{2}$/.test(args.values.year)) throw new InputError('IMPORT_INVALID', `--year 应为四位年份，收到“${args.values.year}”`, '例如 --year 2024');
      year = Number(args.values.year);
    }
    const config = loadConfig({ env: io.env });
    const directory = loadUnitDirectory(config.unitsFile);
    const json = args.values.json;
    const dryRun = args.values['dry-run'];
    // With --json the JSON owns stdout; people's text goes to stderr.
    const human = json ? io.stderr : io.stdout;

    const plans: ParsedPlan[] = [];
    for (const file of files) {
      try {
        const plan = await importPlanFile(file, { directory, year });
        plans.push(plan);
        human.write(`${plan.document}\n${formatPlanSummary(plan)}警告（${plan.warnings.length}）：\n${formatWarnings(plan)}\n`);
        // A past year's plan imports fine, but every task would be chased as overdue from day one.
        const dates = plan.tasks.map((t) => t.deadline.date).filter((d): d is string => !!d).sort();
        const today = toLocalDate(new Date());
        if (dates.length > 0 && dates.at(-1)! < today) {
          human.write(`注意：${plan.document} 的完成时限都早于今天（最晚 ${dates.at(-1)}），导入后这些任务会按已逾期督办。如果这是往年的方案，请确认确实要督办，或先加 --dry-run 查看。\n`);
        }
      } catch (e) {
        if (!isDubanError(e)) throw e;
        io.stderr.write(`错误：${e.describe()}\n`);
      }
    }
    const usable = plans.filter((p) => p.tasks.length > 0);
    if (json) {
      const out: PlanJson[] = plans.map(toPlanJson);
      io.stdout.write(`${JSON.stringify(files.length === 1 ? (out[0] ?? null) : out, null, 2)}\n`);
    }
    if (!dryRun && usable.length > 0) {
      const db = await openDatabase(config);
      try {
        const units = await syncUnitDirectory(db.prisma, directory);
        if (units.created.length || units.updated.length) {
          human.write(`单位目录：新增 ${units.created.length} 个，更新 ${units.updated.length} 个\n`);
        }
        const saved: number[] = [];
        for (const plan of usable) {
          const report = await savePlan(db.prisma, plan, { actor: 'cli' });
          saved.push(report.planId);
          human.write(`写入数据库：${plan.document}\n${formatChangeReport(report)}`);
        }
        // Every active plan's tasks must reach some leader's digest.
        for (const w of await leaderCoverageWarnings(db.prisma, saved)) human.write(`警告：${w}\n`);
      } finally {
        await db.close();
      }
    } else if (dryRun && plans.length > 0) {
      human.write('试运行（--dry-run）：未写入数据库\n');
    }
    // Every file failed: its error above says why; "no tasks recognised" would only contradict it.
    if (plans.length === 0) return 1;
    if (usable.length === 0) {
      io.stderr.write('没有识别出任何任务，未写入数据库\n');
      return 1;
    }
    return 0;
  },
};
