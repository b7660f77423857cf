import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/store/open-database.ts';
import { createPgDatabase, REDIS_TEST_URL } from '../helpers/databases.ts';

describe('duban worker', () => {
  it('joins the BullMQ scheduler on Postgres + Redis, ticks, and stops cleanly', async () => {
    const pg = await createPgDatabase();
    const prefix = `duban-worker-${process.pid}-${Date.now()}`;
    let out = '';
    const child = spawn(process.execPath, ['bin/duban.mjs', 'worker'], {
      env: { ...process.env, DATABASE_URL: pg.url, REDIS_URL: REDIS_TEST_URL, DUBAN_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const db = await openDatabase({ databaseUrl: pg.url, dataDir: 'memory://' });
    try {
      await vi.waitFor(() => expect(out).toContain('调度 worker 已启动'), { timeout: 60_000, interval: 100 });
      // Its first tick seeds the cadences from config/cadences.json into the database.
      await vi.waitFor(async () => expect(await db.prisma.schedule.count()).toBeGreaterThan(0), { timeout: 30_000, interval: 200 });
      const redis = new Redis(REDIS_TEST_URL);
      expect((await redis.keys(`${prefix}:*`)).length).toBeGreaterThan(0);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    } finally {
      child.kill('SIGKILL');
      await db.close();
      await pg.drop();
    }
  }, 120_000);

  it('stops at once with the URL and a hint when Redis is unreachable, for the worker and for the bot', async () => {
    for (const args of [['worker'], ['start']]) {
      const child = spawn(process.execPath, ['bin/duban.mjs', ...args], {
        env: { ...process.env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres', REDIS_URL: 'redis://127.0.0.1:1', DUBAN_HTTP_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code, args[0]).toBe(1);
      expect(err).toContain('错误 [REDIS_UNAVAILABLE]：Redis（redis://127.0.0.1:1）不可用');
      expect(err).toContain('不设 REDIS_URL 时调度在本进程内运行');
    }
  }, 60_000);

  it('refuses to start when a configured file is missing, naming the setting', async () => {
    const child = spawn(process.execPath, ['bin/duban.mjs', 'start'], {
      env: { ...process.env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres', REDIS_URL: '', DUBAN_UNITS_FILE: '/nope/units.json', DUBAN_HTTP_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    expect(await new Promise<number | null>((r) => child.on('exit', r))).toBe(1);
    expect(err).toContain('配置项 unitsFile（DUBAN_UNITS_FILE）指向的文件不存在：/nope/units.json');
  }, 60_000);

  it('refuses to start without Redis and says how to fix it', async () => {
    const child = spawn(process.execPath, ['bin/duban.mjs', 'worker'], { env: { ...process.env, REDIS_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('REDIS_URL');
  }, 60_000);
});
