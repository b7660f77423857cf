// The 月通报 (monthly bulletin) on PostgreSQL at 1k / 5k / 10k / 20k tasks (3 units per 100 tasks):
// the data step, each file renderer and end to end, each beside a baseline measured in the same run
// on the same database, medians of interleaved rounds. At 10,000 tasks also the weekly digests and
// the 旬会商 agenda. BENCH_SIZES=10000 for one size; BENCH_DATABASE_URL=postgresql://… reuses a
// database (seeded when empty, one size only); BENCH_PGLITE=1 runs the main size on embedded PGlite.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCalendar } from '../src/adapters/calendar/create-calendar.ts';
import { addDays, atLocal } from '../src/domain/calendar/shanghai-time.ts';
import { bulletinDocx } from '../src/reports/bulletin-docx.ts';
import { bulletinModel } from '../src/reports/bulletin-model.ts';
import { bulletinPng } from '../src/reports/bulletin-png.ts';
import { bulletinText } from '../src/reports/bulletin-text.ts';
import { bulletinXlsx } from '../src/reports/bulletin-xlsx.ts';
import { bulkQuery } from '../src/store/bulk-sql.ts';
import { buildConsultAgenda, buildMonthlyBulletin, buildWeeklyDigests } from '../src/reports/index.ts';
import { loadReportData } from '../src/reports/report-data.ts';
import { renderReportPng } from '../src/reports/render/render-report-png.ts';
import { openDatabase, type Db } from '../src/store/open-database.ts';
import { freshPostgres } from './fresh-postgres.ts';

let TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
let UNITS = Number(process.env.BENCH_UNITS ?? 300);
/** Plan sizes (fresh Postgres databases): tasks, 3 units per 100 tasks. */
const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,10000,20000').split(',').filter(Boolean).map(Number);
const LEADERS = 30;
const DATE = '2026-11-30';
const STATUSES = ['in_progress', 'in_progress', 'in_progress', 'in_progress', 'not_started', 'blocked', 'done', 'closed'] as const;

// A fixed-seed generator so every run builds the same data.
let seed = 20261130;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const day = (d: string): Date => new Date(`${d}T00:00:00Z`);

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MAIN_SIZE = 10_000;

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}
const median = (l: number[]): number => [...l].sort((a, b) => a - b)[Math.floor(l.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

async function seedReports(prisma: Db, kind: string): Promise<void> {
      const plan = await prisma.plan.create({ data: { sourceDocument: 'bench.docx', title: '基准测试工作方案', issuedOn: day('2026-01-05'), year: 2026 } });
      await prisma.unit.createMany({ data: Array.from({ length: UNITS }, (_, i) => ({ name: `测试单位${String(i + 1).padStart(3, '0')}`, kind: i % 3 ? 'department' : 'town' })) });
      const units = await prisma.unit.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
      await prisma.person.createMany({ data: Array.from({ length: LEADERS }, (_, i) => ({ name: `领导${i + 1}`, kind: 'leader' as const, chatId: `wx-leader-${i + 1}` })) });
      const leaders = await prisma.person.findMany({ where: { kind: 'leader' }, select: { id: true } });
      const rows = Array.from({ length: TASKS }, (_, i) => {
        const kind = rand() < 0.8 ? 'date' : 'open';
        const deadline = addDays('2026-03-01', Math.floor(rand() * 400));
        const status = pick(STATUSES);
        return {
          planId: plan.id, no: String(i + 1), seq: i + 1, title: `重点任务${i + 1}`, text: `推进重点任务${i + 1}的各项工作，确保按期完成。`,
          deadline: kind === 'date' ? day(deadline) : null, deadlineKind: kind as 'date' | 'open', status, percent: status === 'done' || status === 'closed' ? 100 : Math.floor(rand() * 100),
          closedAt: status === 'closed' ? atLocal('2026-11-10', '10:00') : null, createdAt: atLocal('2026-01-05', '09:00'),
        };
      });
      for (let i = 0; i < rows.length; i += 2000) await prisma.task.createMany({ data: rows.slice(i, i + 2000) });
      const tasks = await prisma.task.findMany({ select: { id: true, status: true, percent: true }, orderBy: { id: 'asc' } });
      const links: Array<{ taskId: number; role: 'lead' | 'responsible'; rawName: string; unitId: number }> = [];
      const leads: Array<{ taskId: number; personId: number }> = [];
      const updates: Array<{ taskId: number; unitId: number; reportedAt: Date; text: string; percent: number | null; status: (typeof STATUSES)[number] | null; problems: string | null }> = [];
      const milestones: Array<{ taskId: number; dueOn: Date; deadlineText: string; text: string }> = [];
      for (const t of tasks) {
        const lead = pick(units).id;
        const resp = pick(units).id;
        links.push({ taskId: t.id, role: 'lead', rawName: `u${lead}`, unitId: lead });
        if (resp !== lead) links.push({ taskId: t.id, role: 'responsible', rawName: `u${resp}`, unitId: resp });
        leads.push({ taskId: t.id, personId: pick(leaders).id });
        if (rand() < 0.3) milestones.push({ taskId: t.id, dueOn: day(addDays('2026-10-01', Math.floor(rand() * 90))), deadlineText: '节点', text: '阶段节点' });
        // weekly reports in November from each duty unit, with a few weeks missed
        for (const unitId of resp !== lead ? [lead, resp] : [lead]) {
          for (const monday of ['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']) {
            if (rand() < 0.25) continue;
            updates.push({ taskId: t.id, unitId, reportedAt: atLocal(addDays(monday, Math.floor(rand() * 5)), '10:00'), text: '本周按计划推进', percent: t.percent, status: t.status === 'blocked' ? 'blocked' : null, problems: rand() < 0.05 ? '资金缺口需协调' : null });
          }
        }
      }
      for (let i = 0; i < links.length; i += 5000) await prisma.taskUnit.createMany({ data: links.slice(i, i + 5000) });
      // Each unit's part of each task, in the state its task is in.
      const stateOf = new Map(tasks.map((t) => [t.id, t]));
      const parts = links.map((l) => {
        const t = stateOf.get(l.taskId)!;
        return { taskId: l.taskId, unitId: l.unitId, role: l.role, state: t.status === 'done' ? ('reported_done' as const) : t.status, percent: t.percent };
      });
      for (let i = 0; i < parts.length; i += 5000) await prisma.assignment.createMany({ data: parts.slice(i, i + 5000), skipDuplicates: true });
      for (let i = 0; i < leads.length; i += 5000) await prisma.taskLeader.createMany({ data: leads.slice(i, i + 5000) });
      for (let i = 0; i < milestones.length; i += 5000) await prisma.milestone.createMany({ data: milestones.slice(i, i + 5000) });
      for (let i = 0; i < updates.length; i += 5000) await prisma.progressUpdate.createMany({ data: updates.slice(i, i + 5000) });
      console.log(`data: ${tasks.length} tasks, ${units.length} units, ${links.length} assignments, ${milestones.length} milestones, ${updates.length} progress reports (${kind})`);
}

/** One plan size: interleaved rounds of each step and its baseline; returns the medians by label. */
async function measure(db: Db): Promise<Map<string, number>> {
  const calendar = createCalendar();
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'duban-bench-'));
  const q = bulkQuery(db);
  const runs = new Map<string, number[]>();
  const add = (k: string, v: number) => (runs.get(k) ?? runs.set(k, []).get(k)!).push(v);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Baseline for the data step: the same rows read by plain SQL, nothing parsed or computed.
      const [, read] = await time(() => Promise.all([
        q(`SELECT t.* FROM "Task" t`),
        q(`SELECT a.* FROM "Assignment" a`),
        q(`SELECT "taskId", "unitId", "reportedAt", "percent", "status" FROM "ProgressUpdate" WHERE "kind" <> 'receipt'`),
      ]));
      add('baseline: plain SQL read of tasks, assignments, reports', read);
      // The data step as the bulletin runs it: read + status replay + lights + ranking + chat text.
      const [data, load] = await time(() => loadReportData(db, { date: DATE, calendar, texts: false }));
      const [model, rank] = await time(() => bulletinModel(data, calendar));
      const [, text] = await time(() => bulletinText(model));
      add('data step: read + replay + lights', load);
      add('data step: ranking + chat text', rank + text);
      add('data step total', load + rank + text);
      // Each renderer alone, then the baseline for files: writing the same bytes.
      const [png, tPng] = await time(() => renderReportPng(bulletinPng(model)));
      const [docx, tDocx] = await time(() => bulletinDocx(model));
      const [xlsx, tXlsx] = await time(() => bulletinXlsx(model, data.tasks));
      add('PNG (table + chart)', tPng);
      add('.docx (bulletin + ranking table)', tDocx);
      add('.xlsx (ranking + every task)', tXlsx);
      add('renderers one after another', tPng + tDocx + tXlsx);
      const [, write] = await time(() => Promise.all([png, docx, xlsx].map((b, i) => fs.writeFile(path.join(out, `baseline-${i}`), b))));
      add('baseline: writing the same three files', write);
      // End to end as the cadence runs it (renderers together), beside read + write.
      const [, e2e] = await time(() => buildMonthlyBulletin(db, { date: DATE, calendar, outDir: out }));
      add('end to end: buildMonthlyBulletin (data + text + PNG + docx + xlsx, written)', e2e);
      add('baseline: plain read + writing the files', read + write);
    }
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
  return new Map([...runs].map(([k, l]) => [k, median(l)]));
}

function printSize(tasks: number, kind: string, m: Map<string, number>): void {
  console.log(`\n月通报 at ${tasks} tasks / ${UNITS} units (${kind}), medians of ${ROUNDS} interleaved rounds:`);
  for (const [k, v] of m) console.log(`  ${k.padEnd(78)} ${ms(v).padStart(9)}`);
  const e2e = m.get('end to end: buildMonthlyBulletin (data + text + PNG + docx + xlsx, written)')!;
  console.log(`  end to end ${ms(e2e)} = ${(e2e / m.get('baseline: plain read + writing the files')!).toFixed(1)}× its baseline; goal < 2000 ms: ${e2e < 2000 ? 'met' : 'NOT met'}`);
}

/** The weekly digests and the agenda at the main size (they share the data step). */
async function otherReports(db: Db): Promise<void> {
  const calendar = createCalendar();
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'duban-bench-'));
  try {
    const [digests, tDigests] = await time(() => buildWeeklyDigests(db, { date: DATE, calendar, outDir: out }));
    const [agenda, tAgenda] = await time(() => buildConsultAgenda(db, { date: DATE, calendar, outDir: out }));
    console.log(`  buildWeeklyDigests (${digests.length} leaders, text + PNG each) ${ms(tDigests)}; buildConsultAgenda (text + PNG) ${ms(tAgenda)}`);
    console.log(`  digests: longest ${Math.max(...digests.map((d) => d.text.length))} chars in ${Math.max(...digests.map((d) => d.parts.length))} messages; agenda ${agenda.text.length} chars in ${agenda.parts.length} messages`);
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const growth: Array<[number, number, Map<string, number>]> = [];
  if (process.env.BENCH_PGLITE) {
    TASKS = MAIN_SIZE;
    UNITS = 300;
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      await seedReports(db.prisma, db.kind);
      printSize(TASKS, 'PGlite', await measure(db.prisma));
      await otherReports(db.prisma);
    } finally {
      await db.close();
    }
  }
  for (const tasks of process.env.BENCH_DATABASE_URL ? [MAIN_SIZE] : SIZES) {
    const pg = await freshPostgres();
    if (!pg) return console.log('PostgreSQL not reachable: nothing measured (BENCH_PGLITE=1 measures on PGlite)');
    TASKS = tasks;
    UNITS = tasks === MAIN_SIZE ? 300 : Math.max(30, Math.round((tasks * 3) / 100));
    seed = 20261130;
    const db = await openDatabase({ databaseUrl: pg.url, dataDir: 'memory://' });
    try {
      if ((await db.prisma.task.count()) > 0) console.log(`reusing ${await db.prisma.task.count()} tasks already in the database`);
      else await seedReports(db.prisma, db.kind);
      const m = await measure(db.prisma);
      printSize(tasks, 'PostgreSQL', m);
      if (tasks === MAIN_SIZE) await otherReports(db.prisma);
      growth.push([tasks, UNITS, m]);
    } finally {
      await db.close();
      await pg.drop();
    }
  }
  if (growth.length > 1) {
    const cols = ['baseline: plain SQL read of tasks, assignments, reports', 'data step total', 'PNG (table + chart)', '.docx (bulletin + ranking table)', '.xlsx (ranking + every task)', 'end to end: buildMonthlyBulletin (data + text + PNG + docx + xlsx, written)'];
    console.log('\nGrowth on PostgreSQL (medians, ms; per 1,000 tasks in brackets: flat or falling = linear or better):');
    console.log(`  ${'tasks / units'.padEnd(14)} ${['plain read', 'data step', 'PNG', 'docx', 'xlsx', 'end to end'].map((h) => h.padStart(16)).join('')}`);
    for (const [tasks, units, m] of growth) {
      console.log(`  ${`${tasks} / ${units}`.padEnd(14)} ${cols.map((c) => `${m.get(c)!.toFixed(0)} (${((m.get(c)! / tasks) * 1000).toFixed(0)})`.padStart(16)).join('')}`);
    }
  }
  console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}

await main();
