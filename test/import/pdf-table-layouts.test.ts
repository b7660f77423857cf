import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPlanFile } from '../../src/import/import-plan-file.ts';
import { IMPORT_LIMITS } from '../../src/import/import-limits.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';
import { readPdf } from '../../src/import/read-pdf.ts';
import { pdfFile, stsongFont } from '../helpers/table-pdf.ts';

// Ledger layouts as Word, WPS and Excel print them, drawn here line by line: the table reader must
// get every row and cell right, and must not "improve" a table that was already read right.

const hex = (s: string) => Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase();

class Page {
  readonly ops: string[] = ['0.5 w'];
  text(x: number, y: number, s: string): this {
    this.ops.push(`BT /F1 10 Tf ${x} ${y} Td <${hex(s)}> Tj ET`);
    return this;
  }
  hline(y: number, x1: number, x2: number): this {
    this.ops.push(`${x1} ${y} m ${x2} ${y} l S`);
    return this;
  }
  vline(x: number, y1: number, y2: number): this {
    this.ops.push(`${x} ${y1} m ${x} ${y2} l S`);
    return this;
  }
}

function pdf(page: Page): Buffer {
  const content = page.ops.join('\n');
  return pdfFile([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [6 0 R] /Count 1 >>',
    ...stsongFont(3),
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 3 0 R >> >> /Contents 7 0 R >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ]);
}

async function rows(page: Page): Promise<string[][]> {
  const got = await readPdf(pdf(page), 'ledger.pdf', IMPORT_LIMITS);
  return got.kind === 'table' ? got.rows.map((r) => r.cells) : [[`TEXT: ${got.text}`]];
}

const XS = [40, 80, 380, 500, 600];

/** A ruled grid: each row's cells as lines of text (top-aligned); `open` lists columns whose rule above the row is not drawn. */
function grid(p: Page, xs: number[], top: number, body: { h: number; cells: (string | string[])[]; open?: number[] }[]): number {
  let y = top;
  body.forEach((r, i) => {
    for (let c = 0; c < xs.length - 1; c++) if (i === 0 || !(r.open ?? []).includes(c)) p.hline(y, xs[c]!, xs[c + 1]!);
    for (const x of xs) p.vline(x, y, y - r.h);
    r.cells.forEach((cell, c) => (Array.isArray(cell) ? cell : cell ? [cell] : []).forEach((l, k) => p.text(xs[c]! + 4, y - 4 - (k + 1) * 13 + 3, l)));
    y -= r.h;
  });
  p.hline(y, xs[0]!, xs[xs.length - 1]!);
  return y;
}

describe('PDF ledger layouts', () => {
  it('names centred over their columns, task lines starting with numbers: the numbers stay in the task text', async () => {
    const p = new Page().text(300, 560, '重点任务分解表');
    // Word centres the names; the body is left-aligned.
    p.text(50, 524, '序号').text(210, 524, '工作任务').text(420, 524, '责任单位').text(530, 524, '完成时限');
    grid(p, XS, 540, [
      { h: 24, cells: [] },
      { h: 36, cells: ['1', ['2026 年底前建成口袋公园5个，', '完善配套设施'], '区住建局', '12月底前'] },
      { h: 36, cells: ['2', ['新增停车泊位，惠及居民', '300 户，完成改造验收'], '区城管局', '6月底前'] },
      { h: 24, cells: ['3', '10 个街道完成垃圾分类', '区城管局', '9月底前'] },
    ]);
    expect((await rows(p)).slice(1)).toEqual([
      ['序号', '工作任务', '责任单位', '完成时限'],
      ['1', '2026年底前建成口袋公园5个，完善配套设施', '区住建局', '12月底前'],
      ['2', '新增停车泊位，惠及居民300户，完成改造验收', '区城管局', '6月底前'],
      ['3', '10个街道完成垃圾分类', '区城管局', '9月底前'],
    ]);
  });

  it('a short first row under an unruled header is a row, not more of the header', async () => {
    const p = new Page().text(300, 560, '2026年重点工作台账');
    p.text(40, 530, '工作任务').text(300, 530, '责任单位').text(420, 530, '完成时限');
    [['建立工作台账', '区财政局', '6月底前'], ['完成老旧小区改造12个', '区住建局', '12月底前']].forEach(([t, u, d], i) => p.text(40, 512 - i * 18, t!).text(300, 512 - i * 18, u!).text(420, 512 - i * 18, d!));
    expect((await rows(p)).slice(1)).toEqual([
      ['工作任务', '责任单位', '完成时限'],
      ['建立工作台账', '区财政局', '6月底前'],
      ['完成老旧小区改造12个', '区住建局', '12月底前'],
    ]);
  });

  it('a leader cell merged down four rows, its three lines centred across them: every row has all the names', async () => {
    const xs = [40, 80, 380, 480, 580];
    const p = new Page().text(300, 560, '重点任务分解表');
    const tops = [540, 516, 496, 476, 456, 436];
    tops.forEach((y, i) => {
      // No rule across the leader column inside the merge.
      for (let c = 0; c < 4; c++) if (!(c === 3 && i >= 2 && i <= 4)) p.hline(y, xs[c]!, xs[c + 1]!);
    });
    for (const x of xs) p.vline(x, 540, 436);
    ['序号', '工作任务', '责任单位', '牵头领导'].forEach((n, c) => p.text(xs[c]! + 4, 525, n));
    [1, 2, 3, 4].forEach((n, i) => p.text(44, tops[i + 1]! - 14, String(n)).text(84, tops[i + 1]! - 14, `任务${n}建设推进`).text(384, tops[i + 1]! - 14, '区住建局'));
    ['张三、李四、', '王五、赵六、', '孙七'].forEach((l, k) => p.text(484, 492 - k * 13, l));
    const got = await rows(p);
    expect(got.slice(2).map((r) => r[3])).toEqual(Array(4).fill('张三、李四、王五、赵六、孙七'));
    // The reader says what it inferred, for the import's warnings.
    const read = await readPdf(pdf(p), 'ledger.pdf', IMPORT_LIMITS);
    expect(read.kind === 'table' && read.merged).toEqual([{ column: '牵头领导', rows: [3, 4, 5, 6], text: '张三、李四、王五、赵六、孙七' }]);
  });

  it('an import from a Word table exported to PDF warns where it read merged cells (fixture d23)', async () => {
    const plan = await importPlanFile(path.resolve(import.meta.dirname, '../fixtures/conventions/docs/d23_fenjie_table_pdf.pdf'), { directory: loadUnitDirectory(path.resolve(import.meta.dirname, '../../config/units.json')), year: 2026 });
    expect(plan.warnings.filter((w) => w.message.includes('按合并单元格读作一格')).map((w) => w.message)).toEqual([
      '第6–8行的“责任区领导”之间没有画横线，按合并单元格读作一格，这几行都取“刘洋”；与原表不符时请改导入 Word/Excel 版或导入后修改',
      '第7–8行的“牵头单位”之间没有画横线，按合并单元格读作一格，这几行都取“区科工局”；与原表不符时请改导入 Word/Excel 版或导入后修改',
    ]);
  });

  it('rows an Excel sheet left without borders under the last rule are rows; a note under them is not', async () => {
    const p = new Page().text(300, 560, '重点任务台账');
    const y = grid(p, XS, 540, [
      { h: 22, cells: ['序号', '工作任务', '责任单位', '完成时限'] },
      { h: 22, cells: ['1', '建成口袋公园5个', '区住建局', '6月底前'] },
    ]);
    ['2', '新增停车泊位300个', '区城管局', '12月底前'].forEach((s, c) => p.text(XS[c]! + 4, y - 15, s));
    p.text(44, y - 45, '注：各单位每月25日前报送进展。');
    expect((await rows(p)).slice(1)).toEqual([
      ['序号', '工作任务', '责任单位', '完成时限'],
      ['1', '建成口袋公园5个', '区住建局', '6月底前'],
      ['2', '新增停车泊位300个', '区城管局', '12月底前'],
      ['注：各单位每月25日前报送进展。'],
    ]);
  });

  it('the first row is kept when the rule under the header is not drawn across the task column', async () => {
    const p = new Page().text(300, 560, '重点任务台账');
    const tops = [540, 518, 496, 474];
    tops.forEach((y, i) => (i === 1 ? p.hline(y, 40, 80).hline(y, 380, 600) : p.hline(y, 40, 600)));
    for (const x of XS) p.vline(x, 540, 474);
    [['序号', '工作任务', '责任单位', '完成时限'], ['1', '建成口袋公园5个', '区住建局', '6月底前'], ['2', '新增停车泊位300个', '区城管局', '12月底前']].forEach((r, i) => r.forEach((s, c) => p.text(XS[c]! + 4, tops[i]! - 15, s)));
    expect((await rows(p)).slice(1)).toEqual([
      ['序号', '工作任务', '责任单位', '完成时限'],
      ['1', '建成口袋公园5个', '区住建局', '6月底前'],
      ['2', '新增停车泊位300个', '区城管局', '12月底前'],
    ]);
  });
});
