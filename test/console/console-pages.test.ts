import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { findLeaderByName, redeemLoginLink } from '../../src/console/console-auth.ts';
import { LIGHT_SELECT, lightsOf, lightsWhere } from '../../src/console/task-lights.ts';
import { createCadenceEngine } from '../../src/engine/create-cadence-engine.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { templatesLoader } from '../../src/messages/load-templates.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { loadTemplateOverrides } from '../../src/settings/message-templates.ts';
import type { Database } from '../../src/store/open-database.ts';
import { serveConsole } from '../helpers/console-server.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

const day = (d: string) => new Date(`${d}T00:00:00Z`);

/**
 * The console over HTTP against a real (embedded) database and the real cadence engine: editing
 * cadences and templates as an admin, and a leader's read-only account seeing only their tasks.
 */
describe.each(DB_KINDS)('console on %s: schedules, templates, leader accounts, lights', (kind) => {
  let db: Database;
  let server: Awaited<ReturnType<typeof serveConsole>>;
  let base: string;
  const clock = new ManualClock('2026-11-30T02:00:00Z'); // a Monday, 10:00 in Beijing
  const calendar = createCalendar();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `duban-console-pages-${kind}-`));
  const templatesFile = path.join(dir, 'templates.json');
  const ids: Record<string, number> = {};
  let zhao: number;

  async function signIn(name: string, opts: { leader?: { id: number } } = {}) {
    const { cookie, csrf } = await server.signIn(name, opts);
    return {
      get: (url: string) => fetch(`${base}${url}`, { headers: { cookie }, redirect: 'manual' }),
      post: (url: string, form: Record<string, string>, htmx = false) =>
        fetch(`${base}${url}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf, ...(htmx ? { 'hx-request': 'true' } : {}) }, body: new URLSearchParams(form).toString() }),
    };
  }

  beforeAll(async () => {
    fs.copyFileSync('config/templates.json', templatesFile);
    db = await openTestDatabase(kind);
    const p = db.prisma;
    const plan = await p.plan.create({ data: { sourceDocument: 'p.docx', title: '促消费工作方案', shortName: '促消费', issuedOn: day('2026-01-05') } });
    const [u1, u2] = [await p.unit.create({ data: { name: '区商务局', kind: 'department' } }), await p.unit.create({ data: { name: '区住建局', kind: 'department' } })];
    zhao = (await p.person.create({ data: { name: '赵副区长', kind: 'leader', chatId: 'c-zhao' } })).id;
    const qian = (await p.person.create({ data: { name: '钱副区长', kind: 'leader', chatId: 'c-qian' } })).id;
    // 赵 is 分管领导 of 区商务局: its tasks as lead or responsible unit are his too.
    await p.oversight.create({ data: { personId: zhao, unitId: u1.id, role: '分管领导', source: 'people' } });
    const task = async (no: string, data: Record<string, unknown>, lead: number, leader?: number, participating?: number) => {
      const t = await p.task.create({ data: { planId: plan.id, no, seq: Number(no), title: `任务${no}`, text: `第${no}项任务内容`, ...data } });
      await p.assignment.create({ data: { taskId: t.id, unitId: lead, role: 'lead' } });
      if (participating) await p.assignment.create({ data: { taskId: t.id, unitId: participating, role: 'participating' } });
      if (leader) await p.taskLeader.create({ data: { taskId: t.id, personId: leader } });
      ids[no] = t.id;
    };
    // 1: 赵 leads; overdue → red.
    await task('1', { deadline: day('2026-11-20'), deadlineKind: 'date', status: 'in_progress', percent: 50, lastReportedAt: new Date('2026-11-30T01:00:00Z') }, u2.id, zhao);
    // 2: 钱 leads; 区商务局 only takes part → not 赵's.
    await task('2', { deadline: day('2027-06-30'), deadlineKind: 'date', status: 'in_progress', percent: 30, lastReportedAt: new Date('2026-11-30T01:00:00Z') }, u2.id, qian, u1.id);
    // 3: no leader, led by 区商务局 (赵 分管) → 赵's. Reported at 01:00 Beijing on Monday: this round (a UTC date would say Sunday).
    await task('3', { deadline: day('2027-06-30'), deadlineKind: 'date', status: 'in_progress', percent: 30, lastReportedAt: new Date('2026-11-29T17:00:00Z') }, u1.id);
    // 4: 钱 leads; a milestone passed unfinished → red.
    await task('4', { deadline: day('2027-06-30'), deadlineKind: 'date', status: 'in_progress', percent: 30, lastReportedAt: new Date('2026-11-29T15:00:00Z') }, u2.id, qian);
    await p.milestone.create({ data: { taskId: ids['4']!, dueOn: day('2026-10-31'), deadlineText: '10月底前', text: '完成选址' } });
    await p.milestone.create({ data: { taskId: ids['4']!, dueOn: day('2026-09-30'), deadlineText: '9月底前', text: '完成方案', doneAt: new Date('2026-09-20T02:00:00Z') } });
    // 5: done (报完成待核), 赵 leads.
    await task('5', { deadline: day('2026-12-31'), deadlineKind: 'date', status: 'done', percent: 100 }, u2.id, zhao);

    const engine = createCadenceEngine({ prisma: p, calendar, clock, logger: silentLogger, cadenceFile: 'config/cadences.json', templatesFile });
    server = await serveConsole({ prisma: p, clock, calendar, dataDir: dir, cadences: engine, templatesFile });
    base = server.base;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the set query gives every task the light the row-by-row rule gives it (local dates, milestones)', async () => {
    const where = { plan: { archivedAt: null } };
    const set = await lightsWhere(db.prisma, where, clock.now(), calendar, [{ seq: 'asc' }]);
    const rows = await db.prisma.task.findMany({ where, select: LIGHT_SELECT });
    expect(set.lights).toEqual(lightsOf(rows, clock.now(), calendar));
    expect(set.ids).toEqual(['1', '2', '3', '4', '5'].map((n) => ids[n]));
    expect(Object.fromEntries(['1', '2', '3', '4', '5'].map((n) => [n, set.lights.get(ids[n]!)]))).toEqual({ '1': 'red', '2': 'green', '3': 'green', '4': 'red', '5': 'done' });
  });

  it('an admin changes a cadence through the engine: audited as the console account; a bad time is refused in Chinese and changes nothing', async () => {
    const admin = await signIn('王敏');
    const page = await (await admin.get('/schedules')).text();
    expect(page).toContain('周调度提醒');
    expect(page).toContain('action="/schedules/cadence/weekly_reminder"');

    const ok = await admin.post('/schedules/cadence/weekly_reminder', { weekday: '2', time: '08:30', enabled: '1' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('已修改周调度提醒：每周二 08:30，已启用');
    const row = await db.prisma.schedule.findUniqueOrThrow({ where: { key: 'weekly_reminder' } });
    expect(row.spec).toMatchObject({ time: '08:30', rule: { type: 'weekly', weekday: 2 } });
    expect(row.updatedBy).toBe('console:王敏');
    expect(await db.prisma.auditLog.findFirst({ where: { action: 'cadence.update', entityId: 'weekly_reminder', actor: 'console:王敏' } })).not.toBeNull();

    const bad = await admin.post('/schedules/cadence/weekly_reminder', { weekday: '2', time: '25:00', enabled: '0' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('没有修改：管理员修改：调度“weekly_reminder”无效：时间 应为 HH:mm 格式的 24 小时制时间');
    expect((await db.prisma.schedule.findUniqueOrThrow({ where: { key: 'weekly_reminder' } })).enabled).toBe(true);

    const days = await admin.post('/schedules/cadence/consult_agenda', { days: '1,11,32', time: '09:00', enabled: '1' });
    expect(days.status).toBe(400);
    const off = await admin.post('/schedules/cadence/consult_agenda', { days: '5，15', time: '09:00', enabled: '0' });
    expect(await off.text()).toContain('已修改旬会商：每月5、15日 09:00，已停用');
  });

  it('an admin edits a template: live preview by the real renderer, unknown placeholders refused, the engine reads the saved text', async () => {
    const admin = await signIn('王敏');
    const preview = await (await admin.post('/schedules/templates/reminder/preview', { header: '【{title}】{unit}：请于{due}前报送{count}项，{oops}' }, true)).text();
    expect(preview).toContain('【周调度提醒】区商务局：请于12月4日（周五）17:00前报送2项，{oops}');
    expect(preview).toContain('培育夜间经济集聚区'); // the task lines from the current texts
    expect(preview).toContain('“开头”使用了未知占位符 {oops}');

    const refused = await admin.post('/schedules/templates/reminder', { header: '【{title}】{unit} {oops}', task: '第{no}项', footer: '' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('没有保存：“reminder.header”使用了未知占位符 {oops}');
    expect(await loadTemplateOverrides(db.prisma)).toEqual({});

    const file = JSON.parse(fs.readFileSync(templatesFile, 'utf8'));
    const saved = await admin.post('/schedules/templates/reminder', { header: '【{title}】{unit}：请{due}前报送 {count} 项进展。', task: file.reminder.task, footer: file.reminder.footer });
    expect(await saved.text()).toContain('已保存“周调度提醒”模板：开头');
    expect(await loadTemplateOverrides(db.prisma)).toEqual({ reminder: { header: '【{title}】{unit}：请{due}前报送 {count} 项进展。' } });
    expect(templatesLoader(templatesFile)(new Map(), await loadTemplateOverrides(db.prisma)).reminder.header).toBe('【{title}】{unit}：请{due}前报送 {count} 项进展。');
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'template.update' } });
    expect(audit).toMatchObject({ actor: 'console:王敏', before: file.reminder.header, after: '【{title}】{unit}：请{due}前报送 {count} 项进展。' });

    await admin.post('/schedules/templates/reminder', { reset: '1' });
    expect(await loadTemplateOverrides(db.prisma)).toEqual({});
  });

  it('a leader account sees only the tasks the leader leads or oversees, and can write nothing', async () => {
    await expect(findLeaderByName(db.prisma, '孙副区长')).rejects.toThrow('通讯录中没有名为“孙副区长”的领导');
    const leader = await findLeaderByName(db.prisma, '赵副区长');
    const zhaoView = await signIn('赵副区长', { leader });
    expect((await db.prisma.consoleAccount.findUniqueOrThrow({ where: { name: '赵副区长' } })).personId).toBe(zhao);

    const ledger = await (await zhaoView.get('/tasks')).text();
    expect(ledger).toContain('共 3 项');
    for (const n of ['1', '3', '5']) expect(ledger).toContain(`href="/tasks/${ids[n]}"`);
    for (const n of ['2', '4']) expect(ledger).not.toContain(`href="/tasks/${ids[n]}"`);
    expect(ledger).not.toContain('href="/inbox"'); // the office's screens are not in a leader's menu
    expect(await (await zhaoView.get('/tasks?light=red')).text()).toContain('共 1 项');

    expect((await zhaoView.get(`/tasks/${ids['3']}`)).status).toBe(200);
    const other = await zhaoView.get(`/tasks/${ids['2']}`);
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('无权查看');

    const dash = await (await zhaoView.get('/')).text();
    expect(dash).toContain('赵副区长牵头或分管的任务');
    expect(dash).toMatch(/<div class="n">1<\/div><div class="l">[^<]*红灯/);
    expect(dash).not.toContain('发送失败');

    for (const url of ['/schedules', '/audit', '/people', '/inbox']) expect((await zhaoView.get(url)).status).toBe(403);
    // A write with the session's own CSRF token is still refused: the role decides.
    const write = await zhaoView.post('/schedules/cadence/weekly_reminder', { time: '07:00', weekday: '1', enabled: '1' });
    expect(write.status).toBe(403);
    expect((await db.prisma.schedule.findUniqueOrThrow({ where: { key: 'weekly_reminder' } })).spec).not.toMatchObject({ time: '07:00' });

    const xlsx = await zhaoView.get('/tasks.xlsx');
    expect(xlsx.status).toBe(200);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const nos = wb.worksheets[0]!.getColumn(2).values.slice(2);
    expect(nos).toEqual(['1', '3', '5']);
    const first = wb.worksheets[0]!.getRow(2);
    expect([4, 5, 6, 7].map((c) => first.getCell(c).value)).toEqual(['赵副区长', '牵头：区住建局（未启动）', '2026-11-20', '红灯']);

    // An admin sees them all, and can give a leader a read-only link from the people page (audited as the admin).
    const admin = await signIn('王敏');
    const qian = await db.prisma.person.findFirstOrThrow({ where: { name: '钱副区长' } });
    const invited = await (await admin.post(`/people/leaders/${qian.id}/invite`, {})).text();
    const link = /\/login\/([A-Za-z0-9_-]{20,64})/.exec(invited)![1]!;
    expect(await redeemLoginLink(db.prisma, link, clock.now(), 'test')).not.toBeNull();
    expect(await db.prisma.consoleAccount.findUniqueOrThrow({ where: { name: '钱副区长' } })).toMatchObject({ role: 'leader', personId: qian.id });
    expect(await db.prisma.auditLog.findFirst({ where: { action: 'console.invite', actor: 'console:王敏' } })).not.toBeNull();
    // A leader account not tied to anyone sees none.
    expect(await (await admin.get('/tasks')).text()).toContain('共 5 项');
    await db.prisma.consoleAccount.create({ data: { name: '旧只读', role: 'leader' } });
    expect(await (await (await signIn('旧只读')).get('/tasks')).text()).toContain('共 0 项');
  });
});
