import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { channelSchema, ENV_KEYS, type Config } from './config-schema.ts';

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Config file; default `$DUBAN_CONFIG` or ./duban.config.json when it exists. */
  file?: string;
  /** Highest precedence, used by tests and the CLI. */
  overrides?: Partial<Record<keyof Config, unknown>>;
}

/**
 * Reads the configuration once: defaults < config file < environment < overrides.
 * A bad value stops start-up with a Chinese message naming the key, the value and what is expected.
 */
export function loadConfig({ env = process.env, file, overrides = {} }: LoadConfigOptions = {}): Config {
  const filePath = file ?? env.DUBAN_CONFIG ?? (fs.existsSync('duban.config.json') ? 'duban.config.json' : undefined);
  const fromFile = filePath ? readConfigFile(filePath) : {};
  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_KEYS)) {
    const v = env[name];
    if (v !== undefined && v !== '') fromEnv[key] = v;
  }
  const raw = { ...fromFile, ...fromEnv, ...overrides };
  const parsed = channelSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, raw, env, filePath), configHint(filePath));
  const unknown = Object.keys(fromFile).filter((k) => !(k in ENV_KEYS));
  if (unknown.length) {
    throw new ConfigError(
      `配置文件 ${filePath} 含有未知字段：${unknown.join('、')}`,
      `可用字段：${Object.keys(ENV_KEYS).join(', ')}`,
    );
  }
  return Object.freeze(parsed.data);
}

function readConfigFile(filePath: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (e) {
    throw new ConfigError(`无法读取配置文件 ${path.resolve(filePath)}`, '检查 DUBAN_CONFIG 指向的文件是否存在且可读', { cause: e });
  }
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not an object');
    return data as Record<string, unknown>;
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    const where = m ? `第 ${text.slice(0, Number(m[1])).split('\n').length} 行` : '';
    throw new ConfigError(`配置文件 ${filePath} ${where}不是合法的 JSON 对象`, '配置文件应为 {"key": value} 形式的 JSON', { cause: e });
  }
}

function describeIssues(
  issues: z.core.$ZodIssue[],
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  filePath?: string,
): string {
  const lines = issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const envName = ENV_KEYS[key as keyof typeof ENV_KEYS];
    const value = raw[key];
    const source = envName && env[envName] !== undefined ? `环境变量 ${envName}` : filePath ? `配置文件 ${filePath}` : '配置';
    return `配置项 ${key}（${envName ?? key}）的值 ${JSON.stringify(hideSecret(key, value))} 无效：${expected(issue)}（来源：${source}）`;
  });
  return lines.join('\n');
}

/** A value as an error may show it: no token, no password inside a URL (even a malformed one). */
export function hideSecret(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/token|secret|password/i.test(key)) return '***';
  return value.replace(/(\/\/[^:@/\s]*:)[^@\s]*@/g, '$1***@').replace(/^([^:/@\s]+:)[^@/\s]+@/, '$1***@');
}

function expected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `应为 ${issue.values.map((v) => JSON.stringify(v)).join(' / ')} 之一`;
    case 'invalid_format':
      if (issue.message === 'postgres_url') return '应为 PostgreSQL 连接 URL，例如 postgresql://user@host:5432/db';
      if (issue.message === 'queue_prefix') return '只能含字母、数字、下划线和连字符';
      if (issue.message === 'redis_url') return '应为 Redis URL，例如 redis://127.0.0.1:6379';
      if (issue.message === 'http_url') return '应为网址，例如 https://… 或 wss://…';
      if (issue.message === 'send_window') return '应为 08:30-18:00 这样的时段，或 always';
      return `格式应为 ${issue.format}`;
    case 'too_small':
      return `不能小于 ${String(issue.minimum)}`;
    case 'too_big':
      return `不能大于 ${String(issue.maximum)}`;
    case 'invalid_type':
      return `应为${issue.expected === 'number' ? '数字' : issue.expected === 'string' ? '文本' : ` ${issue.expected}`}`;
    case 'invalid_union':
      return '类型不符（应为 true/false 或列表）';
    default:
      return issue.message;
  }
}

function configHint(filePath?: string): string {
  return `修改对应的环境变量${filePath ? `或配置文件 ${filePath}` : ''}后重新启动；所有配置项见 README“配置”一节`;
}
