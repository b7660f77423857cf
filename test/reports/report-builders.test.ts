import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { bulletinModel } from '../../src/reports/bulletin-model.ts';
import { agendaModel } from '../../src/reports/consult-agenda.ts';
import { buildConsultAgenda, buildMonthlyBulletin, buildWeeklyDigests, WECHAT_TEXT_LIMIT } from '../../src/reports/index.ts';
import { loadReportData } from '../../src/reports/report-data.ts';
import { digestModels, digestPng } from '../../src/reports/weekly-digest.ts';
import { drawnCellLines } from '../../src/reports/render/render-report-png.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';
import { seedReportFixture } from './report-fixture.ts';

const calendar = createCalendar();
const DATE = '2026-11-27';

/** Decodes the PNG (fails on a corrupt file) and returns its size. */
async function pngSize(buf: Buffer): Promise<{ width: number; height: number }> {
  expect(buf.subarray(1, 4).toString('latin1')).toBe('PNG');
  const image = await loadImage(buf);
  return { width: image.width, height: image.height };
}

describe.each(DB_KINDS)('reports on %s', (kind) => {
  let db: Database;
  let ids: Awaited<ReturnType<typeof seedReportFixture>>;
  let outDir: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ids = await seedReportFixture(db.prisma);
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'duban-reports-'));
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    if (outDir) await fs.rm(outDir, { recursive: true, force: true });
  });

  const healthOn = async (date: string) => {
    const data = await loadReportData(db.prisma, { date, calendar });
    return Object.fromEntries(data.tasks.map((t) => [t.no, t.health]));
  };

  it('computes each task’s health on the report date', async () => {
    const h = await healthOn(DATE);
    expect(Object.fromEntries(Object.entries(h).map(([no, r]) => [no, r.health]))).toEqual({
      '1': 'green', '2': 'red', '3': 'red', '4': 'yellow', '5': 'done', '6': 'closed', '7': 'red', '8': 'yellow', '9': 'done',
    });
    expect(h['2']!.reasons[0]).toEqual({ kind: 'overdue', due: '2026-11-20', workdaysLate: 5 });
    expect(h['3']!.reasons[0]).toEqual({ kind: 'blocked' });
    expect(h['7']!.reasons[0]).toEqual({ kind: 'milestone_overdue', due: '2026-11-25', text: '完成主体封顶', workdaysLate: 2 });
    expect(h['4']!.reasons[0]).toMatchObject({ kind: 'due_soon_behind', due: '2026-12-02', workdaysLeft: 3, percent: 50 });
    // a 签收 receipt on 11-23 is not a report: task 8 last reported 11-16
    expect(h['8']!.reasons).toEqual([{ kind: 'no_report', since: '2026-11-21' }]);
  });

  it('regenerates past dates: a deadline on 国庆 is due 10月8日, and status as reported then', async () => {
    const oct8 = await healthOn('2026-10-08');
    expect(oct8['9']!.effectiveDeadline).toBe('2026-10-08');
    expect(oct8['9']!.health).toBe('yellow');
    expect(oct8['9']!.reasons.map((r) => r.kind)).toEqual(['due_soon_behind', 'no_report']);
    const oct9 = await healthOn('2026-10-09');
    expect(oct9['9']!.health).toBe('red');
    expect(oct9['9']!.reasons[0]).toEqual({ kind: 'overdue', due: '2026-10-08', workdaysLate: 1 });
    expect((await healthOn('2026-10-12'))['9']!.health).toBe('done');
    // before the 11-24 report, task 3 was in progress, not blocked
    expect((await healthOn('2026-11-20'))['3']!.health).not.toBe('red');
    // task 6: reported done 11-09, 销号 on 11-15
    expect((await healthOn('2026-11-12'))['6']!.health).toBe('done');
    expect((await healthOn('2026-11-16'))['6']!.health).toBe('closed');
  });

  it('the digest picture shows a long task name whole, on two lines, and cuts only a name longer than that', async () => {
    const [xiong] = digestModels(await loadReportData(db.prisma, { date: DATE, calendar }));
    const name = '推动洪都老厂区开发利用打造航空主题文化街区';
    const tooLong = `${name}并同步完成周边道路管网配套和停车设施改造提升工程`;
    const m = { ...xiong!, tasks: xiong!.tasks.map((t, i) => ({ ...t, name: i === 0 ? name : i === 1 ? tooLong : t.name })) };
    const table = digestPng(m).table!;
    const col = table.columns.findIndex((c) => c.title === '任务');
    const [first, second] = (await drawnCellLines(table)).map((cells) => cells[col]!);
    expect(first).toHaveLength(2);
    expect(first!.join('')).toBe(name);
    expect(second!.at(-1)).toMatch(/…$/);
    expect(second!.join('').replace(/…$/, '').length).toBeGreaterThan(name.length);
  });

  it('builds one digest per lead leader with their tasks only, red first', async () => {
    const data = await loadReportData(db.prisma, { date: DATE, calendar });
    const models = digestModels(data);
    expect(models.map((m) => m.leaderName)).toEqual(['熊广义', '饶雪宇']);
    const [xiong, rao] = models as [(typeof models)[0], (typeof models)[0]];
    expect(xiong.tasks.map((t) => t.no)).toEqual(['2', '7', '3', '1', '9']);
    expect(xiong.counts).toEqual({ red: 3, yellow: 0, green: 1, done: 1, closed: 0 });
    expect(xiong.unreported).toEqual([{ unitName: '区住建局', taskNos: ['重点任务·7'] }]);
    expect(xiong.decisions.map((d) => d.task.no)).toEqual(['2', '3', '2']);
    expect(xiong.changes.map((c) => c.task.no)).toEqual(['2', '7', '3', '1']);
    expect(rao.tasks.map((t) => t.no)).toEqual(['7', '4', '8', '5', '6']);
    expect(rao.counts).toEqual({ red: 1, yellow: 2, green: 0, done: 1, closed: 1 });
    expect(rao.unreported.map((u) => `${u.unitName}:${u.taskNos.join(',')}`).sort()).toEqual(['区住建局:重点任务·7', '区发改委:重点任务·8']);

    // the week of 11-14…11-20 saw task 6 closed (销号 on 11-15)
    const earlier = digestModels(await loadReportData(db.prisma, { date: '2026-11-20', calendar }));
    expect(earlier[1]!.changes.find((c) => c.task.no === '6')?.lines).toEqual(['经复核已销号（11月15日）']);

    const digests = await buildWeeklyDigests(db.prisma, { date: DATE, calendar, outDir });
    expect(digests.map((d) => [d.leaderId, d.leaderName, d.chatId])).toEqual([
      [ids.leader['熊广义'], '熊广义', 'wx-xiong'],
      [ids.leader['饶雪宇'], '饶雪宇', null],
    ]);
    const text = digests[0]!.text;
    expect(text).toContain('您牵头或分管的重点任务共5项：🔴红灯3项、🟡黄灯0项、🟢绿灯1项、✅已完成待销号1项、☑️已销号0项');
    expect(text.indexOf('〔重点任务·2〕老旧小区改造')).toBeGreaterThan(-1);
    expect(text.indexOf('〔重点任务·2〕老旧小区改造')).toBeLessThan(text.indexOf('〔重点任务·7〕校舍工程'));
    expect(text).toContain('已逾期5个工作日（时限11月20日）');
    expect(text).toContain('状态由“推进中”变为“受阻”（11月24日）');
    expect(text).toContain('· 区住建局：〔重点任务·7〕');
    expect(text).toContain('区住建局反映（11月26日）：居民签约率不足，需街道配合');
    expect(text).toContain('区住建局申请延期至12月31日（');
    expect(text).not.toContain('〔重点任务·4〕');
    expect(digests[1]!.text).not.toContain('〔重点任务·1〕');
    expect(digests[0]!.parts.join('\n')).toBe(text);
    const png = await fs.readFile(digests[0]!.imagePath!);
    expect((await pngSize(png)).width).toBe(1240);
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('builds the 旬会商 agenda: lagging and blocked tasks with problems, grouped by lead unit', async () => {
    const model = agendaModel(await loadReportData(db.prisma, { date: DATE, calendar }));
    expect(model.groups.map((g) => [g.leadUnit, g.items.map((i) => i.task.no)])).toEqual([
      ['区住建局', ['2', '7']],
      ['区发改委', ['4']],
      ['区公建中心', ['3']],
    ]);
    expect([model.lagging, model.blocked]).toEqual([3, 1]);
    const agenda = await buildConsultAgenda(db.prisma, { date: DATE, calendar, outDir });
    expect(agenda.text).toContain('共4项（滞后3项，受阻1项），涉及牵头（责任）单位3组');
    expect(agenda.text).toContain('一、区住建局（2项）');
    expect(agenda.text).toContain('问题：区公建中心（11月24日）征拆资金缺口2000万元，需区政府协调');
    expect(agenda.text).not.toContain('〔重点任务·8〕');
    expect((await pngSize(await fs.readFile(agenda.imagePath!))).height).toBeGreaterThan(600);
  });

  it('ranks units in the monthly bulletin by the seed 002 formula', async () => {
    const m = bulletinModel(await loadReportData(db.prisma, { date: DATE, calendar }), calendar);
    expect(m.weeks).toEqual([
      { from: '2026-11-02', to: '2026-11-08' },
      { from: '2026-11-09', to: '2026-11-15' },
      { from: '2026-11-16', to: '2026-11-22' },
      { from: '2026-11-23', to: '2026-11-27' },
    ]);
    const rows = m.rows.map((r) => [r.unitName, r.tasks, r.reportsOnTime, r.reportsDue, r.completed, r.overdue, r.localValue, r.score, r.rank]);
    expect(rows).toEqual([
      // completed counts only parts closed after review: 报完成待核 is progress (100%), not completion.
      ['区商务局', 1, 0, 0, 0, 0, 100, 10, 1],
      ['区发改委', 4, 6, 12, 0, 0, 65.9, 7, 2],
      ['区公建中心', 3, 9, 12, 0, 1, 62.7, 6.72, 3],
      ['区住建局', 3, 5, 8, 1, 2, 54.5, 6, 4],
      ['区财政局', 0, 0, 0, 0, 0, null, null, null],
    ]);
    expect(m.totals).toEqual({ tasks: 9, red: 3, yellow: 2, green: 1, done: 2, closed: 1, reportsDue: 32, reportsOnTime: 20, overdue: 2 });
    expect(m.best.map((r) => r.unitName)).toEqual(['区商务局', '区发改委', '区公建中心']);
    expect(m.withOverdue.map((r) => [r.unitName, r.overdue])).toEqual([['区住建局', 2], ['区公建中心', 1]]);

    const b = await buildMonthlyBulletin(db.prisma, { date: DATE, calendar, outDir });
    expect(b.text).toContain('关于2026年11月重点任务推进情况的通报');
    expect(b.text).toContain('区商务局（10分）、区发改委（7分）、区公建中心（6.72分）得分居前');
    expect(b.text).toContain('区住建局（2项）、区公建中心（1项）有任务逾期未完成');
    expect(b.text).toContain('按时报送20次，按时报送率62.5%');
    expect(b.text).toContain('（本地值 − 最小值）÷（最大值 − 最小值）× 4 + 6');
    expect(b.text).toContain('本期最大值100、最小值54.5');
    for (const p of b.parts) expect(p.length).toBeLessThanOrEqual(WECHAT_TEXT_LIMIT);

    const png = await fs.readFile(b.imagePath!);
    expect((await pngSize(png)).width).toBe(1240);
    expect(png.length).toBeGreaterThan(20_000);

    const { value: docText } = await mammoth.extractRawText({ path: b.docxPath! });
    expect(docText).toContain('关于2026年11月重点任务推进情况的通报');
    expect(docText).toContain('各镇（街道、管理处），区直各单位：');
    expect(docText).toContain('各单位重点任务推进情况得分排名表');
    expect(docText).toMatch(/区财政局\s+0[\s\S]*不计分/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(b.xlsxPath!);
    const ranking = wb.getWorksheet('单位排名')!;
    expect(ranking.getRow(2).getCell(2).value).toBe('区商务局');
    expect(ranking.getRow(3).getCell(11).value).toBe(7);
    expect(ranking.getRow(6).getCell(11).value).toBe('不计分');
    expect(wb.getWorksheet('任务明细')!.rowCount).toBe(10);
  });
});
