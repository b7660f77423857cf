import { createWorker } from '../../app/create-worker.ts';
import { waitForSignal } from '../../app/wait-for-signal.ts';
import { loadConfig } from '../../config/load-config.ts';
import { createLogger } from '../../log/create-logger.ts';
import type { Command } from '../command.ts';

export const workerCommand: Command = {
  name: 'worker',
  summary: '额外的调度 worker（需 REDIS_URL；与 duban start 共用 Redis 和数据库，分担调度，不登录微信）',
  usage: 'duban worker',
  async run(_argv, io) {
    const config = loadConfig({ env: io.env });
    const logger = createLogger({ level: config.logLevel, file: config.logFile || undefined });
    const worker = await createWorker(config, logger);
    await worker.start();
    io.stdout.write('调度 worker 已启动，Ctrl-C 退出。\n');
    await waitForSignal(() => io.stdout.write('再次收到退出信号：立即退出。\n'));
    await worker.close();
    return 0;
  },
};
