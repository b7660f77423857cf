import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPlanJson, type PlanJson } from '../../src/domain/plan/plan-json.ts';
import type { ParsedPlan, UnitAssignment } from '../../src/domain/plan/plan-types.ts';
import { resolvePlanUnits } from '../../src/domain/plan/resolve-plan-units.ts';
import { expandCollectiveNames, indexDirectory, resolveUnitName, type UnitDirectory } from '../../src/domain/plan/unit-directory.ts';
import { DEMO_UNITS_FILE, demoUnitsFile, loadDemo } from '../../src/demo/load-demo.ts';
import { readDemoPeople } from '../../src/demo/demo-people.ts';
import { formatCollectives, formatPlanSummary } from '../../src/import/format-import-report.ts';
import { parsePlanSource } from '../../src/import/import-plan-file.ts';
import { loadPlanJson } from '../../src/import/load-plan-json.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';
import { sourceFromText } from '../../src/import/read-plan-file.ts';
import type { Database } from '../../src/store/open-database.ts';
import { openTestDatabase } from '../helpers/databases.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SEEDS = path.resolve(ROOT, '../shared/seeds');
const GOLD = path.resolve(ROOT, '../shared/gold');
const demoUnits = loadUnitDirectory(path.join(ROOT, 'demo/units.json'));
const configUnits = loadUnitDirectory(path.join(ROOT, 'config/units.json'));

const parseSeed = (file: string, directory: UnitDirectory): ParsedPlan =>
  parsePlanSource(sourceFromText(fs.readFileSync(path.join(SEEDS, file), 'utf8'), file), { directory });
const entries = (plan: ParsedPlan, rawName: string): UnitAssignment[] => plan.tasks.flatMap((t) => t.units.filter((u) => u.rawName === rawName));
const namesOfKind = (dir: UnitDirectory, ...kinds: string[]) => dir.units.filter((u) => kinds.includes(u.kind)).map((u) => u.name);

const QINGYUNPU_STREETS = ['洪都街道', '京山街道', '三家店街道', '徐家坊街道', '岱山街道'];
const DONGHU_STREETS = ['公园街道', '滕王阁街道', '百花洲街道', '董家窑街道', '墩子塘街道', '大院街道', '豫章街道', '彭家桥街道', '沙井街道', '贤士湖街道'];

describe('seed 003 against demo/units.json (青云谱区)', () => {
  const plan = parseSeed('003_4dfd9a9cc1e4fe81.txt', demoUnits);
  const jujuqu = demoUnits.units.filter((u) => u.name.endsWith('集聚区')).map((u) => u.name);

  it('the directory has the district\'s five streets, its town and two or three 集聚区', () => {
    expect(namesOfKind(demoUnits, 'street')).toEqual(QINGYUNPU_STREETS);
    expect(namesOfKind(demoUnits, 'town')).toEqual(['青云谱镇']);
    expect(jujuqu.length).toBeGreaterThanOrEqual(2);
    expect(jujuqu.length).toBeLessThanOrEqual(3);
  });

  it('every 各街道、镇、集聚区 row (and 各相关…) reaches the streets, the town and the 集聚区', () => {
    const want = [...QINGYUNPU_STREETS, '青云谱镇', ...jujuqu];
    const rows = [...entries(plan, '各街道、镇、集聚区'), ...entries(plan, '各相关街道、镇、集聚区')];
    expect(rows).toHaveLength(50);
    for (const u of rows) {
      expect(u.collective).toBe(true);
      expect(u.resolved).toBeNull();
      expect(u.expandsTo).toEqual(want);
    }
    expect(entries(plan, '各街道、镇').map((u) => u.expandsTo)).toEqual([[...QINGYUNPU_STREETS, '青云谱镇']]);
  });

  it('区直相关单位 reaches the district departments, offices and committees — no street, town or company', () => {
    const rows = entries(plan, '区直相关单位');
    expect(rows).toHaveLength(5);
    for (const u of rows) expect(u.expandsTo).toEqual(namesOfKind(demoUnits, 'department', 'office', 'committee'));
    expect(rows[0]!.expandsTo).toContain('区科学技术和工业信息化局');
    expect(rows[0]!.expandsTo).not.toContain('洪都街道');
    expect(rows[0]!.expandsTo).not.toContain('区国有资产投资集团');
  });

  it('names every unit of the plan: no warning, nothing unresolved, and only collectives carry expandsTo', () => {
    expect(plan.warnings).toEqual([]);
    const all = plan.tasks.flatMap((t) => t.units);
    expect(all.filter((u) => !u.resolved && !u.collective).map((u) => u.rawName)).toEqual([]);
    expect(all.filter((u) => !u.collective && u.expandsTo !== undefined)).toEqual([]);
    expect(resolveUnitName('区科工局', indexDirectory(demoUnits)).resolved?.name).toBe('区科学技术和工业信息化局');
    expect(resolveUnitName('区住建局（旧改办）', indexDirectory(demoUnits)).resolved?.name).toBe('区住房和城乡建设局');
  });

  it('raw names stay as written: the units of every role equal the gold', () => {
    const gold = JSON.parse(fs.readFileSync(path.join(GOLD, '003_4dfd9a9cc1e4fe81.json'), 'utf8')) as PlanJson;
    const got = toPlanJson(plan);
    for (const f of ['leadUnits', 'responsibleUnits', 'participatingUnits'] as const) {
      expect(got.tasks.map((t) => t[f]), f).toEqual(gold.tasks.map((t) => t[f]));
    }
  });

  it('the summary shows each phrase once, with how many units it reached', () => {
    const summary = formatPlanSummary(plan);
    expect(summary).toContain('统称“各街道、镇、集聚区”→ 9 个单位（洪都街道、京山街道、三家店街道…）');
    expect(summary.split('统称“各街道、镇、集聚区”').length - 1).toBe(1);
    expect(formatCollectives(plan)).toEqual([
      '统称“各街道、镇、集聚区”→ 9 个单位（洪都街道、京山街道、三家店街道…）',
      '统称“各相关街道、镇、集聚区”→ 9 个单位（洪都街道、京山街道、三家店街道…）',
      '统称“各街道、镇”→ 6 个单位（洪都街道、京山街道、三家店街道…）',
      `统称“区直相关单位”→ ${namesOfKind(demoUnits, 'department', 'office', 'committee').length} 个单位（区发展和改革委员会、区科学技术和工业信息化局、区商务局…）`,
      `统称“区安委会相关成员单位”→ ${namesOfKind(demoUnits, 'department').length} 个单位（区发展和改革委员会、区科学技术和工业信息化局、区商务局…）`,
    ]);
    // Under the 单位 row, before 牵头领导.
    const lines = summary.split('\n');
    const at = lines.findIndex((l) => l.includes('统称“各街道、镇、集聚区”'));
    expect(lines[at - 1]).toMatch(/^ {2}单位/);
    expect(lines.findIndex((l) => l.includes('牵头领导'))).toBe(at + 5);
  });
});

describe('seed 002 against config/units.json (东湖区)', () => {
  const plan = parseSeed('002_a944769c8b8073fd.txt', configUnits);

  it('各镇、街道、管理处 reaches the towns, every street and the 管理处, and nothing else', () => {
    const [u, ...more] = entries(plan, '各镇、街道、管理处');
    expect(more).toEqual([]);
    expect(u!.expandsTo).toEqual(
      configUnits.units.filter((x) => x.kind === 'street' || (x.kind === 'town' && x.name.endsWith('镇')) || x.name.endsWith('管理处')).map((x) => x.name),
    );
    expect(u!.expandsTo).toEqual(expect.arrayContaining(['扬子洲镇', '扬农管理处', '八大山人梅湖景区管理处', ...DONGHU_STREETS]));
    expect(u!.expandsTo).not.toContain('集聚区');
    expect(u!.expandsTo).not.toContain('区财政局');
  });

  it('区直各单位 reaches the departments, offices and committees', () => {
    const [u] = entries(plan, '区直各单位');
    expect(u!.expandsTo).toEqual(namesOfKind(configUnits, 'department', 'office', 'committee'));
    expect(u!.expandsTo).toEqual(expect.arrayContaining(['区发展和改革委员会', '区政府办公室', '区安全生产委员会']));
    expect(u!.expandsTo).not.toContain('扬子洲镇');
  });

  it('phrases that name no kind of unit warn collective_empty, with task and line', () => {
    expect(plan.warnings.filter((w) => w.code === 'collective_empty').map((w) => [w.line, w.message])).toEqual([
      [76, '任务 一：统称“各项目相关责任单位”在单位目录中找不到对应单位，未分派到任何单位，请在单位目录中补充或在台账中指定单位'],
      [78, '任务 二：统称“项目相关责任单位”在单位目录中找不到对应单位，未分派到任何单位，请在单位目录中补充或在台账中指定单位'],
      [82, '任务 三：统称“各招商引资责任单位”在单位目录中找不到对应单位，未分派到任何单位，请在单位目录中补充或在台账中指定单位'],
    ]);
    expect(entries(plan, '各项目相关责任单位')[0]!.expandsTo).toEqual([]);
    expect(formatCollectives(plan)).toContain('统称“各项目相关责任单位”→ 单位目录中无对应单位，未分派');
  });

  it('seed 000\'s 各镇、街办、管理处 reaches the same units as 002\'s 各镇、街道、管理处', () => {
    const plan000 = parseSeed('000_6f6368d3106e93bf.txt', configUnits);
    const rows = entries(plan000, '各镇、街办、管理处');
    expect(rows.length).toBe(18);
    for (const u of rows) expect(u.expandsTo).toEqual(entries(plan, '各镇、街道、管理处')[0]!.expandsTo);
  });
});

describe('collective phrases in general', () => {
  const index = indexDirectory(demoUnits);

  it('相关 / 有关 / 各 do not change which kinds a phrase reaches', () => {
    expect(expandCollectiveNames('区直相关单位', index)).toEqual(expandCollectiveNames('区直各单位', index));
    expect(expandCollectiveNames('各相关街道', index)).toEqual(expandCollectiveNames('各街道', index));
    expect(expandCollectiveNames('各有关街道、镇', index)).toEqual(expandCollectiveNames('各街道、镇', index));
    expect(expandCollectiveNames('各街道', index)).toEqual(QINGYUNPU_STREETS);
    expect(expandCollectiveNames('各镇街', index)).toEqual([...QINGYUNPU_STREETS, '青云谱镇']);
    expect(expandCollectiveNames('各镇（街道）', index)).toEqual([...QINGYUNPU_STREETS, '青云谱镇']);
  });

  it('a phrase matching nothing warns on its table cell; resolving twice does not repeat the warning', () => {
    const plan: ParsedPlan = {
      document: 't.xlsx', title: 't', issuer: null, docNumber: null, issuedOn: null, year: 2026, sections: [], roster: [], mechanisms: [], warnings: [],
      tasks: [{
        no: '3', seq: 1, line: null, cell: '任务!C4', sectionKey: null, sections: [], title: null, text: '推进项目', leaders: [],
        deadline: { kind: 'none', date: null, text: null, recurrence: null }, milestones: [],
        units: [
          { role: 'lead', rawName: '区商务局', ordinal: 0, collective: false, resolved: null, suggestions: [] },
          { role: 'responsible', rawName: '各项目相关责任单位', ordinal: 1, collective: false, resolved: null, suggestions: [] },
          { role: 'participating', rawName: '各街道', ordinal: 2, collective: false, resolved: null, suggestions: [] },
        ],
      }],
    };
    const once = resolvePlanUnits(plan, index);
    const want = [{ cell: '任务!C4', code: 'collective_empty', message: '任务 3：统称“各项目相关责任单位”在单位目录中找不到对应单位，未分派到任何单位，请在单位目录中补充或在台账中指定单位' }];
    expect(once.warnings).toEqual(want);
    expect(once.tasks[0]!.units.map((u) => u.expandsTo)).toEqual([undefined, [], QINGYUNPU_STREETS]);
    expect(resolvePlanUnits(once, index).warnings).toEqual(want);
  });

  it('a directory without towns or streets leaves 各街道、镇 empty, with a warning on its line', () => {
    const deptOnly: UnitDirectory = { units: [{ name: '区商务局', aliases: [], kind: 'department' }] };
    const plan = parsePlanSource(sourceFromText('工作方案\n一、任务\n1.做好招商工作。（责任单位：区商务局、各街道、镇）\n', 'x.txt'), { directory: deptOnly });
    expect(plan.tasks[0]!.units.map((u) => [u.rawName, u.expandsTo])).toEqual([['区商务局', undefined], ['各街道、镇', []]]);
    expect(plan.warnings.map((w) => [w.line, w.code])).toEqual([[3, 'collective_empty']]);
  });
});

describe('demo/units.json for the demo', () => {
  it('demo/plan.json imports against it with every unit resolved and no warning', () => {
    const plan = loadPlanJson(path.join(ROOT, 'demo/plan.json'), { directory: demoUnits });
    expect(plan.warnings).toEqual([]);
    expect(plan.tasks[0]!.units.map((u) => [u.rawName, u.resolved?.name ?? null, u.expandsTo?.length ?? null])).toEqual([
      ['区科工局', '区科学技术和工业信息化局', null],
      ['各街道、镇、集聚区', null, 9],
    ]);
  });

  it('the demo people\'s units are in it', () => {
    const index = indexDirectory(demoUnits);
    const people = readDemoPeople(path.join(ROOT, 'demo/people.json'));
    const names = [...people.contacts.map((c) => c.unit), ...people.groups.flatMap((g) => g.units)];
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !resolveUnitName(n, index).resolved)).toEqual([]);
  });

  it('is what the demo uses unless the operator set a units file of their own', () => {
    expect(DEMO_UNITS_FILE).toBe('demo/units.json');
    expect(demoUnitsFile('config/units.json')).toBe('demo/units.json');
    expect(demoUnitsFile('./config/units.json')).toBe('demo/units.json');
    expect(demoUnitsFile('/srv/duban/units.json')).toBe('/srv/duban/units.json');
  });
});

describe('loadDemo on an empty database', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('imports demo/plan.json against demo/units.json and creates every directory unit, so collectives have units to reach', async () => {
    const people = readDemoPeople(path.join(ROOT, 'demo/people.json'));
    const r = await loadDemo(db.prisma, { planFile: path.join(ROOT, 'demo/plan.json'), people, unitsFile: path.join(ROOT, DEMO_UNITS_FILE) });
    expect(r.tasks).toBe(56);
    const names = (await db.prisma.unit.findMany({ select: { name: true } })).map((u) => u.name);
    expect(names).toEqual(expect.arrayContaining(demoUnits.units.map((u) => u.name)));
    expect(names).toHaveLength(demoUnits.units.length);
    const keju = await db.prisma.unit.findUniqueOrThrow({ where: { name: '区科学技术和工业信息化局' } });
    expect(await db.prisma.taskUnit.count({ where: { rawName: '区科工局', unitId: keju.id } })).toBe(8);
  }, 60_000);
});
