// The monthly bulletin for 10,000 tasks and 300 units: data building, text, PNG and .docx.
// Embedded PGlite by default; BENCH_DATABASE_URL=postgresql://… to run on a real Postgres (an empty
// database is seeded; one seeded by an earlier run is reused).
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
import { buildConsultAgenda, buildMonthlyBulletin, buildWeeklyDigests } from '../src/reports/index.ts';
import { loadReportData } from '../src/reports/report-data.ts';
import { renderReportPng } from '../src/reports/render/render-report-png.ts';
import { openDatabase, type Db } from '../src/store/open-database.ts';
import { freshPostgres } from './fresh-postgres.ts';

let TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
let UNITS = Number(process.env.BENCH_UNITS ?? 300);
/** Plan sizes for the growth table (fresh Postgres databases): tasks, 3 units per 100 tasks. */
const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,10000,20000').split(',').filter(Boolean).map(Number);
const LEADERS = 30;
const DATE = '2026-11-30';
const STATUSES = ['in_progress', 'in_progress', 'in_progress', 'in_progress', 'not_started', 'blocked', 'done', 'closed'] as const;

// A fixed-seed generator so every run builds the same data.
let seed = 20261130;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const day = (d: string): Date => new Date(`${d}T00:00:00Z`);

async function time<T>(label: string, fn: () => Promise<T> | T, figures: Array<[string, number]>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  figures.push([label, performance.now() - t0]);
  return r;
}

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

async function main(): Promise<void> {
  const db = await openDatabase(process.env.BENCH_DATABASE_URL ? { databaseUrl: process.env.BENCH_DATABASE_URL, dataDir: 'memory://' } : { dataDir: 'memory://' });
  const { prisma } = db;
  const figures: Array<[string, number]> = [];
  try {
    // A Postgres database seeded by an earlier run is reused as it is.
    if ((await prisma.task.count()) > 0) console.log(`reusing ${await prisma.task.count()} tasks already in the database`);
    else await time('seed', () => seedReports(prisma, db.kind), figures);

    const calendar = createCalendar();
    const data = await time('load data + health (DB read)', () => loadReportData(prisma, { date: DATE, calendar }), figures);
    const model = await time('ranking model (per-unit figures + scores)', () => bulletinModel(data, calendar), figures);
    const text = await time('chat text', () => bulletinText(model), figures);
    const png = await time('PNG (table + chart)', () => renderReportPng(bulletinPng(model)), figures);
    const docx = await time('.docx (bulletin + 300-row table)', () => bulletinDocx(model), figures);
    const xlsx = await time('.xlsx (ranking + 10,000 tasks)', () => bulletinXlsx(model, data.tasks), figures);
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'duban-bench-'));
    await time('buildMonthlyBulletin end to end (load + text + PNG + docx + xlsx, written)', () => buildMonthlyBulletin(prisma, { date: DATE, calendar, outDir: out }), figures);
    const digests = await time(`buildWeeklyDigests (${LEADERS} leaders, text + PNG each)`, () => buildWeeklyDigests(prisma, { date: DATE, calendar, outDir: out }), figures);
    const agenda = await time('buildConsultAgenda (text + PNG)', () => buildConsultAgenda(prisma, { date: DATE, calendar, outDir: out }), figures);
    await fs.rm(out, { recursive: true, force: true });
    console.log(`digests: ${digests.length}, longest ${Math.max(...digests.map((d) => d.text.length))} chars in ${Math.max(...digests.map((d) => d.parts.length))} messages; agenda ${agenda.text.length} chars in ${agenda.parts.length} messages`);

    for (const [label, ms] of figures) console.log(`${label.padEnd(80)} ${ms.toFixed(0).padStart(7)} ms`);
    console.log(`sizes: text ${text.length} chars, PNG ${(png.length / 1024).toFixed(0)} KiB, docx ${(docx.length / 1024).toFixed(0)} KiB, xlsx ${(xlsx.length / 1024).toFixed(0)} KiB`);
    console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    await db.close();
  }
}

/**
 * Growth on Postgres: the 月通报 at each plan size, end to end (data, text, PNG, .docx, .xlsx, written)
 * and its data step (read + health + ranking + text), beside a baseline in the same database: the
 * same tasks, assignments and progress reports read by plain SQL, nothing computed. Median of 3.
 */
async function growth(): Promise<void> {
  if (process.env.BENCH_DATABASE_URL) return;
  for (const tasks of SIZES) {
    const pg = await freshPostgres();
    if (!pg) return console.log('Postgres: not reachable, growth skipped');
    TASKS = tasks;
    UNITS = Math.max(30, Math.round((tasks * 3) / 100));
    seed = 20261130;
    const db = await openDatabase({ databaseUrl: pg.url, dataDir: 'memory://' });
    try {
      await seedReports(db.prisma, db.kind);
      const calendar = createCalendar();
      const out = await fs.mkdtemp(path.join(os.tmpdir(), 'duban-bench-'));
      const base: number[] = [];
      const dataStep: number[] = [];
      const e2e: number[] = [];
      for (let i = 0; i < 3; i++) {
        let t = performance.now();
        await db.prisma.$queryRawUnsafe(`SELECT t.* FROM "Task" t`);
        await db.prisma.$queryRawUnsafe(`SELECT a.* FROM "Assignment" a`);
        await db.prisma.$queryRawUnsafe(`SELECT "taskId", "unitId", "reportedAt", "percent", "status", "text", "problems" FROM "ProgressUpdate" WHERE "kind" <> 'receipt'`);
        base.push(performance.now() - t);
        t = performance.now();
        bulletinText(bulletinModel(await loadReportData(db.prisma, { date: DATE, calendar }), calendar));
        dataStep.push(performance.now() - t);
        t = performance.now();
        await buildMonthlyBulletin(db.prisma, { date: DATE, calendar, outDir: out });
        e2e.push(performance.now() - t);
      }
      await fs.rm(out, { recursive: true, force: true });
      const med = (l: number[]) => [...l].sort((a, b) => a - b)[1]!.toFixed(0);
      console.log(`Postgres 月通报 at ${tasks} tasks / ${UNITS} units: end to end ${med(e2e)} ms, data step (read + health + ranking + text) ${med(dataStep)} ms; baseline plain SQL read of the same rows ${med(base)} ms (medians of 3)`);
    } finally {
      await db.close();
      await pg.drop();
    }
  }
}

await main();
await growth();
