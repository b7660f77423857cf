import { describe, expect, it } from 'vitest';
import { readPdf } from '../../src/import/read-pdf.ts';
import { IMPORT_LIMITS } from '../../src/import/import-limits.ts';
import { tablePdf } from '../helpers/table-pdf.ts';

// A long PDF read with a worker thread taking pages from the back while the main thread reads from
// the front must give exactly the rows of reading every page in order on the main thread.

const UNITS = ['区发改委', '区财政局', '区住建局', '区教体局', '区卫健委', '区城管局'];
/** A ruled ledger of `n` tasks in sections, cells centred beside wrapped task text (about 15 a page). */
function longLedger(n: number): Buffer {
  const rows: string[][] = [];
  for (let k = 1; k <= n; k++) {
    if (k % 100 === 1) rows.push([`${'一二三四五六七八九十'[Math.floor(k / 100) % 10]}、第${Math.floor(k / 100) + 1}板块重点工作`]);
    rows.push([String(k), `推进第${k}项重点工作。完成年度目标任务，确保按期见效${k % 4 === 0 ? '，同步建立长效机制并形成可复制的经验做法' : ''}。`, '杨峰', UNITS[k % 6]!, `${UNITS[(k + 1) % 6]}、${UNITS[(k + 2) % 6]}`, `2026年${(k % 12) + 1}月底前`]);
  }
  return tablePdf({ title: '2026年重点工作任务台账', header: ['序号', '任务内容', '牵头领导', '牵头单位', '责任单位', '完成时限'], widths: [36, 300, 56, 110, 150, 100], valign: 'middle', fontSize: 9, rows });
}

/** A clock that also holds the main thread up per page, so the worker (half a second to start) reads some pages. */
function slowClock(ms: number): () => number {
  return () => {
    const until = Date.now() + ms;
    while (Date.now() < until);
    return Date.now();
  };
}

describe('reading a long PDF with a worker thread', () => {
  const pdf = longLedger(900);

  it('gives exactly the rows of the in-process reading, with pages from the worker', async () => {
    const alone = await readPdf(pdf, 'ledger.pdf', IMPORT_LIMITS, Date.now, { parallel: false });
    const stats = { workerPages: 0 };
    const both = await readPdf(pdf, 'ledger.pdf', IMPORT_LIMITS, slowClock(40), { parallel: true, stats });
    expect(stats.workerPages).toBeGreaterThan(0);
    expect(alone.kind).toBe('table');
    if (alone.kind !== 'table') return;
    expect(alone.rows.filter((r) => r.cells.length > 1)).toHaveLength(901); // the header and 900 tasks
    expect(alone.rows.at(-1)!.cells[0]).toBe('900');
    expect(both).toEqual(alone);
  });

  it('stops at the time limit with the pages read so far', async () => {
    let t = 0;
    const clock = () => (t += 1000);
    const stats = { workerPages: 0 };
    await expect(readPdf(pdf, 'ledger.pdf', { ...IMPORT_LIMITS, maxPdfMillis: 5_000 }, clock, { parallel: true, stats })).rejects.toThrow(/ledger\.pdf 读取超时：5 秒内只读完 \d+\/\d+ 页/);
    // A later read is unaffected by the stopped one (its worker was terminated, its document closed).
    const again = await readPdf(pdf, 'ledger.pdf', IMPORT_LIMITS, Date.now, { parallel: false });
    expect(again.kind).toBe('table');
  });
});
