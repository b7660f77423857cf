// The web console with 10,000 tasks, 300 units and their reports: the 台账's first page (plain, and
// filtered by light, which computes every matching task's light), a task's detail with its 留痕,
// the 驾驶舱, a leader's scoped 台账 and 驾驶舱, and the streamed .xlsx export — each a real HTTP
// request to the console, median of 5 after a warm-up. Each line is printed beside the same run's
// baselines: /healthz (the HTTP server alone) and a raw read (50 tasks with their assignments, one
// Prisma query); only those ratios mean anything on a shared machine. Targets: < 1 s for the 台账 first
// page, a task detail, the light filter and the 驾驶舱; the export in a few seconds.
// Embedded PGlite by default; BENCH_DATABASE_URL=postgresql://… for Postgres (seeded once, reused).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCalendar } from '../src/adapters/calendar/create-calendar.ts';
import { createConsole } from '../src/console/create-console.ts';
import { createCadenceEngine } from '../src/engine/create-cadence-engine.ts';
import { issueLoginLink, redeemLoginLink } from '../src/console/console-auth.ts';
import { addDays, atLocal } from '../src/domain/calendar/shanghai-time.ts';
import { startHealthServer } from '../src/health/health-server.ts';
import { silentLogger } from '../src/log/create-logger.ts';
import { ManualClock } from '../src/ports/clock.ts';
import { openDatabase } from '../src/store/open-database.ts';
import { createPrismaWorkStore } from '../src/store/prisma-work-store.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const UNITS = 300;
const LEADERS = 30;
const STATUSES = ['in_progress', 'in_progress', 'in_progress', 'not_started', 'blocked', 'lagging', 'done', 'closed'] as const;
let seed = 20261202;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const day = (d: string): Date => new Date(`${d}T00:00:00Z`);

async function main(): Promise<void> {
  const db = await openDatabase(process.env.BENCH_DATABASE_URL ? { databaseUrl: process.env.BENCH_DATABASE_URL, dataDir: 'memory://' } : { dataDir: 'memory://' });
  const { prisma } = db;
  const clock = new ManualClock('2026-11-30T02:00:00Z');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-console-bench-'));
  try {
    if ((await prisma.task.count()) === 0) {
      const t0 = performance.now();
      const plan = await prisma.plan.create({ data: { sourceDocument: 'bench.docx', title: '基准测试工作方案', issuedOn: day('2026-01-05'), year: 2026 } });
      await prisma.unit.createMany({ data: Array.from({ length: UNITS }, (_, i) => ({ name: `测试单位${String(i + 1).padStart(3, '0')}`, kind: 'department' })) });
      const units = await prisma.unit.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
      await prisma.person.createMany({ data: Array.from({ length: LEADERS }, (_, i) => ({ name: `领导${i + 1}`, kind: 'leader' as const, chatId: `wx-leader-${i + 1}` })) });
      await prisma.person.createMany({ data: units.map((u, i) => ({ name: `联络员${i + 1}`, kind: 'contact' as const, unitId: u.id, chatId: `wx-c-${i + 1}` })) });
      await prisma.chatGroup.createMany({ data: units.map((_, i) => ({ topic: `测试单位${String(i + 1).padStart(3, '0')}督办群`, roomId: `room-${i + 1}` })) });
      const groups = await prisma.chatGroup.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
      await prisma.groupUnit.createMany({ data: groups.map((g, i) => ({ groupId: g.id, unitId: units[i]!.id })) });
      const leaders = await prisma.person.findMany({ where: { kind: 'leader' }, select: { id: true } });
      const rows = Array.from({ length: TASKS }, (_, i) => {
        const status = pick(STATUSES);
        return {
          planId: plan.id, no: String(i + 1), seq: i + 1, title: `重点任务${i + 1}`, text: `推进重点任务${i + 1}的各项工作，确保按期完成。`,
          deadline: rand() < 0.8 ? day(addDays('2026-03-01', Math.floor(rand() * 400))) : null, deadlineKind: 'date' as const, status,
          percent: status === 'done' || status === 'closed' ? 100 : Math.floor(rand() * 100), lastReportedAt: rand() < 0.7 ? atLocal(addDays('2026-11-02', Math.floor(rand() * 25)), '10:00') : null,
          createdAt: atLocal('2026-01-05', '09:00'),
        };
      });
      for (let i = 0; i < rows.length; i += 2000) await prisma.task.createMany({ data: rows.slice(i, i + 2000) });
      const tasks = await prisma.task.findMany({ select: { id: true, no: true, status: true, percent: true }, orderBy: { id: 'asc' } });
      const parts: { taskId: number; unitId: number; role: 'lead' | 'responsible'; state: 'in_progress' | 'not_started'; percent: number | null }[] = [];
      const leads: { taskId: number; personId: number }[] = [];
      const updates: { taskId: number; unitId: number; reportedAt: Date; text: string; percent: number | null }[] = [];
      const outbox: { idempotencyKey: string; targetKind: string; targetRef: string; text: string; status: 'sent'; sentAt: Date; cadence: string }[] = [];
      for (const t of tasks) {
        const lead = pick(units).id;
        parts.push({ taskId: t.id, unitId: lead, role: 'lead', state: 'in_progress', percent: t.percent });
        const resp = pick(units).id;
        if (resp !== lead) parts.push({ taskId: t.id, unitId: resp, role: 'responsible', state: 'not_started', percent: null });
        leads.push({ taskId: t.id, personId: pick(leaders).id });
        for (const monday of ['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']) {
          updates.push({ taskId: t.id, unitId: lead, reportedAt: atLocal(monday, '10:00'), text: '本周按计划推进', percent: t.percent });
          outbox.push({ idempotencyKey: `bench:${monday}:${t.id}`, targetKind: 'group', targetRef: `room-${lead}`, text: `【周调度提醒】第${t.no}项 重点任务${t.no}，请报送进展。`, status: 'sent', sentAt: atLocal(monday, '09:00'), cadence: 'weekly_reminder' });
        }
      }
      for (let i = 0; i < parts.length; i += 5000) await prisma.assignment.createMany({ data: parts.slice(i, i + 5000), skipDuplicates: true });
      for (let i = 0; i < leads.length; i += 5000) await prisma.taskLeader.createMany({ data: leads.slice(i, i + 5000) });
      for (let i = 0; i < updates.length; i += 5000) await prisma.progressUpdate.createMany({ data: updates.slice(i, i + 5000) });
      for (let i = 0; i < outbox.length; i += 5000) await prisma.outbox.createMany({ data: outbox.slice(i, i + 5000) });
      console.log(`seed: ${tasks.length} tasks, ${parts.length} assignments, ${updates.length} reports, ${outbox.length} sent reminders (${db.kind}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const calendar = createCalendar();
    const web = createConsole({
      prisma, work: createPrismaWorkStore(prisma), clock, calendar, logger: silentLogger, dataDir, admins: [], botName: '督办助手', unitsFile: 'config/units.json',
      chatStatus: () => 'logged_in', chatChannel: 'bench',
      cadences: createCadenceEngine({ prisma, calendar, clock, logger: silentLogger, cadenceFile: 'config/cadences.json', templatesFile: 'config/templates.json' }), templatesFile: 'config/templates.json',
    });
    const server = await startHealthServer(0, [], '127.0.0.1', web.handle);
    const base = `http://127.0.0.1:${server.port}`;
    const session = (await redeemLoginLink(prisma, await issueLoginLink(prisma, 'bench', { now: clock.now(), actor: 'bench' }), clock.now(), 'bench'))!;
    const headers = { cookie: `duban_session=${session}` };
    // A leader's read-only account: 领导1 leads about 1/30 of the tasks.
    const leader = await prisma.person.findFirstOrThrow({ where: { kind: 'leader', name: '领导1' }, select: { id: true } });
    const leaderSession = (await redeemLoginLink(prisma, await issueLoginLink(prisma, 'bench-leader', { now: clock.now(), actor: 'bench', leader }), clock.now(), 'bench'))!;
    const mid = await prisma.task.findFirstOrThrow({ where: { no: String(Math.floor(TASKS / 2)) }, select: { id: true } });

    const median = async (fn: () => Promise<unknown>): Promise<number> => {
      await fn();
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await fn();
        ms.push(performance.now() - t0);
      }
      return ms.sort((a, b) => a - b)[2]!;
    };
    const get = (url: string, cookie = headers.cookie) => async () => {
      const r = await fetch(`${base}${url}`, { headers: { cookie } });
      if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
      await r.arrayBuffer();
    };
    const healthz = await median(async () => (await fetch(`${base}/healthz`)).arrayBuffer());
    const rawRead = await median(() => prisma.task.findMany({ take: 50, include: { assignments: true } }));
    const line = (label: string, ms: number) =>
      console.log(`${label.padEnd(60)} ${ms.toFixed(0).padStart(6)} ms   ×${(ms / Math.max(healthz, 0.1)).toFixed(0).padStart(5)} /healthz   ×${(ms / rawRead).toFixed(1).padStart(6)} raw read`);
    line('baseline: GET /healthz', healthz);
    line('baseline: raw read — 50 tasks with assignments, one query', rawRead);
    const pages: [string, string, string?][] = [
      ['GET /tasks (台账 first page, 50 rows)', '/tasks'],
      ['GET /tasks?light=red (light of every task, one set query)', '/tasks?light=red'],
      ['GET /tasks?unit=…&q=任务1 (unit filter + search)', `/tasks?unit=1&q=${encodeURIComponent('任务1')}`],
      ['GET /tasks?page=150 (a deep page)', '/tasks?page=150'],
      [`GET /tasks/${mid.id} (task detail with 留痕)`, `/tasks/${mid.id}`],
      ['GET / (驾驶舱)', '/'],
      ["GET /tasks as a leader's account (scoped 台账)", '/tasks', `duban_session=${leaderSession}`],
      ["GET / as a leader's account (scoped 驾驶舱)", '/', `duban_session=${leaderSession}`],
      ['GET /schedules (调度与模板)', '/schedules'],
      ['GET /tasks.xlsx (whole 台账, streamed)', '/tasks.xlsx'],
    ];
    for (const [label, url, cookie] of pages) line(label, await median(get(url, cookie)));
    console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
    await server.close();
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
