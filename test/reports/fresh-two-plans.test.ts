import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { addDays, toLocalDate } from '../../src/domain/calendar/shanghai-time.ts';
import type { UnitDirectory } from '../../src/domain/plan/unit-directory.ts';
import { importPlanFile } from '../../src/import/import-plan-file.ts';
import { loadUnitDirectories } from '../../src/import/load-unit-directory.ts';
import { savePlan } from '../../src/import/save-plan.ts';
import { syncUnitDirectory } from '../../src/import/sync-unit-directory.ts';
import { bulletinModel } from '../../src/reports/bulletin-model.ts';
import { buildWeeklyDigests } from '../../src/reports/index.ts';
import { loadReportData } from '../../src/reports/report-data.ts';
import { openDatabase, type Database } from '../../src/store/open-database.ts';

// Seeds 002 (东湖区) and 003 (青云谱区) loaded together with both shipped directories, as the
// sample images and the leader rehearsal do, imported today: a fresh plan, nobody has reported yet.
const SEEDS = ['../shared/seeds/002_a944769c8b8073fd.txt', '../shared/seeds/003_4dfd9a9cc1e4fe81.txt'];
const calendar = createCalendar();

/** Units whose name another unit also answers to: the same body twice. */
function namedTwice(dir: UnitDirectory): string[] {
  const aliasOf = new Map(dir.units.flatMap((u) => u.aliases.map((a) => [a, u.name] as const)));
  return dir.units.filter((u) => aliasOf.has(u.name) && aliasOf.get(u.name) !== u.name).map((u) => `${u.name} = ${aliasOf.get(u.name)}`);
}

describe('merging unit directories', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-units-'));
  const write = (name: string, units: unknown[]) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, JSON.stringify({ units }));
    return f;
  };

  it('treats a name that is another entry’s alias as that unit, whichever file lists it first', () => {
    const a = write('a.json', [{ name: '南昌市公安局青云谱分局', aliases: ['青云谱公安分局'], kind: 'department' }]);
    const b = write('b.json', [
      { name: '青云谱公安分局', aliases: ['南昌市公安局青云谱分局', '公安分局'], kind: 'department' },
      { name: '区税务局甲', aliases: ['区税务局'], kind: 'department' },
    ]);
    const c = write('c.json', [{ name: '区税务局乙', aliases: ['区税务局'], kind: 'department' }]);
    expect(loadUnitDirectories([a, b]).units.filter((u) => u.name.includes('公安'))).toEqual([
      { name: '南昌市公安局青云谱分局', aliases: ['青云谱公安分局', '公安分局'], kind: 'department' },
    ]);
    expect(loadUnitDirectories([b, a]).units.filter((u) => u.name.includes('公安')).map((u) => u.name)).toEqual(['青云谱公安分局']);
    // A shared alias alone does not make two bodies one (two districts may both write 区税务局); it stays with the first.
    expect(loadUnitDirectories([b, c]).units.filter((u) => u.name.startsWith('区税务局')).map((u) => [u.name, u.aliases])).toEqual([
      ['区税务局甲', ['区税务局']],
      ['区税务局乙', []],
    ]);
  });

  it('demo/units.json and config/units.json merge to one unit per body', () => {
    const dir = loadUnitDirectories(['demo/units.json', 'config/units.json']);
    expect(namedTwice(dir)).toEqual([]);
    const names = dir.units.map((u) => u.name);
    expect(names.length).toBe(new Set(names).size);
    for (const [name, alias] of [
      ['南昌市公安局青云谱分局', '青云谱公安分局'],
      ['南昌市青云谱生态环境局', '青云谱生态环境局'],
      ['区科学技术和工业信息化局', '区科技和工业信息化局'],
      ['青云谱新经济产业集聚区', '集聚区'],
    ]) {
      expect(dir.units.find((u) => u.name === name)?.aliases).toContain(alias);
      expect(names).not.toContain(alias);
    }
    // The two files agree on each body's canonical name, so either one alone names it the same way.
    for (const f of ['demo/units.json', 'config/units.json']) {
      const one = loadUnitDirectories([f]).units.map((u) => u.name);
      expect(one).toContain('南昌市公安局青云谱分局');
      expect(one).toContain('区科学技术和工业信息化局');
    }
  });
});

describe('reports on a plan imported today (seeds 002 and 003)', () => {
  let db: Database;
  let directory: UnitDirectory;
  const today = toLocalDate(new Date());
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    directory = loadUnitDirectories(['demo/units.json', 'config/units.json']);
    await syncUnitDirectory(db.prisma, directory);
    for (const f of SEEDS) await savePlan(db.prisma, await importPlanFile(f, { directory }), { actor: 'test' });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  it('the bulletin ranks no unit twice', async () => {
    const m = bulletinModel(await loadReportData(db.prisma, { date: today, calendar, texts: false }), calendar);
    const names = m.rows.map((r) => r.unitName);
    expect(names.length).toBeGreaterThan(40);
    expect(names.length).toBe(new Set(names).size);
    const aliasOf = new Map(directory.units.flatMap((u) => u.aliases.map((a) => [a, u.name] as const)));
    expect(names.filter((n) => aliasOf.has(n))).toEqual([]);
    expect(names).toContain('南昌市公安局青云谱分局');
    expect(names).not.toContain('区科技和工业信息化局');
  });

  it('a unit that has not reported since the round began is listed as 未报送, never 均已报送', async () => {
    const digests = await buildWeeklyDigests(db.prisma, { date: today, calendar });
    expect(digests.length).toBeGreaterThan(0);
    const since = addDays(today, -6);
    const silent = `${Number(since.slice(5, 7))}月${Number(since.slice(8, 10))}日以来未报送进展`;
    for (const d of digests) {
      const third = d.text.split('\n三、')[1]!.split('\n四、')[0]!;
      if (d.text.includes(silent)) {
        expect(third, d.leaderName).not.toContain('均已报送');
        expect(third).toMatch(/^本周未报送进展的单位（[1-9]\d*个）/);
      }
    }
    // The lights say so on every fresh task whose plan was issued before this week.
    expect(digests.some((d) => d.text.includes(silent))).toBe(true);
  });

  it('a deadline in another year than the report date carries its year', async () => {
    const data = await loadReportData(db.prisma, { date: today, calendar });
    const digests = await buildWeeklyDigests(db.prisma, { date: today, calendar });
    const text = digests.map((d) => d.text).join('\n');
    const pastYear = data.tasks.find((t) => t.deadline && t.deadline.slice(0, 4) !== today.slice(0, 4) && t.health.reasons.some((r) => r.kind === 'overdue'));
    expect(pastYear).toBeDefined();
    const d = pastYear!.health.effectiveDeadline!;
    expect(text).toContain(`时限${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`);
    // No overdue deadline reads without its year when it is in an earlier year.
    expect(text).not.toMatch(/已逾期\d{3,}个工作日（时限\d{1,2}月/);
  });
});
