import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlignmentType, Document, LevelFormat, Packer, Paragraph, Table, TableCell, TableRow, TextRun, VerticalMergeType } from 'docx';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPlanJson } from '../../src/domain/plan/plan-json.ts';
import { exportLedger, LEDGER_COLUMNS } from '../../src/import/export-ledger.ts';
import { importPlanFile } from '../../src/import/import-plan-file.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';
import { savePlan } from '../../src/import/save-plan.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

const SEEDS = path.resolve(import.meta.dirname, '../../../shared/seeds');
const directory = loadUnitDirectory(path.resolve(import.meta.dirname, '../../config/units.json'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const para = (text: string) => new Paragraph({ children: [new TextRun(text)] });
const cell = (text: string) => new TableCell({ children: [para(text)] });

async function writeDocx(name: string, children: (Paragraph | Table)[]): Promise<string> {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, await Packer.toBuffer(new Document({ sections: [{ children }] })));
  return file;
}

async function writeXlsx(name: string, rows: (string | Date | number | null)[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('任务');
  for (const r of rows) ws.addRow(r);
  const file = path.join(tmp, name);
  await wb.xlsx.writeFile(file);
  return file;
}

describe('Word and Excel inputs', () => {
  it('reads a .docx written as paragraphs', async () => {
    const file = await writeDocx('plan.docx', [
      para('东湖区2024年优化营商环境工作方案'),
      para('一、重点任务'),
      para('（一）提升政务服务'),
      para('1.推进一网通办。扩大网上办理事项。（牵头单位：区政数局；责任单位：区发改委，各镇、街办、管理处；完成时限：2024年6月30日前）'),
      para('2.优化审批流程。压缩审批时限。（责任单位：区住建局、区公建中心；完成时限：年底前）'),
    ]);
    const plan = await importPlanFile(file, { directory });
    expect(plan.title).toBe('东湖区2024年优化营商环境工作方案');
    const json = toPlanJson(plan);
    expect(json.tasks.map((t) => [t.no, t.sections, t.title, t.leadUnits, t.responsibleUnits, t.deadline])).toEqual([
      ['1', ['重点任务', '提升政务服务'], '推进一网通办', ['区政数局'], ['区发改委', '各镇、街办、管理处'], '2024-06-30'],
      ['2', ['重点任务', '提升政务服务'], '优化审批流程', [], ['区住建局', '区公建中心'], '2024-12-31'],
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('reads a .docx whose tasks sit in a table', async () => {
    const file = await writeDocx('table.docx', [
      para('2024年重点工作任务分解表'),
      new Table({
        rows: [
          new TableRow({ children: ['序号', '重点任务', '责任领导', '牵头单位', '配合单位', '时间节点'].map(cell) }),
          new TableRow({ children: ['1', '完成老旧小区改造16个', '聂洪明', '区住建局', '各街道、镇', '2024年11月'].map(cell) }),
          new TableRow({ children: ['2', '新增停车泊位1000个', '涂艳彬', '区城管执法局', '', '三季度末'].map(cell) }),
        ],
      }),
    ]);
    const json = toPlanJson(await importPlanFile(file, { directory }));
    expect(json.title).toBe('2024年重点工作任务分解表');
    expect(json.tasks.map((t) => [t.no, t.leaders, t.leadUnits, t.participatingUnits, t.deadline, t.deadlineText])).toEqual([
      ['1', ['聂洪明'], ['区住建局'], ['各街道、镇'], '2024-11-30', '2024年11月'],
      ['2', ['涂艳彬'], ['区城管执法局'], [], '2024-09-30', '三季度末'],
    ]);
  });

  it('reads Word automatic numbering and a roster table', async () => {
    const numbered = (text: string, level: number) => new Paragraph({ children: [new TextRun(text)], numbering: { reference: 'plan', level } });
    const doc = new Document({
      numbering: {
        config: [
          {
            reference: 'plan',
            levels: [
              { level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START },
              { level: 1, format: LevelFormat.DECIMAL, text: '(%2)', alignment: AlignmentType.START },
            ],
          },
        ],
      },
      sections: [
        {
          children: [
            para('2024年招商引资工作方案'),
            para('一、组织机构'),
            new Table({
              rows: [
                new TableRow({ children: ['组  长：', '胡俊峰', '区委副书记、区政府区长'].map(cell) }),
                new TableRow({ children: ['副组长：', '杨 峰', '区政府副区长'].map(cell) }),
              ],
            }),
            para('二、重点任务'),
            numbered('开展产业链招商。（牵头单位：区商务局；完成时限：2024年12月底）', 0),
            numbered('举办招商推介会。（责任单位：区商务局、区发改委；完成时限：上半年）', 0),
          ],
        },
      ],
    });
    const file = path.join(tmp, 'numbered.docx');
    fs.writeFileSync(file, await Packer.toBuffer(doc));
    const json = toPlanJson(await importPlanFile(file, { directory }));
    expect(json.tasks.map((t) => [t.no, t.sections, t.leadUnits, t.responsibleUnits, t.deadline])).toEqual([
      ['1', ['重点任务'], ['区商务局'], [], '2024-12-31'],
      ['2', ['重点任务'], [], ['区商务局', '区发改委'], '2024-06-30'],
    ]);
    expect(json.roster).toEqual([
      { name: '胡俊峰', role: '组长', title: '区委副书记、区政府区长' },
      { name: '杨峰', role: '副组长', title: '区政府副区长' },
    ]);
  });

  it('goes on counting a Word list interrupted by a markup paragraph or a heading, as Word prints it', async () => {
    const numbered = (text: string) => new Paragraph({ children: [new TextRun(text)], numbering: { reference: 'tasks', level: 0 } });
    const doc = new Document({
      numbering: { config: [{ reference: 'tasks', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START }] }] },
      sections: [
        {
          children: [
            para('2026年安全生产重点任务清单'),
            para('一、责任体系'),
            numbered('健全安全生产责任制。〔牵头区领导：郑强；责任单位：区发改委；完成时限：2026年3月底前〕'),
            para('二、重点行业'),
            numbered('强化消防安全治理。'),
            para('牵头区领导：吴丽；责任单位：区财政局；完成时限：10月底前'),
            numbered('加强道路交通安全管理。〔牵头区领导：郑强；责任单位：区商务局；完成时限：年底前〕'),
          ],
        },
      ],
    });
    const file = path.join(tmp, 'interrupted.docx');
    fs.writeFileSync(file, await Packer.toBuffer(doc));
    const json = toPlanJson(await importPlanFile(file, { directory }));
    expect(json.tasks.map((t) => [t.no, t.sections, t.leaders, t.responsibleUnits, t.deadline])).toEqual([
      ['1', ['责任体系'], ['郑强'], ['区发改委'], '2026-03-31'],
      ['2', ['重点行业'], ['吴丽'], ['区财政局'], '2026-10-31'],
      ['3', ['重点行业'], ['郑强'], ['区商务局'], '2026-12-31'],
    ]);
  });

  it('reads an .xlsx ledger, with a real date cell and a section row', async () => {
    const file = await writeXlsx('ledger.xlsx', [
      ['2024年重点项目台账'],
      ['序号', '任务内容', '牵头领导', '牵头单位', '责任单位', '完成时限'],
      ['一、项目建设', '一、项目建设', '一、项目建设', '一、项目建设', '一、项目建设', '一、项目建设'],
      [1, '加快慧铭广场建设', '徐志勇', '区公建中心', '区财政局、区发改委', new Date(Date.UTC(2024, 5, 30))],
      [2, '推进安置房建设', '徐志勇、杨峰', '区住建局', '区财政局', '每季度末'],
    ]);
    const plan = await importPlanFile(file, { directory });
    const json = toPlanJson(plan);
    expect(json.title).toBe('2024年重点项目台账');
    expect(json.tasks.map((t) => [t.no, t.sections, t.leaders, t.deadline, t.deadlineKind])).toEqual([
      ['1', ['项目建设'], ['徐志勇'], '2024-06-30', 'date'],
      ['2', ['项目建设'], ['徐志勇', '杨峰'], null, 'recurring'],
    ]);
  });
});

describe('a plan kept as structured data', () => {
  it('imports a .json in the `duban import --json` schema (the gold files, demo/plan.json) without re-parsing', async () => {
    const gold = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../shared/gold/002_a944769c8b8073fd.json'), 'utf8'));
    const json = toPlanJson(await importPlanFile(path.resolve(import.meta.dirname, '../../../shared/gold/002_a944769c8b8073fd.json'), { directory }));
    expect(json.tasks.map((t) => [t.no, t.leadUnits, t.responsibleUnits])).toEqual(gold.tasks.map((t: { no: string; leadUnits: string[]; responsibleUnits: string[] }) => [t.no, t.leadUnits, t.responsibleUnits]));
    expect(json.roster).toHaveLength(30);
    const bad = path.join(tmp, 'not-a-plan.json');
    fs.writeFileSync(bad, '{"a": 1}');
    await expect(importPlanFile(bad, { directory })).rejects.toThrow(/not-a-plan\.json 的 document 不正确/);
  });
});

describe('malformed input says what and where', () => {
  it('empty file', async () => {
    const file = path.join(tmp, 'empty.txt');
    fs.writeFileSync(file, '');
    await expect(importPlanFile(file, { directory })).rejects.toThrow(/empty\.txt 是空文件/);
  });

  it('binary file', async () => {
    const file = path.join(tmp, 'scan.txt');
    fs.writeFileSync(file, Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0x02, 0xff]));
    await expect(importPlanFile(file, { directory })).rejects.toThrow(/scan\.txt 不是文本文件（第 5 字节起是二进制内容）/);
  });

  it('a .docx that is not a Word file', async () => {
    const file = path.join(tmp, 'fake.docx');
    fs.writeFileSync(file, 'not a zip');
    await expect(importPlanFile(file, { directory })).rejects.toThrow(/fake\.docx 不是有效的 Word（\.docx）文件/);
  });

  it('a table missing the task column names the header row', async () => {
    const file = await writeXlsx('nocontent.xlsx', [
      ['序号', '牵头单位', '责任单位', '完成时限'],
      [1, '区财政局', '区发改委', '2024年12月底'],
    ]);
    await expect(importPlanFile(file, { directory })).rejects.toThrow(/第1行的表头缺少“任务内容”列（现有列：序号、牵头单位、责任单位、完成时限）/);
  });

  it('a table missing the unit columns is imported with a warning on the header cell', async () => {
    const file = await writeXlsx('nounits.xlsx', [
      ['序号', '任务内容', '完成时限'],
      [1, '做好统计工作', '2024年12月底'],
    ]);
    const plan = await importPlanFile(file, { directory });
    expect(plan.tasks).toHaveLength(1);
    expect(plan.warnings.map((w) => [w.cell, w.code])).toEqual([
      ['任务!A1', 'table'],
      ['任务!B2', 'no_units'],
    ]);
  });

  it('an unknown unit is a warning with its line, and is kept', async () => {
    const file = path.join(tmp, 'unknown.txt');
    fs.writeFileSync(file, '工作方案\n一、任务\n1.做好气象服务。（责任单位：区气象局、区发该委）\n');
    const plan = await importPlanFile(file, { directory });
    expect(toPlanJson(plan).tasks[0]!.responsibleUnits).toEqual(['区气象局', '区发该委']);
    expect(plan.warnings.map((w) => [w.line, w.code, w.message])).toEqual([
      [3, 'unit_unknown', '任务 1：单位“区气象局”不在单位目录中，已按原文保存，未关联单位（可在单位目录文件中补充该单位或别名）'],
      [3, 'unit_suggestion', '任务 1：单位“区发该委”不在单位目录中，是否为 “区发展和改革委员会”？已按原文保存，未关联单位'],
    ]);
  });
});

describe.each(DB_KINDS)('台账 export and re-import on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  for (const seed of ['003_4dfd9a9cc1e4fe81.txt', '000_6f6368d3106e93bf.txt']) {
    it(`round trip of ${seed.slice(0, 3)} is exact`, async () => {
      const original = await importPlanFile(path.join(SEEDS, seed), { directory });
      const saved = await savePlan(db.prisma, original, { actor: 'test' });
      const task = await db.prisma.task.findFirstOrThrow({ where: { planId: saved.planId, no: '2' } });
      await db.prisma.task.update({ where: { id: task.id }, data: { status: 'in_progress', percent: 50 } });
      await db.prisma.progressUpdate.create({ data: { taskId: task.id, reportedAt: new Date('2024-05-06T02:00:00Z'), text: '已签约3家企业' } });

      const file = path.join(tmp, `${seed}.xlsx`);
      const r = await exportLedger(db.prisma, file, { plan: String(saved.planId) });
      expect(r.tasks).toBe(original.tasks.length);

      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const ws = wb.getWorksheet('台账')!;
      expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual([...LEDGER_COLUMNS]);

      const back = toPlanJson(await importPlanFile(file, { directory }));
      const before = toPlanJson(original);
      const strip = (t: (typeof before.tasks)[number]) => ({ ...t, milestones: t.milestones ?? [] });
      expect(back.title).toBe(before.title);
      expect(back.tasks.map(strip)).toEqual(before.tasks.map(strip));
      const row2 = back.tasks.findIndex((t) => t.no === '2');
      expect(row2).toBeGreaterThanOrEqual(0);
      // Status, percent and the latest report are in the ledger.
      const values: string[] = [];
      ws.eachRow((row) => {
        if (row.getCell(1).value === '2') values.push(...[8, 9, 10].map((c) => String(row.getCell(c).value)));
      });
      expect(values).toEqual(['推进中', '50%', '2024-05-06：已签约3家企业']);
      // …and re-importing says plainly that they are not applied, never silently.
      const said = (await importPlanFile(file, { directory })).warnings.map((w) => w.message);
      expect(said).toContain('“状态、进度、最新进展”列的内容不会导入：任务进度只由单位报送或管理员在管理后台、群里的操作改变，以便留痕');

      // Saving the edited ledger back updates the same plan and keeps what only the document had.
      const ledgerPlan = await importPlanFile(file, { directory });
      ledgerPlan.tasks[0]!.deadline = { kind: 'date', date: '2024-10-31', text: '2024年10月底', recurrence: null };
      const back2 = await savePlan(db.prisma, ledgerPlan, { actor: 'test' });
      expect(back2).toMatchObject({ planId: saved.planId, previousDocument: seed, added: [], removed: [] });
      expect(back2.changed.map((c) => c.no)).toEqual([ledgerPlan.tasks[0]!.no]);
      const plan = await db.prisma.plan.findUniqueOrThrow({ where: { id: saved.planId } });
      expect(plan.mechanisms).toEqual(original.mechanisms);
      expect(plan.docNumber).toBe(original.docNumber);
      expect(await db.prisma.progressUpdate.count({ where: { taskId: task.id } })).toBe(1);
    });
  }
});

describe('ledger layouts seen in practice', () => {
  it('two header rows (责任单位 over 牵头单位 | 配合单位), a leader merged down, sections numbered in 序号', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('分解表');
    ws.addRow(['2025年重点工作任务分解表']);
    ws.addRow(['序号', '工作任务', '责任领导', '责任单位', '', '完成时限']);
    ws.addRow(['', '', '', '牵头单位', '配合单位', '']);
    ws.mergeCells('D2:E2');
    ws.mergeCells('A2:A3');
    ws.mergeCells('B2:B3');
    ws.mergeCells('C2:C3');
    ws.mergeCells('F2:F3');
    ws.addRow(['一', '产业发展']);
    ws.addRow([1, '培育规上企业10家', '杨峰', '区科工局', '各街道、镇', '2025年12月底']);
    ws.addRow([2, '新增市场主体500户', '', '区市场监管局', '', '三季度末']);
    ws.mergeCells('C5:C6');
    ws.addRow(['二', '民生保障']);
    ws.addRow([3, '新增就业5000人', '徐志勇', '区人社局', '', '年底前']);
    const file = path.join(tmp, 'two-row-header.xlsx');
    await wb.xlsx.writeFile(file);
    const plan = await importPlanFile(file, { directory });
    expect(plan.title).toBe('2025年重点工作任务分解表');
    expect(toPlanJson(plan).tasks.map((t) => [t.no, t.sections, t.leaders, t.leadUnits, t.participatingUnits, t.deadline])).toEqual([
      ['1', ['产业发展'], ['杨峰'], ['区科工局'], ['各街道、镇'], '2025-12-31'],
      ['2', ['产业发展'], ['杨峰'], ['区市场监管局'], [], '2025-09-30'],
      ['3', ['民生保障'], ['徐志勇'], ['区人社局'], [], '2025-12-31'],
    ]);
  });
});

describe('Word tables with merged cells and ledgers in their own words', () => {
  it('a .docx table whose 责任领导 and 牵头单位 are merged down keeps every later cell in its column', async () => {
    const merged = (text: string, first: boolean) =>
      new TableCell({ children: [para(first ? text : '')], verticalMerge: first ? VerticalMergeType.RESTART : VerticalMergeType.CONTINUE });
    const file = await writeDocx('merged.docx', [
      para('2025年民生实事任务分解表'),
      new Table({
        rows: [
          new TableRow({ children: ['序号', '工作任务', '责任领导', '牵头单位', '完成时限'].map(cell) }),
          new TableRow({ children: [cell('1'), cell('改造城区排水管网12公里'), merged('张三', true), merged('区住建局', true), cell('2025年10月底')] }),
          new TableRow({ children: [cell('2'), cell('新建口袋公园5个'), merged('', false), merged('', false), cell('年底前')] }),
          new TableRow({ children: [cell('3'), cell('新建社区养老服务站3个'), merged('', false), cell('区民政局'), cell('上半年')] }),
        ],
      }),
    ]);
    const json = toPlanJson(await importPlanFile(file, { directory }));
    expect(json.tasks.map((t) => [t.no, t.leaders, t.leadUnits, t.deadline])).toEqual([
      ['1', ['张三'], ['区住建局'], '2025-10-31'],
      ['2', ['张三'], ['区住建局'], '2025-12-31'],
      ['3', ['张三'], ['区民政局'], '2025-06-30'],
    ]);
  });

  it('项目名称 beside 工作内容及目标 become title and text; a column it cannot place is named in a warning', async () => {
    const file = await writeXlsx('own-words.xlsx', [
      ['2026年民生实事项目清单'],
      ['序号', '项目名称', '工作内容及目标', '责任领导', '牵头单位', '配合责任单位', '完成时间节点', '备注'],
      [1, '城区排水改造', '完成城区排水管网改造12公里', '张三', '区住建局', '区财政局、各街道', '2026年10月底', '续建'],
      [2, '口袋公园', '新建口袋公园5个', '李四', '区城管局', '', '年底前', ''],
    ]);
    const plan = await importPlanFile(file, { directory });
    const json = toPlanJson(plan);
    expect(json.tasks.map((t) => [t.no, t.title, t.textStartsWith, t.leaders, t.leadUnits, t.participatingUnits, t.deadline])).toEqual([
      ['1', '城区排水改造', '城区排水改造。完成城区排', ['张三'], ['区住建局'], ['区财政局', '各街道'], '2026-10-31'],
      ['2', '口袋公园', '口袋公园。新建口袋公园5', ['李四'], ['区城管局'], [], '2026-12-31'],
    ]);
    expect(plan.warnings.find((w) => w.message.includes('备注'))).toMatchObject({ cell: '任务!H2' });
  });
});

describe('tables as offices really fill them in', () => {
  it('skips a header repeated on each page, empty-on-purpose cells and a 填报单位 line; prefixes restarted 序号 with the section', async () => {
    const file = await writeDocx('paged.docx', [
      para('北湖区2026年数字经济重点任务分解表'),
      para('填报单位：（盖章）        填报日期：    年  月  日'),
      new Table({
        rows: [
          ['序号', '工作任务', '责任领导', '牵头单位', '配合单位', '完成时限'],
          ['一', '产业数字化', '', '', '', ''],
          ['1', '建设工业互联网平台', '刘洋', '区科工局', '——', '2026年12月底前'],
          ['序号', '工作任务', '责任领导', '牵头单位', '配合单位', '完成时限'],
          ['2', '培育数字化转型标杆', '刘洋', '区科工局', '/', '6月底前完成申报\n12月底前完成认定'],
          ['二', '数字产业化', '', '', '', ''],
          ['1', '壮大软件信息服务业', '陈静', '区商务局', '无', '年底前'],
        ].map((r) => new TableRow({ children: r.map((c) => new TableCell({ children: c.split('\n').map(para) })) })),
      }),
    ]);
    const plan = await importPlanFile(file, { directory });
    const json = toPlanJson(plan);
    expect(json.title).toBe('北湖区2026年数字经济重点任务分解表');
    expect(json.tasks.map((t) => [t.no, t.sections, t.leadUnits, t.participatingUnits, t.deadline, (t.milestones ?? []).map((m) => m.dueOn)])).toEqual([
      ['1', ['产业数字化'], ['区科工局'], [], '2026-12-31', []],
      ['2', ['产业数字化'], ['区科工局'], [], '2026-12-31', ['2026-06-30', '2026-12-31']],
      ['二.1', ['数字产业化'], ['区商务局'], [], '2026-12-31', []],
    ]);
  });

  it('reads a ledger pasted from Excel as tab-separated text, quoted cells holding line breaks', async () => {
    const file = path.join(tmp, 'pasted.txt');
    fs.writeFileSync(file, [
      '2026年科技创新重点任务推进表',
      '序号\t重点任务\t责任领导\t牵头单位\t完成时限',
      '1\t"新建省级研发平台3个；',
      '建成概念验证中心1个。"\t何平\t区发改委\t"6月底前完成1个',
      '年底前完成其余"',
      '2\t引进高层次人才团队5个\t罗斌\t区财政局\t长期坚持',
    ].join('\n'));
    const json = toPlanJson(await importPlanFile(file, { directory, year: 2026 }));
    expect(json.tasks.map((t) => [t.no, t.text, t.leaders, t.leadUnits, t.deadline, t.deadlineText])).toEqual([
      ['1', '新建省级研发平台3个；建成概念验证中心1个。', ['何平'], ['区发改委'], '2026-12-31', '6月底前完成1个；年底前完成其余'],
      ['2', '引进高层次人才团队5个', ['罗斌'], ['区财政局'], null, '长期坚持'],
    ]);
  });
});

describe('seeds as Word files', () => {
  for (const seedName of ['000_6f6368d3106e93bf', '002_a944769c8b8073fd', '003_4dfd9a9cc1e4fe81']) {
    it(`${seedName.slice(0, 3)} as a .docx (a paragraph per line) imports the same as the text`, async () => {
      const text = fs.readFileSync(path.join(SEEDS, `${seedName}.txt`), 'utf8');
      const file = await writeDocx(`${seedName}.docx`, text.split('\n').map((l) => para(l)));
      const fromDocx = toPlanJson(await importPlanFile(file, { directory }));
      const fromText = toPlanJson(await importPlanFile(path.join(SEEDS, `${seedName}.txt`), { directory }));
      expect({ ...fromDocx, document: '' }).toEqual({ ...fromText, document: '' });
    });
  }
});
