import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planJsonSchema, toPlanJson } from '../../src/domain/plan/plan-json.ts';
import { importPlanFile } from '../../src/import/import-plan-file.ts';
import { loadPlanJson } from '../../src/import/load-plan-json.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';
import { savePlan } from '../../src/import/save-plan.ts';
import { shiftPlanYears, shiftYears } from '../../src/import/shift-plan-years.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEMO = path.join(ROOT, 'demo/plan.json');
const unitsFile = path.join(ROOT, 'config/units.json');

describe('demo/plan.json', () => {
  it('is seed 003 as imported, two years on, in the --json schema', async () => {
    const seed = path.resolve(ROOT, '../shared/seeds/003_4dfd9a9cc1e4fe81.txt');
    const fresh = shiftPlanYears(toPlanJson(await importPlanFile(seed, { directory: loadUnitDirectory(unitsFile) })), 2, 'demo-003_4dfd9a9cc1e4fe81.txt');
    const committed = planJsonSchema.parse(JSON.parse(fs.readFileSync(DEMO, 'utf8')));
    expect(committed).toEqual(fresh);
    expect(committed.title).toBe('2026年区《政府工作报告》重点工作责任分工方案');
    expect(committed.tasks.every((t) => t.deadline === '2026-12-31' && t.deadlineText === '2026年12月底')).toBe(true);
  });

  it('shiftYears moves printed years and dates only', () => {
    expect(shiftYears('2024年12月底；2024-12-31；1985产业园；2.0版', 2)).toBe('2026年12月底；2026-12-31；1985产业园；2.0版');
  });

  it('loadPlanJson gives savePlan its input, units resolved', () => {
    const plan = loadPlanJson(DEMO, { unitsFile });
    expect(plan.tasks).toHaveLength(56);
    expect(plan.sections.filter((s) => s.parentKey === null).map((s) => s.title)[0]).toBe('坚持产业兴区，筑牢城南崛起支撑');
    expect(plan.tasks[0]!.deadline).toEqual({ kind: 'date', date: '2026-12-31', text: '2026年12月底', recurrence: null });
    expect(plan.tasks[0]!.units.map((u) => [u.rawName, u.resolved?.name ?? null, u.collective])).toEqual([
      ['区科工局', '区科学技术和工业信息化局', false],
      ['各街道、镇、集聚区', null, true],
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('a malformed plan file names the field', () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duban-demo-')), 'bad-plan.json');
    fs.writeFileSync(bad, JSON.stringify({ document: 'x', title: 't', issuer: null, docNumber: null, issuedOn: null, tasks: [{ no: '' }], roster: [], mechanisms: [] }));
    try {
      expect(() => loadPlanJson(bad, { unitsFile })).toThrow(/tasks\.0\.no 不正确/);
    } finally {
      fs.rmSync(bad);
    }
  });
});

describe.each(DB_KINDS)('demo plan saved on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });
  it('savePlan(prisma, loadPlanJson(demo/plan.json), {actor: demo}) loads 56 live tasks, twice without duplicates', async () => {
    const plan = loadPlanJson(DEMO, { unitsFile });
    const r1 = await savePlan(db.prisma, plan, { actor: 'demo' });
    const r2 = await savePlan(db.prisma, loadPlanJson(DEMO, { unitsFile }), { actor: 'demo' });
    expect(r1.added).toHaveLength(56);
    expect(r2).toMatchObject({ added: [], changed: [], removed: [], unchanged: 56 });
    expect(await db.prisma.task.count({ where: { deadline: new Date('2026-12-31T00:00:00Z') } })).toBe(56);
    expect(await db.prisma.section.count()).toBe(20);
  });
});
