import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.ts';
import { InputError } from '../../errors.ts';
import { exportLedger } from '../../import/export-ledger.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { Command } from '../command.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: '导出任务台账（Excel），列：序号、任务内容、牵头领导、牵头单位、责任单位、参加单位、完成时限、状态、进度、最新进展',
  usage: 'duban export --xlsx <文件> [--plan <计划编号或文件名>]',
  async run(argv, io) {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { xlsx: { type: 'string' }, plan: { type: 'string' } } }));
    } catch (e) {
      throw new InputError('IMPORT_INVALID', `参数不正确：${(e as Error).message}`, `用法：${exportCommand.usage}`);
    }
    if (!values.xlsx) throw new InputError('IMPORT_INVALID', '没有指定导出文件', `用法：${exportCommand.usage}`);
    const config = loadConfig({ env: io.env });
    const db = await openDatabase(config);
    try {
      const r = await exportLedger(db.prisma, values.xlsx, values.plan ? { plan: values.plan } : {});
      io.stdout.write(`已导出台账：${r.file}（计划 ${r.planId}「${r.title}」，${r.tasks} 项任务）\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
