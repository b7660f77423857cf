import { loadConfig } from '../../config/load-config.ts';
import type { Command } from '../command.ts';

export const startCommand: Command = {
  name: 'start',
  summary: '启动机器人（默认：内置数据库 + 进程内调度 + 模拟微信群演示）',
  usage: 'duban start',
  async run(_argv, io) {
    const config = loadConfig({ env: io.env });
    const { startBot } = await import('../../app/start-bot.ts');
    return startBot(config, io);
  },
};
