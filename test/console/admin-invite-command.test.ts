import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openDatabase, type Database } from '../../src/store/open-database.ts';
import { createPgDatabase } from '../helpers/databases.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-admin-cli-'));
let pg: { url: string; drop: () => Promise<void> };
let db: Database;

async function run(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const code = await main(['admin', ...args], { stdout: out, stderr: err, env: { LOG_LEVEL: 'silent', DATABASE_URL: pg.url, DUBAN_DATA_DIR: dir } });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  pg = await createPgDatabase();
  db = await openDatabase({ databaseUrl: pg.url, dataDir: dir });
  await db.prisma.person.create({ data: { name: '赵副区长', kind: 'leader', chatId: 'c-zhao' } });
  await db.prisma.person.create({ data: { name: '赵副区长', kind: 'contact', chatId: 'c-zhao-2' } }); // same name, not a leader
}, 60_000);
afterAll(async () => {
  await db?.close();
  await pg?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('duban admin invite', () => {
  it('--leader ties a read-only account to the leader in the directory; an unknown leader is refused by name', async () => {
    const ok = await run(['invite', '赵区长', '--leader', '赵副区长']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('赵区长（只读：赵副区长牵头或分管的任务） 的一次性登录链接');
    expect(ok.stdout).toMatch(/\/login\/[A-Za-z0-9_-]{20,}/);
    const leader = await db.prisma.person.findFirstOrThrow({ where: { name: '赵副区长', kind: 'leader' } });
    expect(await db.prisma.consoleAccount.findUniqueOrThrow({ where: { name: '赵区长' } })).toMatchObject({ role: 'leader', personId: leader.id });
    expect(await db.prisma.auditLog.findFirst({ where: { action: 'console.invite', actor: 'cli' } })).not.toBeNull();

    const unknown = await run(['invite', '孙区长', '--leader', '孙副区长']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('通讯录中没有名为“孙副区长”的领导');
    expect(await db.prisma.consoleAccount.findUnique({ where: { name: '孙区长' } })).toBeNull();

    // --readonly alone would be an account that sees nothing: refused with the way to do it.
    const bare = await run(['invite', '钱区长', '--readonly']);
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain('只读账户须关联一位领导');
  });

  it('never turns an existing admin account into a leader\'s read-only one', async () => {
    expect((await run(['invite', '王主任'])).code).toBe(0);
    const taken = await run(['invite', '王主任', '--leader', '赵副区长']);
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toContain('账户“王主任”已是管理员账户，不能改为该领导的只读账户');
    expect(await db.prisma.consoleAccount.findUniqueOrThrow({ where: { name: '王主任' } })).toMatchObject({ role: 'admin', personId: null });
  });
});
