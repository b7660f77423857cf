import { loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { agendaPng, type AgendaModel } from '../../src/reports/consult-agenda.ts';
import { renderReportPng, type PngReport } from '../../src/reports/render/render-report-png.ts';

const LONG = '〔政府工作报告·13〕充分发挥“江西工业摇篮”优势，放大洪都航空品牌效应，推动洪都老厂区开发利用';

const table = (maxLines?: number): PngReport => ({
  title: '表',
  table: { columns: [{ title: '状态', width: 1 }, { title: '任务', width: 3, ...(maxLines ? { maxLines } : {}) }], rows: [{ cells: ['红灯', LONG] }, { cells: ['黄灯', '短'] }] },
});

const heightOf = async (r: PngReport): Promise<number> => (await loadImage(await renderReportPng(r))).height;

describe('report picture tables', () => {
  it('a column allowed two lines wraps a long cell onto a taller row, and leaves short rows as they were', async () => {
    const one = await heightOf(table());
    const two = await heightOf(table(2));
    expect(two).toBeGreaterThan(one);
    // Only the long row grows: one extra line's worth, not a row per line of every cell.
    expect(two - one).toBeLessThan(40);
    // A short text in a wrapping column keeps the one-line row height.
    const short: PngReport = { title: '表', table: { columns: [{ title: '任务', width: 1, maxLines: 2 }], rows: [{ cells: ['短'] }] } };
    const shortOne: PngReport = { title: '表', table: { columns: [{ title: '任务', width: 1 }], rows: [{ cells: ['短'] }] } };
    expect(await heightOf(short)).toBe(await heightOf(shortOne));
  });

  it('the 旬会商 agenda lets the task, unit and problem columns wrap, so a task reads past its 〔plan·no〕', () => {
    const model = { date: '2024-11-21', xunName: '2024年11月下旬', reviewFrom: '2024-11-11', groups: [], lagging: 0, blocked: 0 } as AgendaModel;
    const cols = agendaPng(model).table!.columns;
    const task = cols.find((c) => c.title === '任务')!;
    expect(task.maxLines).toBeGreaterThanOrEqual(2);
    // Its share of the table: at least a third, about 16 characters a line at 19px over 1144px.
    expect(task.width / cols.reduce((s, c) => s + c.width, 0)).toBeGreaterThan(0.33);
  });
});
