import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/commands/report-command.ts';
import { main } from '../../src/cli/main.ts';
import type { Database } from '../../src/store/open-database.ts';
import { openTestDatabase } from '../helpers/databases.ts';
import { seedReportFixture } from './report-fixture.ts';

function io(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  return { io: { stdout, stderr, env }, out: () => out.join(''), err: () => err.join('') };
}

describe('duban report', () => {
  let db: Database;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    await seedReportFixture(db.prisma);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'duban-report-cli-'));
    env = { DATABASE_URL: db.url, DUBAN_DATA_DIR: dir, DUBAN_CALENDAR_OVERRIDE_FILE: path.join(dir, 'none.json') };
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes the monthly bulletin files for a past date', async () => {
    const t = io(env);
    const out = path.join(dir, 'out');
    expect(await main(['report', 'monthly', '--date', '2026-11-27', '--out', out], t.io)).toBe(0);
    expect(t.out()).toContain('关于2026年11月重点任务推进情况的通报');
    expect((await fs.readdir(out)).sort()).toEqual(['monthly-2026-11.docx', 'monthly-2026-11.png', 'monthly-2026-11.xlsx']);
  });

  it('prints one digest per leader and the agenda, files under the data folder by default', async () => {
    const w = io(env);
    expect(await reportCommand.run(['weekly', '--date', '2026-11-27'], w.io)).toBe(0);
    expect(w.out()).toContain('==== 致 熊广义（wx-xiong） ====');
    expect(w.out()).toContain('==== 致 饶雪宇（未登记账号） ====');
    expect((await fs.readdir(path.join(dir, 'reports'))).filter((f) => f.startsWith('weekly-2026-11-27'))).toHaveLength(2);
    const c = io(env);
    expect(await reportCommand.run(['consult', '--date', '2026-11-21'], c.io)).toBe(0);
    expect(c.out()).toContain('【旬会商议题】2026年11月下旬会商（11月21日）');
  });

  it('a date before the plan was imported says so, instead of blaming the leaders', async () => {
    const w = io(env);
    expect(await reportCommand.run(['weekly', '--date', '2026-05-15', '--out', path.join(dir, 'early')], w.io)).toBe(0);
    expect(w.out()).toContain('2026年5月15日之前还没有任务（方案导入于2026年9月1日）');
    expect(w.out()).not.toContain('没有牵头领导名下的任务');
  });

  it('refuses an unknown kind or a bad date with a Chinese message', async () => {
    const a = io(env);
    expect(await main(['report', 'yearly'], a.io)).toBe(1);
    expect(a.err()).toContain('报告类型“yearly”不对');
    const b = io(env);
    expect(await main(['report', 'monthly', '--date', '2026-02-30'], b.io)).toBe(1);
    expect(b.err()).toContain('--date 2026-02-30 不是有效日期');
  });
});
