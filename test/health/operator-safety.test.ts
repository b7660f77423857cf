import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import { doctorCommand } from '../../src/cli/commands/doctor-command.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { databaseCheck } from '../../src/health/health-checks.ts';
import { startHealthServer } from '../../src/health/health-server.ts';
import { createPgDatabase } from '../helpers/databases.ts';

// Small things an operator or a passer-by must not see or be misled by.
describe('operator safety', () => {
  it('/healthz listens on loopback unless configured, and an outage does not show where the database lives', async () => {
    const down = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://dbadmin:s3cret@127.0.0.1:9/duban', connectionTimeoutMillis: 500 }) });
    const server = await startHealthServer(0, [databaseCheck(down, 'postgres')]);
    try {
      expect(server.host).toBe('127.0.0.1');
      const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(res.status).toBe(503);
      const body = await res.text();
      expect(body).toContain('数据库不可用');
      expect(body).not.toMatch(/127\.0\.0\.1|:9\b|s3cret|dbadmin/);
    } finally {
      await server.close();
      await down.$disconnect();
    }
    expect(loadConfig({ env: {} }).httpHost).toBe('127.0.0.1');
    expect(loadConfig({ env: { DUBAN_HTTP_HOST: '0.0.0.0' } }).httpHost).toBe('0.0.0.0');
  });

  it('never echoes a password from a bad DATABASE_URL or REDIS_URL, nor a token', () => {
    const message = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig({ env });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    const db = message({ DATABASE_URL: 'mysql://duban:hunter2@db.internal:3306/duban' });
    expect(db).toContain('DATABASE_URL');
    expect(db).toContain('duban:***@');
    expect(db).not.toContain('hunter2');
    const redis = message({ REDIS_URL: 'http://:hunter2@cache:6379' });
    expect(redis).toContain('REDIS_URL');
    expect(redis).not.toContain('hunter2');
  });

  it('doctor fails when the cadence file is missing', async () => {
    const pg = await createPgDatabase();
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += String(d)));
    try {
      const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duban-doctor-')), 'cadences.json');
      const code = await doctorCommand.run([], { stdout: out, stderr: out, env: { DATABASE_URL: pg.url, DUBAN_CADENCE_FILE: missing } });
      expect(code).toBe(1);
      expect(text).toMatch(/✘ config files\s+配置项 cadenceFile（DUBAN_CADENCE_FILE）指向的文件不存在/);
    } finally {
      await pg.drop();
    }
  }, 60_000);
});
