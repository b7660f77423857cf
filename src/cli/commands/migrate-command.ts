import { loadConfig } from '../../config/load-config.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { Command } from '../command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: '应用数据库迁移（启动时也会自动执行）',
  usage: 'duban migrate',
  async run(_argv, io) {
    const config = loadConfig({ env: io.env });
    const db = await openDatabase(config);
    try {
      const { applied, alreadyApplied } = db.migration;
      io.stdout.write(
        `${db.kind === 'pglite' ? `内置数据库 ${config.dataDir}` : '数据库'}：新应用 ${applied.length} 个迁移，已存在 ${alreadyApplied} 个\n` +
          applied.map((m) => `  + ${m}\n`).join(''),
      );
      return 0;
    } finally {
      await db.close();
    }
  },
};
