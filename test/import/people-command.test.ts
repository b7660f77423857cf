import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peopleCommand } from '../../src/cli/commands/people-command.ts';
import { main } from '../../src/cli/main.ts';
import { openDatabase, type Database } from '../../src/store/open-database.ts';
import { createPgDatabase } from '../helpers/databases.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-people-cli-'));
const file = (name: string, lines: string[]) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, lines.join('\n'));
  return p;
};

let pg: { url: string; drop: () => Promise<void> };
let db: Database;
const env = () => ({ LOG_LEVEL: 'silent', DATABASE_URL: pg.url, DUBAN_DATA_DIR: dir });

async function run(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const code = await main(['people', ...args], { stdout: out, stderr: err, env: env() });
  return { code, stdout, stderr };
}

const HEADER = '单位,姓名,角色,账号,手机,群';
const GOOD = [
  HEADER,
  '区商务局,李娜,联络员,wxid_lina,13800000000,商务局工作群',
  '区商务局,周强,B角,wxid_zhou,,商务局工作群',
  '区住建局,刘股长,联络员,wxid_liu,,住建局工作群',
  ',王敏,管理员,wxid_wang,,督办室群',
  ',杨峰,分管领导,wxid_yang,,',
];

beforeAll(async () => {
  pg = await createPgDatabase();
  db = await openDatabase({ databaseUrl: pg.url, dataDir: dir });
  for (const name of ['区商务局', '区住建局']) await db.prisma.unit.create({ data: { name, kind: 'department', aliases: [name.replace(/^区/, '')] } });
}, 60_000);
afterAll(async () => {
  await db?.close();
  await pg?.drop();
});

describe('duban people (the 通讯录)', () => {
  it('dry run shows every change and writes nothing; import writes and audits; re-import changes nothing', async () => {
    const f = file('people.csv', GOOD);
    const dry = await run(['import', f, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('第2行 新增 区商务局 李娜（联络员）');
    expect(dry.stdout).toContain('新增5人');
    expect(dry.stdout).toContain('试运行');
    expect(await db.prisma.person.count()).toBe(0);

    const real = await run(['import', f]);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('新增5人');
    expect(await db.prisma.person.count()).toBe(5);
    const lina = await db.prisma.person.findUniqueOrThrow({ where: { chatId: 'wxid_lina' }, include: { backup: true } });
    expect(lina.backup?.name).toBe('周强');
    expect(await db.prisma.auditLog.count({ where: { action: 'person.create', actor: 'cli' } })).toBe(5);
    expect(await db.prisma.groupUnit.count()).toBe(2);

    const again = await run(['import', f]);
    expect(again.stdout).toContain('不变5人');
    expect(await db.prisma.person.count()).toBe(5);
    expect(await db.prisma.auditLog.count({ where: { action: 'person.create' } })).toBe(5);
  }, 60_000);

  it('an edited row is an update shown field by field, never a second person', async () => {
    const f = file('people-edit.csv', GOOD.map((l) => l.replace('13800000000', '13900000000')));
    const dry = await run(['import', f, '--dry-run']);
    expect(dry.stdout).toContain('第2行 更新 区商务局 李娜（联络员）  手机：13800000000 → 13900000000');
    expect((await run(['import', f])).code).toBe(0);
    expect(await db.prisma.person.count()).toBe(5);
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'person.update' }, orderBy: { id: 'desc' } });
    expect(audit.before).toMatchObject({ phone: '13800000000' });
    expect(audit.after).toMatchObject({ phone: '13900000000' });
  }, 60_000);

  it('exports .xlsx and .csv that import back unchanged', async () => {
    for (const ext of ['xlsx', 'csv']) {
      const out = path.join(dir, `export.${ext}`);
      const r = await run(['export', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('5 人');
      const back = await run(['import', out, '--dry-run']);
      expect(back.stdout, ext).toContain('不变5人');
    }
  }, 60_000);

  it('bad rows are all named by row and column, in Chinese, and nothing is written', async () => {
    const before = await db.prisma.person.count();
    const f = file('bad.csv', [HEADER, '区商务局,张三,科员,wxid_z,,', ',李四,联络员,wxid_l,,', '区商务局,,联络员,,,', '区商务局,王五,联络员,wxid_lina,abc,']);
    const r = await run(['import', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('第2行C列“角色”：角色“科员”不认识');
    expect(r.stderr).toContain('第3行A列“单位”：联络员李四没有填写单位');
    expect(r.stderr).toContain('第4行B列“姓名”：姓名为空');
    expect(r.stderr).toContain('第5行E列“手机”：手机“abc”不是电话号码');
    const unknownUnit = await run(['import', file('unit.csv', [HEADER, '区不存在局,赵六,联络员,wxid_zl,,'])]);
    expect(unknownUnit.code).toBe(1);
    expect(unknownUnit.stderr).toContain('第2行“单位”列：单位“区不存在局”不在单位目录中');
    expect(await db.prisma.person.count()).toBe(before);
    expect(peopleCommand.usage).toContain('--dry-run');
  }, 60_000);
});
