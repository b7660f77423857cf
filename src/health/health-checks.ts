import { StoreError } from '../errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { ChatStatus } from '../ports/chat.ts';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export type HealthCheck = () => Promise<CheckResult>;

export function databaseCheck(prisma: PrismaClient, kind: string): HealthCheck {
  return async () => {
    try {
      const rows = await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*)::bigint AS n FROM "_prisma_migrations"`;
      return { name: 'database', ok: true, detail: `${kind}，已应用迁移 ${String(rows[0]?.n ?? 0)} 个` };
    } catch (e) {
      // The endpoint is unauthenticated: say what is wrong, not where the database lives (that is in the log).
      return { name: 'database', ok: false, detail: `数据库不可用（${errorKind(e)}），详情见日志` };
    }
  };
}

export function redisCheck(url: string | undefined): HealthCheck {
  return async () => {
    if (!url) return { name: 'redis', ok: true, detail: '未配置（进程内 node-cron 调度）' };
    const { Redis } = await import('ioredis'); // only with Redis configured
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: false, retryStrategy: () => null });
    // The failure is reported below; without a listener ioredis also prints it raw to stderr.
    redis.on('error', () => {});
    try {
      await redis.connect();
      const pong = await redis.ping();
      return { name: 'redis', ok: pong === 'PONG', detail: `BullMQ 调度，${pong}` };
    } catch (e) {
      return { name: 'redis', ok: false, detail: `Redis（${redactUrl(url)}）不可用：${(e as Error).message}` };
    } finally {
      redis.disconnect();
    }
  };
}

const CHAT_LABEL: Record<ChatStatus, string> = {
  starting: '启动中',
  waiting_scan: '等待扫码登录',
  logged_in: '已登录',
  logged_out: '已退出登录（消息在发件箱中等待）',
  stopped: '已停止',
};

export function chatCheck(status: () => ChatStatus): HealthCheck {
  return async () => {
    const s = status();
    return { name: 'chat', ok: s === 'logged_in', detail: CHAT_LABEL[s] };
  };
}

export async function runChecks(checks: HealthCheck[]): Promise<{ ok: boolean; checks: CheckResult[] }> {
  const results = await Promise.all(checks.map((c) => c()));
  return { ok: results.every((r) => r.ok), checks: results };
}

/** A short, host-free label for a database error. */
function errorKind(e: unknown): string {
  const o = e as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof o?.code === 'string' ? o.code : typeof o?.cause?.code === 'string' ? o.cause.code : '';
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|P1001/.test(code + String((e as Error)?.message))) return '无法连接';
  return code ? `错误 ${code}` : '查询失败';
}

/** redis://user:secret@host → redis://***@host, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** Start-up refuses an unreachable Redis at once, rather than retrying silently in the background. */
export async function assertRedisReachable(url: string | undefined): Promise<void> {
  if (!url) return;
  const r = await redisCheck(url)();
  if (!r.ok) {
    throw new StoreError('REDIS_UNAVAILABLE', r.detail, '确认 Redis 已启动、REDIS_URL 正确；不设 REDIS_URL 时调度在本进程内运行（node-cron），不需要 Redis');
  }
}
