import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlanFile } from '../../src/import/import-plan-file.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';
import { savePlan } from '../../src/import/save-plan.ts';
import { syncUnitDirectory } from '../../src/import/sync-unit-directory.ts';
import type { ParsedPlan } from '../../src/domain/plan/plan-types.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';
import type { Database } from '../../src/store/open-database.ts';

const SEEDS = path.resolve(import.meta.dirname, '../../../shared/seeds');
const directory = loadUnitDirectory(path.resolve(import.meta.dirname, '../../config/units.json'));

describe.each(DB_KINDS)('savePlan on %s', (kind) => {
  let db: Database;
  let plan003: ParsedPlan;
  let plan002: ParsedPlan;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    plan003 = await importPlanFile(path.join(SEEDS, '003_4dfd9a9cc1e4fe81.txt'), { directory });
    plan002 = await importPlanFile(path.join(SEEDS, '002_a944769c8b8073fd.txt'), { directory });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('writes plan, sections, tasks, units, leaders and an audit row', async () => {
    const report = await savePlan(db.prisma, plan003, { actor: 'test' });
    expect(report.created).toBe(true);
    expect(report.added).toHaveLength(56);
    const p = db.prisma;
    const plan = await p.plan.findUniqueOrThrow({ where: { sourceDocument: plan003.document } });
    expect(plan.title).toBe('2024年区《政府工作报告》重点工作责任分工方案');
    expect(plan.mechanisms).toEqual(['周通报', '月调度']);
    expect(await p.task.count({ where: { planId: plan.id } })).toBe(56);
    expect(await p.section.count({ where: { planId: plan.id } })).toBe(5 + 15);
    const t1 = await p.task.findUniqueOrThrow({
      where: { planId_no: { planId: plan.id, no: '1' } },
      include: { units: { include: { unit: true }, orderBy: { ordinal: 'asc' } }, leaders: { include: { person: true } }, section: { include: { parent: true } } },
    });
    expect(t1.deadline?.toISOString().slice(0, 10)).toBe('2024-12-31');
    expect(t1.deadlineKind).toBe('date');
    expect(t1.deadlineText).toBe('2024年12月底');
    expect(t1.leaders.map((l) => l.person.name)).toEqual(['杨峰']);
    expect(t1.section?.title).toBe('激发产业活力');
    expect(t1.section?.parent?.title).toBe('坚持产业兴区，筑牢城南崛起支撑');
    expect(t1.units.map((u) => [u.role, u.rawName, u.unit?.name ?? null, u.collective])).toEqual([
      ['responsible', '区科工局', '区科学技术和工业信息化局', false],
      ['participating', '各街道、镇、集聚区', null, true],
    ]);
    // 区重点公共建设项目管理中心 and its alias 区公建中心 are one unit.
    const center = await p.unit.findUniqueOrThrow({ where: { name: '区重点公共建设项目管理中心' } });
    expect(center.aliases).toContain('区公建中心');
    expect(await p.auditLog.count({ where: { entity: 'Plan', entityId: String(plan.id), action: 'plan.import' } })).toBe(1);
  });

  it('re-import updates in place, reports changes per field, keeps progress', async () => {
    const p = db.prisma;
    const plan = await p.plan.findUniqueOrThrow({ where: { sourceDocument: plan003.document } });
    const t5 = await p.task.findUniqueOrThrow({ where: { planId_no: { planId: plan.id, no: '5' } } });
    const t56 = await p.task.findUniqueOrThrow({ where: { planId_no: { planId: plan.id, no: '56' } } });
    await p.progressUpdate.create({ data: { taskId: t5.id, reportedAt: new Date(), text: '已完成楼宇排查' } });
    await p.progressUpdate.create({ data: { taskId: t56.id, reportedAt: new Date(), text: '已开展排查' } });
    await p.task.update({ where: { id: t5.id }, data: { status: 'in_progress', percent: 40 } });

    const same = await savePlan(p, plan003, { actor: 'test' });
    expect(same).toMatchObject({ created: false, added: [], changed: [], removed: [], unchanged: 56 });

    // The revised document: task 5 moves its deadline and gains a unit, task 55 and 56 disappear, 57 is new.
    const edited: ParsedPlan = structuredClone(plan003);
    const e5 = edited.tasks.find((t) => t.no === '5')!;
    e5.deadline = { kind: 'date', date: '2024-09-30', text: '2024年9月底', recurrence: null };
    e5.units.push({ role: 'participating', rawName: '区财政局', ordinal: 9, collective: false, resolved: { name: '区财政局', kind: 'department', aliases: [], via: 'exact' }, suggestions: [] });
    edited.tasks = edited.tasks.filter((t) => t.no !== '55' && t.no !== '56');
    edited.tasks.push({ ...structuredClone(edited.tasks[0]!), no: '57', seq: 57, text: '新增任务：建设口袋公园。' });
    const report = await savePlan(p, edited, { actor: 'test' });
    expect(report.added).toEqual(['57']);
    expect(report.removed).toEqual([
      { no: '55', kept: false },
      { no: '56', kept: true },
    ]);
    expect(report.changed).toHaveLength(1);
    expect(report.changed[0]!.no).toBe('5');
    expect(report.changed[0]!.fields.map((f) => f.field).sort()).toEqual(['deadline', 'deadlineText', 'participatingUnits']);
    expect(report.changed[0]!.fields.find((f) => f.field === 'deadline')).toEqual({ field: 'deadline', before: '2024-12-31', after: '2024-09-30' });

    expect(await p.task.count({ where: { planId: plan.id } })).toBe(56); // 54 kept + 56 (has progress) + 57
    const after5 = await p.task.findUniqueOrThrow({ where: { id: t5.id }, include: { updates: true } });
    expect(after5).toMatchObject({ status: 'in_progress', percent: 40 });
    expect(after5.updates).toHaveLength(1);
    expect(await p.progressUpdate.count({ where: { taskId: t56.id } })).toBe(1);
    expect(await p.auditLog.count({ where: { entity: 'Plan', entityId: String(plan.id) } })).toBe(3);
  });

  it('syncs the unit directory: every unit, aliases and kinds, nothing deleted', async () => {
    const p = db.prisma;
    const before = await p.unit.count();
    const r1 = await syncUnitDirectory(p, directory);
    expect(await p.unit.count()).toBe(directory.units.length);
    expect(r1.created.length).toBe(directory.units.length - before);
    const edited = { units: directory.units.map((u) => (u.name === '区财政局' ? { ...u, aliases: ['区财政'] } : u)).filter((u) => u.name !== '洪都街道') };
    const r2 = await syncUnitDirectory(p, edited);
    expect(r2).toEqual({ created: [], updated: ['区财政局'] });
    expect((await p.unit.findUniqueOrThrow({ where: { name: '区财政局' } })).aliases).toEqual(['区财政']);
    expect(await p.unit.count({ where: { name: '洪都街道' } })).toBe(1);
  });

  it('saves the roster as leaders with titles and roles, and leaves other plans alone', async () => {
    const p = db.prisma;
    await savePlan(p, plan002, { actor: 'cli' });
    const hu = await p.person.findFirstOrThrow({ where: { name: '胡俊峰', kind: 'leader' } });
    expect(hu).toMatchObject({ title: '区委副书记、区政府区长', role: '组长' });
    expect(await p.person.count({ where: { kind: 'leader', role: '副组长' } })).toBe(27);
    const plan = await p.plan.findUniqueOrThrow({ where: { sourceDocument: plan002.document } });
    expect(plan.docNumber).toBe('东办发〔2024〕1号');
    expect(plan.issuedOn?.toISOString().slice(0, 10)).toBe('2024-02-06');
    expect(await p.task.count({ where: { planId: plan.id } })).toBe(4);
    expect(await p.plan.count()).toBe(2);
    // A revised file under another name (same 文号) updates the same plan.
    const renamed = await savePlan(p, { ...plan002, document: '东办发2024-1号-修订.txt' }, { actor: 'cli' });
    expect(renamed).toMatchObject({ planId: plan.id, created: false, previousDocument: plan002.document, added: [], unchanged: 4 });
    expect(await p.plan.count()).toBe(2);
    // A name outside the directory is stored as written, unlinked, never dropped.
    const t1 = await p.task.findUniqueOrThrow({ where: { planId_no: { planId: plan.id, no: '一' } }, include: { units: true } });
    expect(t1.units.map((u) => [u.role, u.rawName, u.unitId === null, u.collective])).toEqual([
      ['lead', '区公建中心', false, false],
      ['responsible', '各项目相关责任单位', true, true],
    ]);
  });

  it('makes one assignment per unit, keeps a 转办 and a reporting unit across re-imports', async () => {
    const p = db.prisma;
    await syncUnitDirectory(p, directory);
    await savePlan(p, plan002, { actor: 'test' });
    const plan = await p.plan.findUniqueOrThrow({ where: { sourceDocument: plan002.document } });
    const task = await p.task.findUniqueOrThrow({ where: { planId_no: { planId: plan.id, no: '三' } } });
    const unit = (name: string) => p.unit.findUniqueOrThrow({ where: { name } });
    const [shangwu, fgw, zhujian] = await Promise.all([unit('区商务局'), unit('区发展和改革委员会'), unit('区住房和城乡建设局')]);
    const parts = await p.assignment.findMany({ where: { taskId: task.id } });
    expect(parts.find((a) => a.unitId === shangwu.id)).toMatchObject({ role: 'lead', via: null });
    expect(parts.find((a) => a.unitId === fgw.id)).toMatchObject({ role: 'responsible' });
    // 转办 of 区商务局's part to 区住建局, as the chat handler records it; 区发改委 has reported.
    const moved = parts.find((a) => a.unitId === shangwu.id)!;
    await p.assignment.update({ where: { id: moved.id }, data: { unitId: zhujian.id, via: '转办自区商务局' } });
    await p.taskRequest.create({ data: { taskId: task.id, kind: 'transfer', status: 'approved', unitId: shangwu.id, toUnitId: zhujian.id, assignmentId: moved.id, requestedBy: 'admin', evidence: [] } });
    await p.assignment.updateMany({ where: { taskId: task.id, unitId: fgw.id }, data: { state: 'in_progress', lastReportedAt: new Date() } });
    // The revised document drops 区发改委 from 第三项.
    const revised = { ...plan002, tasks: plan002.tasks.map((t) => (t.no === '三' ? { ...t, units: t.units.filter((u) => u.rawName !== '区发改委') } : t)) };
    await savePlan(p, revised, { actor: 'test' });
    const after = await p.assignment.findMany({ where: { taskId: task.id }, orderBy: { id: 'asc' } });
    expect(after.find((a) => a.unitId === zhujian.id)).toMatchObject({ id: moved.id, via: '转办自区商务局' });
    expect(after.find((a) => a.unitId === shangwu.id)).toBeUndefined();
    expect(after.find((a) => a.unitId === fgw.id)).toMatchObject({ role: 'participating', via: '方案已不再列出', state: 'in_progress' });
  });
});
