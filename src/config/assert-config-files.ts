import fs from 'node:fs';
import { ConfigError } from '../errors.ts';
import { configSchema, ENV_KEYS, type Config } from './config-schema.ts';

/**
 * The files read only when a slot fires or a unit is named: a wrong path must stop the start, not
 * surface on Monday at 09:00.
 */
export function assertConfigFiles(config: Config): void {
  for (const key of ['unitsFile', 'templatesFile', 'cadenceFile'] as const) {
    if (!fs.existsSync(config[key])) {
      throw new ConfigError(`配置项 ${key}（${ENV_KEYS[key]}）指向的文件不存在：${config[key]}`, `改正路径，或去掉该设置以使用默认文件（${configSchema.shape[key].parse(undefined)}）`);
    }
  }
}
