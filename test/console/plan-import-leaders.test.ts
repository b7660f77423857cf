import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.ts';
import { leaderCoverageWarnings } from '../../src/store/leader-coverage.ts';
import type { Database } from '../../src/store/open-database.ts';
import { serveConsole } from '../helpers/console-server.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

// Task 1 names its 牵头领导; task 2's lead unit has a 分管领导 in the directory; task 3 reaches nobody.
const PLAN = [
  '东湖区2026年促消费稳增长工作方案',
  '',
  '一、提振消费',
  '1.开展汽车家电以旧换新促消费活动，全年组织专场活动不少于10场。（牵头领导：张伟；牵头单位：区商务局；完成时限：2026年12月底）',
  '2.培育夜间经济集聚区，打造特色商业街区2个。（牵头单位：区商务局；完成时限：2026年10月底）',
  '二、优化服务',
  '3.推行惠企政策免申即享，政策兑现时间压缩30%。（牵头单位：区发展和改革委员会；完成时限：2026年9月底）',
].join('\n');

/**
 * Importing a plan in the console says, as `duban import` and `duban doctor` do, when some of its
 * tasks reach no leader's digest: in the preview (before anything is written) and after the import.
 */
describe.each(DB_KINDS)('console plan import on %s: the leader-coverage warning', (kind) => {
  let db: Database;
  let server: Awaited<ReturnType<typeof serveConsole>>;
  let base: string;
  const clock = new ManualClock('2026-11-30T02:00:00Z');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `duban-console-import-${kind}-`));
  const planFile = path.join(dir, '促消费工作方案.txt');
  let session: { cookie: string; csrf: string };

  const post = (url: string, fields: Record<string, string>, file?: string) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
    return fetch(`${base}${url}`, { method: 'POST', redirect: 'manual', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: form });
  };
  const preview = async () => {
    const res = await post('/plans/import', { year: '' }, planFile);
    expect(res.status).toBe(200);
    return res.text();
  };
  const coverage = (page: string) => [...page.matchAll(/<div class="notice err" id="leader-coverage">([^<]*)<\/div>/g)].map((m) => m[1]!);

  beforeAll(async () => {
    fs.writeFileSync(planFile, PLAN);
    db = await openTestDatabase(kind);
    const p = db.prisma;
    const shangwu = await p.unit.create({ data: { name: '区商务局', kind: 'department' } });
    const zhao = await p.person.create({ data: { name: '赵副区长', kind: 'leader', chatId: 'c-zhao' } });
    await p.oversight.create({ data: { personId: zhao.id, unitId: shangwu.id, role: '分管领导', source: 'people' } });
    server = await serveConsole({ prisma: p, clock, dataDir: dir });
    base = server.base;
    session = await server.signIn('管理员');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the preview names the plan and counts the tasks no leader oversees, before anything is written', async () => {
    const page = await preview();
    expect(page).toContain('识别出 3 项任务');
    const [warning, ...more] = coverage(page);
    expect(more).toEqual([]);
    expect(warning).toMatch(/^《[^》]+》1项任务没有对应的领导（无牵头领导、领导小组组长\/常务副组长或责任单位的分管领导），周汇总不会送达任何领导/);
    expect(await db.prisma.task.count()).toBe(0);
  });

  it('the import result says the same as `duban import`; a 分管领导 for the last unit clears the warning', async () => {
    const page = await preview();
    const upload = /name="upload" value="([0-9a-f]{24})"/.exec(page)![1]!;
    const done = await (await post('/plans/import/commit', { upload, year: '' })).text();
    expect(done).toContain('已导入');
    const said = await leaderCoverageWarnings(db.prisma);
    expect(said).toHaveLength(1);
    expect(coverage(done)).toEqual([`警告：${said[0]}`]);
    // The preview and the import name the plan alike.
    expect(said[0]!.startsWith(coverage(page)[0]!.slice(0, coverage(page)[0]!.indexOf('》') + 1))).toBe(true);

    const fagai = await db.prisma.unit.findFirstOrThrow({ where: { name: '区发展和改革委员会' } });
    const qian = await db.prisma.person.create({ data: { name: '钱副区长', kind: 'leader', chatId: 'c-qian' } });
    await db.prisma.oversight.create({ data: { personId: qian.id, unitId: fagai.id, role: '分管领导', source: 'people' } });
    expect(coverage(await preview())).toEqual([]);
    expect(await leaderCoverageWarnings(db.prisma)).toEqual([]);
  });
});
