import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.ts';
import { issueLoginLink } from '../../console/console-auth.ts';
import { InputError } from '../../errors.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { Command } from '../command.ts';

export const adminCommand: Command = {
  name: 'admin',
  summary: '管理后台账户：为某人生成一次性登录链接（新账户自动创建），--readonly 为领导只读账户',
  usage: 'duban admin invite <姓名> [--readonly]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { readonly: { type: 'boolean', default: false } } });
    const [sub, name] = positionals;
    if (sub !== 'invite' || !name?.trim()) throw new InputError('IMPORT_INVALID', '请写明要邀请的人', `用法：${adminCommand.usage}`);
    const config = loadConfig({ env: io.env });
    const db = await openDatabase(config);
    try {
      const token = await issueLoginLink(db.prisma, name.trim(), { now: new Date(), actor: 'cli', role: values.readonly ? 'leader' : 'admin' });
      const base = (config.consoleUrl ?? `http://127.0.0.1:${config.httpPort}`).replace(/\/$/, '');
      io.stdout.write(`${name} 的一次性登录链接（24小时内有效，仅可使用一次）：\n${base}/login/${token}\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
