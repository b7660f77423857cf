// Plan parsing scales linearly (issue 15, item 4): parse time (read + normalise + parse + resolve
// units, no database) for 1,000 and 5,000 numbered items, for 250 / 500 / 1,000 repeated "（一）…"
// lines (the case that used to take 0.65 / 4.1 / 29 s), for a traditional-character plan, and for
// the PDF and .doc fixtures — beside each seed in the same run as the baseline. Per-item time at
// 5,000 within 2x of the time at 1,000 means linear; the ratio is printed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { importPlanFile, parsePlanSource } from '../src/import/import-plan-file.ts';
import { loadUnitDirectory } from '../src/import/load-unit-directory.ts';
import { sourceFromText } from '../src/import/read-plan-file.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SEEDS = path.resolve(ROOT, '../shared/seeds');
const FIXTURES = path.join(ROOT, 'test/fixtures/conventions/docs');
const directory = loadUnitDirectory(path.join(ROOT, 'config/units.json'));

function median(runs: number, fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
async function medianAsync(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
const parseText = (text: string) => parsePlanSource(sourceFromText(text, 'bench.txt'), { directory, year: 2026 });

console.log('baseline: each seed, read + parse + resolve, median of 10:');
if (fs.existsSync(SEEDS)) {
  for (const f of fs.readdirSync(SEEDS).filter((x) => x.endsWith('.txt')).sort()) {
    const file = path.join(SEEDS, f);
    const tasks = (await importPlanFile(file, { directory })).tasks.length;
    console.log(`  ${f.padEnd(28)} ${String(tasks).padStart(5)} tasks ${fmt(await medianAsync(10, () => importPlanFile(file, { directory }))).padStart(10)}`);
  }
}

const numbered = (n: number) =>
  ['2026年重点工作任务分解', '一、重点工作', ...Array.from({ length: n }, (_, i) => `${i + 1}. 推进第${i + 1}项重点工作，完成年度目标任务。（牵头单位：区发改委；责任单位：区财政局、各街道；完成时限：2026年${(i % 12) + 1}月底前）`)].join('\n');
const repeated = (n: number) => Array.from({ length: n }, () => '（一）加快推进重点项目建设，区发改委牵头，各街道配合，10月底前完成。').join('\n');
const traditional = (n: number) =>
  ['2026年重點工作任務', ...Array.from({ length: n }, (_, i) => `${i + 1}.推進第${i + 1}項工作。(市發展改革委、市財政局牽頭，各縣（市、區）人民政府按職責分工負責)`)].join('\n');

console.log('\nnumbered items (parse only, median of 5):');
const per: Record<string, number> = {};
for (const [name, make, sizes] of [
  ['numbered 1. … with markup', numbered, [1_000, 5_000]],
  ['repeated （一）… with prose markup', repeated, [250, 500, 1_000]],
  ['traditional characters, keyless markup', traditional, [1_000, 5_000]],
] as const) {
  for (const n of sizes) {
    const text = make(n);
    const tasks = parseText(text).tasks.length;
    const ms = median(5, () => parseText(text));
    per[`${name}|${n}`] = ms / n;
    console.log(`  ${name.padEnd(40)} ${String(n).padStart(5)} items → ${String(tasks).padStart(5)} tasks ${fmt(ms).padStart(10)}  ${((ms / n) * 1000).toFixed(0).padStart(5)} µs/item`);
  }
  const small = per[`${name}|${sizes[0]}`]!;
  const large = per[`${name}|${sizes[sizes.length - 1]}`]!;
  console.log(`  ${''.padEnd(40)} per-item time ${sizes[sizes.length - 1]} vs ${sizes[0]}: ×${(large / small).toFixed(2)} (1.00 = linear)`);
}

console.log('\nother formats (read + parse, median of 5):');
for (const f of ['d19_ledger_table.pdf', 'd22_centred_cells.pdf', 'd21_text_plan.pdf', 'd20_legacy_word.doc', 'd16_pipe_rows.txt', 'd14_traditional_keyless.txt']) {
  const file = path.join(FIXTURES, f);
  const tasks = (await importPlanFile(file, { directory })).tasks.length;
  console.log(`  ${f.padEnd(32)} ${String(tasks).padStart(4)} tasks ${fmt(await medianAsync(5, () => importPlanFile(file, { directory }))).padStart(10)}`);
}

// The refusal of a 50 MB text takes no parsing at all.
const huge = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duban-parse-bench-')), 'huge.txt');
fs.closeSync(fs.openSync(huge, 'w'));
fs.truncateSync(huge, 50 * 1024 * 1024);
const t0 = performance.now();
const refused = await importPlanFile(huge, { directory }).then(() => 'accepted', (e: Error) => e.message);
console.log(`\n50 MB text: ${fmt(performance.now() - t0)} → ${refused}`);
fs.rmSync(path.dirname(huge), { recursive: true, force: true });
