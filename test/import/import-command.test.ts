import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const SEEDS = path.resolve(import.meta.dirname, '../../../shared/seeds');
const seed = (p: string) => path.join(SEEDS, fs.readdirSync(SEEDS).find((f) => f.startsWith(p))!);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const env = { DUBAN_DATA_DIR: path.join(tmp, 'data'), DUBAN_UNITS_FILE: path.resolve(import.meta.dirname, '../../config/units.json') };
  const code = await main(argv, { stdout, stderr, env });
  return { code, out, err };
}

describe('duban import / export', () => {
  it('--dry-run --json prints the gold schema and the summary goes to stderr', async () => {
    const r = await run('import', seed('002'), '--dry-run', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ document: '002_a944769c8b8073fd.txt', docNumber: '东办发〔2024〕1号', mechanisms: ['周督查', '旬会商', '月通报', '一月一汇报', '一月一申请'] });
    expect(json.tasks).toHaveLength(4);
    expect(json.roster).toHaveLength(30);
    expect(r.err).toContain('任务　　  4');
    expect(r.err).toContain('试运行（--dry-run）：未写入数据库');
  });

  it('exit code ≠ 0 only when nothing usable was found', async () => {
    const empty = path.join(tmp, 'empty.txt');
    fs.writeFileSync(empty, '');
    const r1 = await run('import', empty, '--dry-run');
    expect(r1.code).toBe(1);
    expect(r1.err).toContain('empty.txt 是空文件');
    // The file's own error is the whole story: no "dry run" or "no tasks" lines contradicting it.
    expect(r1.err + r1.out).not.toMatch(/没有识别出任何任务|试运行/);
    const broken = path.join(tmp, 'broken.pdf');
    fs.writeFileSync(broken, '%PDF-1.7\nthis is not a pdf body');
    const r0 = await run('import', broken, '--dry-run');
    expect(r0.code).toBe(1);
    expect(r0.err).toBe('错误：broken.pdf 不是有效的 PDF 文件（文件结构损坏或不完整）\n  → 用 WPS/Acrobat 打开后另存为 PDF，或导出为 .docx/.xlsx 再导入\n');
    const r2 = await run('import', seed('004'), '--dry-run');
    expect(r2.code).toBe(1);
    expect(r2.out).toContain('未识别出任务');
    expect(r2.err).toContain('没有识别出任何任务');
    // One bad file among good ones: the good one is imported, the bad one reported.
    const r3 = await run('import', empty, seed('000'), '--dry-run');
    expect(r3.code).toBe(0);
    expect(r3.err).toContain('empty.txt 是空文件');
    const r4 = await run('import', seed('003'), '--year', '24');
    expect(r4.code).toBe(1);
    expect(r4.err).toContain('--year 应为四位年份');
  });

  it('writes to the database, re-import reports no change, export writes the ledger', async () => {
    const first = await run('import', seed('003'));
    expect(first.code).toBe(0);
    expect(first.out).toContain('已新建计划');
    expect(first.out).toContain('新增任务 56');
    const again = await run('import', seed('003'));
    expect(again.out).toContain('已更新计划');
    expect(again.out).toContain('未变任务 56');
    const file = path.join(tmp, 'ledger.xlsx');
    const ex = await run('export', '--xlsx', file);
    expect(ex.code).toBe(0);
    expect(ex.out).toContain('56 项任务');
    expect(fs.statSync(file).size).toBeGreaterThan(5000);
  });
});
