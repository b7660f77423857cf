import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { openDatabase } from '../../src/store/open-database.ts';
import { freePort, startBot } from '../helpers/bot-process.ts';
import { createPgDatabase, REDIS_TEST_URL } from '../helpers/databases.ts';

describe('npm start on embedded defaults', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-start-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('brings the demo up, shows reminders in the groups, answers /healthz, and stops cleanly on Ctrl-C keeping its data', async () => {
    const port = await freePort();
    const bot = startBot(dataDir, port);
    try {
      await vi.waitFor(() => expect(bot.out()).toMatch(/\[区商务局督办群\] 督办助手：.*【周调度提醒】/), { timeout: 200_000, interval: 200 });
      const line = bot.out().split('\n').find((l) => l.includes('[区商务局督办群] 督办助手'))!;
      expect(line).toContain('@李娜');
      expect(line).toContain('@周强');
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      const body = (await res.json()) as { ok: boolean; checks: { name: string; ok: boolean }[] };
      expect(res.status).toBe(200);
      expect(body.checks.map((c) => [c.name, c.ok])).toEqual([['database', true], ['redis', true], ['chat', true], ['channel', true], ['delivery', true]]);
      // the demo prints the console and a one-time link that signs a newcomer in with one click
      const link = /一次性登录链接[^：]*：(http:\/\/127\.0\.0\.1:\d+\/login\/\S+)/.exec(bot.out())![1]!;
      const login = await fetch(link, { redirect: 'manual' });
      expect(login.status).toBe(303);
      expect(login.headers.get('set-cookie')).toContain('duban_session=');
    } finally {
      // One Ctrl-C under npm arrives twice: from the terminal and forwarded by the parent.
      bot.child.kill('SIGINT');
      bot.child.kill('SIGINT');
    }
    expect(await bot.exited).toBe(0);
    fs.writeFileSync(path.join(os.tmpdir(), 'duban-start-demo.out'), bot.out());
    expect(bot.out()).toContain('正在退出');
    expect(bot.out()).toContain('已退出。');
    expect(fs.existsSync(path.join(dataDir, 'pglite', 'duban.lock'))).toBe(false);

    // Nothing lost: the database is intact and no message is left half-sent.
    const db = await openDatabase({ dataDir });
    try {
      expect(await db.prisma.task.count()).toBe(56);
      const reminders = await db.prisma.outbox.findMany({ where: { cadence: { startsWith: 'weekly_reminder' } } });
      expect(reminders.length).toBeGreaterThan(0);
      expect(reminders.filter((r) => r.status === 'sending')).toEqual([]);
      expect(await db.prisma.inboundMessage.count()).toBeGreaterThanOrEqual(0);
    } finally {
      await db.close();
    }

    // Started again the same day: the data is there and the demo push is not repeated.
    const again = startBot(dataDir, await freePort());
    try {
      await vi.waitFor(() => expect(again.out()).toContain('已推送过本周调度提醒，这次启动不再重复推送'), { timeout: 120_000, interval: 200 });
    } finally {
      again.child.kill('SIGINT');
    }
    expect(await again.exited).toBe(0);
  }, 300_000);

  it('runs the same way on PostgreSQL and Redis (BullMQ)', async () => {
    const pg = await createPgDatabase();
    const prefix = `duban-start-${process.pid}-${Date.now()}`;
    const port = await freePort();
    const bot = startBot(dataDir, port, { DATABASE_URL: pg.url, REDIS_URL: REDIS_TEST_URL, DUBAN_QUEUE_PREFIX: prefix });
    try {
      await vi.waitFor(() => expect(bot.out()).toMatch(/\[区商务局督办群\] 督办助手：.*【周调度提醒】/), { timeout: 200_000, interval: 200 });
      const body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
      expect(body.ok).toBe(true);
      expect(body.checks.find((c) => c.name === 'database')!.detail).toContain('postgres');
      expect(body.checks.find((c) => c.name === 'redis')!.detail).toContain('BullMQ');
    } finally {
      bot.child.kill('SIGINT');
    }
    expect(await bot.exited).toBe(0);
    const db = await openDatabase({ databaseUrl: pg.url, dataDir: 'memory://' });
    try {
      expect(await db.prisma.task.count()).toBe(56);
      expect(await db.prisma.outbox.count({ where: { status: 'sending' } })).toBe(0);
    } finally {
      await db.close();
      await pg.drop();
      const redis = new Redis(REDIS_TEST_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  }, 300_000);
});
