import { describe, expect, it } from 'vitest';
import { readPdf } from '../../src/import/read-pdf.ts';
import { IMPORT_LIMITS } from '../../src/import/import-limits.ts';
import { centredLedger } from '../helpers/centred-ledger.ts';
import { tablePdf } from '../helpers/table-pdf.ts';

// A ledger whose short cells are vertically centred beside a tall task cell: its 序号 sits half-way
// down the row, so reading rows as "a number starts a row" gave the top lines of each tall cell to
// the row above. The table's ruling lines bound the rows (fixture d22 is this ledger, ruled).
async function rows(pdf: Buffer) {
  const got = await readPdf(pdf, 'ledger.pdf', IMPORT_LIMITS);
  if (got.kind !== 'table') throw new Error(`read as ${got.kind}`);
  return got.rows.filter((r) => r.cells.length > 1).slice(1); // the task rows, header left out
}

describe('PDF table rows with vertically centred cells', () => {
  it('each row holds its whole task text, its number and its units, on both pages', async () => {
    const got = await rows(centredLedger({ rules: true }));
    expect(got.map((r) => r.cells[0])).toEqual(Array.from({ length: 19 }, (_, i) => String(i + 1)));
    expect(got[0]!.cells).toEqual(['1', '新建改扩建中小学校3所，新增学位2400个，同步建设配套运动场地和食堂，秋季学期前投入使用，确保开学时师资配备到位，并完成校园安全设施验收。', '韩冰', '区教体局', '区住建局、区发改委、区财政局', '2026年8月底前']);
    expect(got[1]!.cells).toEqual(['2', '建成社区卫生服务中心2个。', '马骏', '区卫健委', '区住建局', '2026年11月底前']);
    for (const r of got) expect(r.cells[1]).toMatch(/。$/);
  });

  it('reads the same rows whether the cells are centred or top-aligned, ruled or not', async () => {
    const ruled = (await rows(centredLedger({ rules: true }))).map((r) => r.cells);
    expect(ruled).toHaveLength(19);
    // Without rules the rows part at the widest gap between two numbered lines.
    for (const [rules, valign] of [[true, 'top'], [false, 'middle'], [false, 'top']] as const) {
      expect((await rows(centredLedger({ rules, valign }))).map((r) => r.cells), `${rules ? 'ruled' : 'unruled'}, ${valign}`).toEqual(ruled);
    }
  });

  it('reads a 三线表 without a 序号 column row by row: rules that bound no rows say nothing about them', async () => {
    const body = [
      ['建成社区卫生服务中心2个。', '区卫健委', '2026年11月底前'],
      ['新增公共停车泊位300个。', '区城管局', '2026年10月底前'],
      ['新建口袋公园5个。', '区住建局', '2026年9月底前'],
      ['完成老旧小区改造12个。', '区住建局', '2026年12月底前'],
    ];
    for (const rules of ['three-line', false] as const) {
      const pdf = tablePdf({ title: '民生实事任务分解表', header: ['工作任务', '责任单位', '完成时限'], widths: [360, 140, 120], rows: body, valign: 'top', rules });
      const got = await readPdf(pdf, 'three.pdf', IMPORT_LIMITS);
      if (got.kind !== 'table') throw new Error(`read as ${got.kind}`);
      expect(got.rows.filter((r) => r.cells.length > 1).slice(1).map((r) => r.cells), String(rules)).toEqual(body);
    }
  });
});
