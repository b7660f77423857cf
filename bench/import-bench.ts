// Plan import: parse time per seed document, and for a generated 5,000-task Excel ledger; then
// savePlan into embedded PGlite (first import, unchanged re-import, re-import with edits).
// BENCH_DATABASE_URL=postgresql://… saves into a real (empty) Postgres instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { importPlanFile } from '../src/import/import-plan-file.ts';
import { loadUnitDirectory } from '../src/import/load-unit-directory.ts';
import { savePlan } from '../src/import/save-plan.ts';
import { openDatabase } from '../src/store/open-database.ts';
import type { ParsedPlan } from '../src/domain/plan/plan-types.ts';

const LEDGER_TASKS = Number(process.env.BENCH_TASKS ?? 5_000);
const ROOT = path.resolve(import.meta.dirname, '..');
const SEEDS = path.resolve(ROOT, '../shared/seeds');
const directory = loadUnitDirectory(path.join(ROOT, 'config/units.json'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-import-bench-'));

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await time(fn)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

console.log('parse (read + parse + resolve units), median of 20 runs:');
let seedTotal = 0;
for (const f of fs.readdirSync(SEEDS).filter((x) => x.endsWith('.txt')).sort()) {
  const file = path.join(SEEDS, f);
  const plan = await importPlanFile(file, { directory });
  const ms = await median(20, () => importPlanFile(file, { directory }));
  seedTotal += ms;
  console.log(`  ${f.padEnd(28)} ${String(plan.tasks.length).padStart(4)} tasks  ${fmt(ms).padStart(9)}`);
}
console.log(`  all seeds                              ${fmt(seedTotal).padStart(9)}`);

// A 5,000-task ledger: 10 sections, units drawn from the directory, a few collectives.
const names = directory.units.flatMap((u) => [u.name, ...u.aliases]);
const leaders = ['杨峰', '徐志勇', '夏辉', '聂洪明', '涂艳彬', '胡启明', '丁有渌', '应卓伟'];
const wb = new ExcelJS.Workbook();
const ws = wb.addWorksheet('台账');
ws.addRow(['2026年重点工作任务台账']);
ws.addRow(['序号', '任务内容', '牵头领导', '牵头单位', '责任单位', '参加单位', '完成时限']);
let n = 0;
for (let s = 1; s <= 10 && n < LEDGER_TASKS; s++) {
  ws.addRow([`${'一二三四五六七八九十'[s - 1]}、第${s}板块重点工作`]);
  for (let i = 0; i < LEDGER_TASKS / 10 && n < LEDGER_TASKS; i++) {
    n++;
    ws.addRow([
      n,
      `推进第${n}项重点工作。完成年度目标任务，确保按期见效，形成可复制经验。`,
      leaders[n % leaders.length],
      names[n % names.length],
      `${names[(n * 7) % names.length]}、${names[(n * 13) % names.length]}`,
      n % 3 === 0 ? '各街道、镇、集聚区' : names[(n * 5) % names.length],
      ['2026年12月底', '6月30日前', '三季度末', '每季度末', '长期坚持'][n % 5],
    ]);
  }
}
const ledger = path.join(tmp, 'ledger-5000.xlsx');
await wb.xlsx.writeFile(ledger);
const big = (await time(() => importPlanFile(ledger, { directory }))) as { ms: number; value: ParsedPlan };
const bigMedian = await median(3, () => importPlanFile(ledger, { directory }));
console.log(`\nledger of ${big.value.tasks.length} tasks (${(fs.statSync(ledger).size / 1024).toFixed(0)} KB xlsx): parse ${fmt(bigMedian)} (median of 3; first run ${fmt(big.ms)}), ${big.value.warnings.length} warnings`);

const db = await openDatabase(process.env.BENCH_DATABASE_URL ? { databaseUrl: process.env.BENCH_DATABASE_URL, dataDir: tmp } : { dataDir: 'memory://' });
try {
  console.log(`\nsavePlan into ${db.kind}:`);
  for (const f of ['000_6f6368d3106e93bf.txt', '003_4dfd9a9cc1e4fe81.txt']) {
    const plan = await importPlanFile(path.join(SEEDS, f), { directory });
    const first = await time(() => savePlan(db.prisma, plan, { actor: 'bench' }));
    const again = await time(() => savePlan(db.prisma, plan, { actor: 'bench' }));
    console.log(`  ${f.padEnd(28)} first ${fmt(first.ms).padStart(9)}   unchanged re-import ${fmt(again.ms).padStart(9)}`);
  }
  const first = await time(() => savePlan(db.prisma, big.value, { actor: 'bench' }));
  const again = await time(() => savePlan(db.prisma, big.value, { actor: 'bench' }));
  const edited: ParsedPlan = structuredClone(big.value);
  for (const t of edited.tasks.slice(0, 500)) t.deadline = { kind: 'date', date: '2026-10-31', text: '2026年10月底', recurrence: null };
  const third = await time(() => savePlan(db.prisma, edited, { actor: 'bench' }));
  console.log(`  ledger ${big.value.tasks.length} tasks            first ${fmt(first.ms).padStart(9)}   unchanged re-import ${fmt(again.ms).padStart(9)}   500 edited ${fmt(third.ms).padStart(9)} (${third.value.changed.length} changed)`);
  console.log(`  rows: ${await db.prisma.task.count()} tasks, ${await db.prisma.taskUnit.count()} task units, ${await db.prisma.taskLeader.count()} task leaders`);
} finally {
  await db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
