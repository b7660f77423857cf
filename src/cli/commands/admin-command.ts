import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.ts';
import { findLeaderByName, issueLoginLink } from '../../console/console-auth.ts';
import { InputError } from '../../errors.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { Command } from '../command.ts';

export const adminCommand: Command = {
  name: 'admin',
  summary: '管理后台账户：为某人生成一次性登录链接（新账户自动创建）；--leader 领导姓名 为该领导的只读账户（只看其牵头或分管的任务）',
  usage: 'duban admin invite <账户名> [--leader <通讯录中的领导姓名>]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { leader: { type: 'string' }, readonly: { type: 'boolean', default: false } } });
    const [sub, given] = positionals;
    // A leader's account defaults to the leader's own name.
    const name = given?.trim() || values.leader?.trim();
    if (sub !== 'invite' || !name) throw new InputError('IMPORT_INVALID', '请写明要邀请的人', `用法：${adminCommand.usage}`);
    if (values.readonly && !values.leader) {
      throw new InputError('IMPORT_INVALID', '只读账户须关联一位领导：它只显示该领导牵头或分管的任务', `用法：duban admin invite ${name} --leader 领导姓名`);
    }
    const config = loadConfig({ env: io.env });
    const db = await openDatabase(config);
    try {
      const leader = values.leader?.trim() ? await findLeaderByName(db.prisma, values.leader.trim()) : undefined;
      const token = await issueLoginLink(db.prisma, name, { now: new Date(), actor: 'cli', ...(leader ? { leader } : {}) });
      const base = (config.consoleUrl ?? `http://127.0.0.1:${config.httpPort}`).replace(/\/$/, '');
      io.stdout.write(`${name}${leader ? `（只读：${leader.name}牵头或分管的任务）` : ''} 的一次性登录链接（24小时内有效，仅可使用一次）：\n${base}/login/${token}\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
