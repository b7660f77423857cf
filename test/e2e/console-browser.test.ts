import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { findLeaderByName, firstAdminLink, issueLoginLink } from '../../src/console/console-auth.ts';
import { savePeople } from '../../src/import/save-people.ts';
import { syncUnitDirectory } from '../../src/import/sync-unit-directory.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { createPgDatabase } from '../helpers/databases.ts';
import { recordInstruction } from '../../src/store/instructions.ts';

const until = <T>(fn: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeout = 10_000) =>
  vi.waitFor(
    async () => {
      const v = await fn();
      if (!v) throw new Error('not yet');
      return v;
    },
    { timeout, interval: 50 },
  );

/** A port nobody listens on now (0 would turn the HTTP server off). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

const PLAN = path.resolve('test/fixtures/console/促消费工作方案.txt');
const IMAGES = path.resolve('docs/images');

/**
 * The console end to end in a real headless Chromium against the real app (Postgres, Wechaty mock
 * puppet, outbox sender): one-time link → plan upload preview → commit → 台账 → task 留痕 → a 销号
 * request from the group approved in the inbox, the confirmation reaching the group → the audit entry.
 */
describe('web console in a real browser', () => {
  let app: App;
  let drop: () => Promise<void>;
  let browser: BrowserContext;
  let page: Page;
  let base: string;
  const clock = new ManualClock('2026-05-12T02:00:00Z');
  const seen: { room?: string; talker: string; text: string }[] = [];
  let mocker: NonNullable<App['chat']['mocker']>;
  let lina: ReturnType<NonNullable<App['chat']['mocker']>['createContact']>;
  let room: ReturnType<NonNullable<App['chat']['mocker']>['createRoom']>;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-chromium-'));

  beforeAll(async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-console-e2e-'));
    const config = loadConfig({ env: {}, overrides: { databaseUrl: pg.url, dataDir, httpPort: await freePort(), sendPerMinute: 0, sendJitterMs: 0, logLevel: 'silent' } });
    app = await createApp(config, { clock, logger: silentLogger });
    await syncUnitDirectory(app.prisma, loadUnitDirectory(config.unitsFile));
    await savePeople(app.prisma, [
      { where: '第2行', unit: '区商务局', name: '李娜', role: '联络员', account: 'c-lina', phone: null, group: '区商务局督办群' },
      { where: '第3行', unit: null, name: '王敏', role: '管理员', account: 'c-wang', phone: null, group: '督办室群' },
    ], 'test');
    await app.prisma.chatGroup.update({ where: { topic: '区商务局督办群' }, data: { roomId: 'shangwu@chatroom' } });
    await app.start();
    mocker = app.chat.mocker!;
    const bot = mocker.createContact({ id: 'bot', name: '督办助手' });
    lina = mocker.createContact({ id: 'c-lina', name: '李娜' });
    room = mocker.createRoom({ id: 'shangwu@chatroom', topic: '区商务局督办群', memberIdList: [bot.id, lina.id] });
    mocker.puppet.on('message', ({ messageId }) => {
      const m = mocker.messagePayload(messageId);
      seen.push({ ...(m.roomId ? { room: m.roomId } : {}), talker: m.talkerId, text: m.text ?? '' });
    });
    mocker.login(bot);
    await until(() => app.chat.status() === 'logged_in');
    base = app.consoleUrl!;
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
      viewport: { width: 1360, height: 860 },
      locale: 'zh-CN',
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await drop?.();
    fs.rmSync(profile, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: path.join(IMAGES, `console-${name}.png`), fullPage: false });

  it('refuses pages without a session and a link used twice; the one-time link signs in', async () => {
    const anon = await fetch(`${base}/tasks`, { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/login');
    const token = (await firstAdminLink(app.prisma, clock.now()))!;
    await page.goto(`${base}/login/${token}`);
    await expect.poll(() => page.textContent('main')).toContain('请先设置密码');
    // the link is spent: a second use is refused
    const again = await fetch(`${base}/login/${token}`, { redirect: 'manual' });
    expect(again.status).toBe(403);
    // a write without the session's CSRF token is refused, even with the session cookie
    const cookie = (await browser.cookies()).find((c) => c.name === 'duban_session')!;
    const forged = await fetch(`${base}/inbox/access/1/approve`, { method: 'POST', headers: { cookie: `duban_session=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'unit=1' });
    expect(forged.status).toBe(403);
    await page.fill('input[name=password]', 'duban-2026!');
    await page.fill('input[name=password2]', 'duban-2026!');
    await page.click('form[action="/account"] button');
    await expect.poll(() => page.textContent('main')).toContain('密码已设置');
    expect((await app.prisma.consoleAccount.findFirstOrThrow()).passwordHash).toMatch(/^scrypt\$/);
  }, 60_000);

  it('imports a plan through the upload preview, then finds a task in the 台账', async () => {
    await page.goto(`${base}/plans/import`);
    await page.setInputFiles('input[type=file]', PLAN);
    await page.click('form[action="/plans/import"] button');
    await expect.poll(() => page.textContent('#summary')).toContain('任务　　  3');
    expect(await app.prisma.task.count()).toBe(0); // the preview writes nothing
    await shot('plan-preview');
    await page.click('form[action="/plans/import/commit"] button');
    await expect.poll(() => page.textContent('main')).toContain('已导入');
    expect(await app.prisma.task.count()).toBe(3);
    expect(await app.prisma.auditLog.count({ where: { actor: 'console:管理员', action: { startsWith: 'plan' } } })).toBeGreaterThan(0);

    await page.goto(`${base}/tasks`);
    await page.fill('input[name=q]', '夜间经济');
    await page.press('input[name=q]', 'Enter');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await expect.poll(() => page.textContent('tbody')).toContain('培育夜间经济集聚区');
    await page.goto(`${base}/tasks`);
    await shot('ledger');
    await page.goto(`${base}/tasks?q=夜间经济`);
    await page.click('tbody a');
    await expect.poll(() => page.textContent('h1')).toContain('第2项');
    await expect.poll(() => page.textContent('main')).toContain('各单位承担情况');
  }, 60_000);

  it('approves a 销号 request from the inbox; the group hears it as from 复核, and the audit log shows who', async () => {
    const task = await app.prisma.task.findFirstOrThrow({ where: { no: '2' } });
    lina.say('申请销号 第2项 特色街区已挂牌').to(room);
    const req = await until(() => app.prisma.taskRequest.findFirst({ where: { taskId: task.id, status: 'pending' } }));
    await page.goto(`${base}/inbox`);
    await expect.poll(() => page.textContent(`#req-${req.id}`)).toContain('销号申请');
    await shot('inbox');
    await page.click(`#req-${req.id} button:has-text("通过")`);
    await expect.poll(() => page.textContent('#notice')).toContain('已通过');
    expect(await app.prisma.taskRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({ status: 'approved', decidedBy: 'console:管理员' });
    // the unit's group hears exactly what the chat command 复核 tells it
    await app.sender.flushOnce();
    const heard = await until(() => seen.find((m) => m.talker === 'bot' && m.room === 'shangwu@chatroom' && m.text.includes('督办室已通过')));
    expect(heard.text).toContain('第2项');
    expect(heard.text).toContain('销号');

    await page.goto(`${base}/audit?action=request.`);
    await expect.poll(() => page.textContent('#audit')).toContain('request.approve');
    expect(await page.textContent('#audit')).toContain('console:管理员');
    await shot('audit');

    // a leader's 批示 on the task (recorded as the chat or an admin's 代录 would) shows in its 留痕
    const leader = await app.prisma.person.create({ data: { name: '赵副区长', kind: 'leader', chatId: 'c-zhao' } });
    const part = await app.prisma.assignment.findFirstOrThrow({ where: { taskId: task.id } });
    await recordInstruction(app.prisma, {
      leaderId: leader.id, leaderName: leader.name, issuedAt: clock.now(), text: '请加快推进第2项，周五前报进展', dueOn: '2026-05-15',
      source: 'proxy', recordedBy: 'console:管理员', inboundMessageId: null, targets: [{ taskId: task.id, unitId: part.unitId, added: false }], outbox: [],
    });
    await page.goto(`${base}/tasks/${task.id}`);
    await expect.poll(() => page.textContent('#timeline')).toContain('决定');
    expect(await page.textContent('#timeline')).toContain('领导批示');
    expect(await page.textContent('#timeline')).toContain('请加快推进第2项');
    expect(await page.textContent('#timeline')).toContain('申请销号 第2项 特色街区已挂牌');
    await shot('task');
    for (const [name, url] of [['dashboard', '/'], ['people', '/people'], ['channel', '/channel']] as const) {
      await page.goto(`${base}${url}`);
      await shot(name);
    }
    expect(await page.textContent('main')).toContain('已登录');
  }, 60_000);

  it('edits a cadence and a message template (live preview) as the chat command would', async () => {
    await page.goto(`${base}/schedules`);
    const row = page.locator('#cadence-weekly_reminder');
    await row.locator('select[name=weekday]').selectOption('2');
    await row.locator('input[name=time]').fill('08:30');
    await row.locator('button').click();
    await expect.poll(() => page.textContent('#notice')).toContain('已修改周调度提醒：每周二 08:30');
    expect((await app.engine.listCadences()).find((c) => c.key === 'weekly_reminder')).toMatchObject({ time: '08:30', rule: { weekday: 2 }, updatedBy: 'console:管理员' });
    // typing in a template shows the message as a unit would read it, and names an unknown placeholder
    await page.fill('#tpl-reminder textarea[name=header]', '【{title}】{unit}：请于{due}前报送 {count} 项{dept}');
    await expect.poll(() => page.textContent('#preview-reminder')).toContain('【周调度提醒】区商务局：请于12月4日（周五）17:00前报送 2 项{dept}');
    expect(await page.textContent('#preview-reminder')).toContain('使用了未知占位符 {dept}');
    await shot('schedules');
  }, 30_000);

  it('a leader\'s account (duban admin invite … --leader) sees only that leader\'s tasks and cannot write', async () => {
    const leader = await findLeaderByName(app.prisma, '李强');
    const token = await issueLoginLink(app.prisma, '李强', { now: clock.now(), actor: 'cli', leader });
    await page.click('header form[action="/logout"] button');
    await page.goto(`${base}/login/${token}`);
    await page.goto(`${base}/tasks`);
    await expect.poll(() => page.textContent('.pager')).toContain('共 1 项');
    expect(await page.textContent('tbody')).toContain('推行惠企政策免申即享');
    expect(await page.locator('header nav a').count()).toBe(2);
    await shot('leader');
    const other = await app.prisma.task.findFirstOrThrow({ where: { no: '2' } });
    await page.goto(`${base}/tasks/${other.id}`);
    await expect.poll(() => page.textContent('main')).toContain('无权查看');
    // a write with this session's own CSRF token is refused all the same
    const cookie = (await browser.cookies()).find((c) => c.name === 'duban_session')!;
    const session = await app.prisma.consoleToken.findFirstOrThrow({ where: { kind: 'session', account: { name: '李强' } } });
    const post = await fetch(`${base}/inbox/access/1/approve`, { method: 'POST', headers: { cookie: `duban_session=${cookie.value}`, 'x-csrf-token': session.csrf!, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(post.status).toBe(403);
  }, 30_000);
});
