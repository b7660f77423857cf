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
// The README's console screenshots are refreshed only when asked (DUBAN_UPDATE_IMAGES=1): an ordinary
// run takes them just the same, into a scratch folder, instead of rewriting files under version control.
const IMAGES = process.env.DUBAN_UPDATE_IMAGES === '1' ? path.resolve('docs/images') : fs.mkdtempSync(path.join(os.tmpdir(), 'duban-console-shots-'));

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
  let botContact: ReturnType<NonNullable<App['chat']['mocker']>['createContact']>;
  let zhou: ReturnType<NonNullable<App['chat']['mocker']>['createContact']>;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-chromium-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-console-e2e-'));

  beforeAll(async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
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
    botContact = bot;
    zhou = mocker.createContact({ id: 'c-zhou', name: '周强' }); // in the group, not in the 通讯录
    room = mocker.createRoom({ id: 'shangwu@chatroom', topic: '区商务局督办群', memberIdList: [bot.id, lina.id, zhou.id] });
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
    if (process.env.DUBAN_UPDATE_IMAGES !== '1') fs.rmSync(IMAGES, { recursive: true, force: true });
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
    // people by name, not chat id
    expect(await page.textContent(`#req-${req.id}`)).toContain('区商务局 李娜');
    expect(await page.textContent(`#req-${req.id}`)).not.toContain('c-lina');
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

  it('records a leader’s paper 批示 from the task page (代录批示): relayed to the unit’s group with its contact @-mentioned, shown in the 留痕', async () => {
    const task = await app.prisma.task.findFirstOrThrow({ where: { no: '1' } });
    await page.goto(`${base}/tasks/${task.id}`);
    // folded away until wanted; the task's own leader (张伟) is the first choice
    await page.click('#proxy-instruction summary');
    await page.fill('#proxy-instruction textarea[name=text]', '请加快推进以旧换新专场活动，本月底前报进展');
    await shot('instruction');
    await page.click('#proxy-instruction button');
    await expect.poll(() => page.textContent('#notice')).toContain('已记录张伟同志的批示');
    expect(await page.textContent('#timeline')).toContain('领导批示张伟 · 管理员（管理后台）代录：请加快推进以旧换新专场活动');
    await app.sender.flushOnce();
    const heard = await until(() => seen.find((m) => m.talker === 'bot' && m.room === 'shangwu@chatroom' && m.text.includes('【领导批示】区商务局')));
    expect(heard.text).toContain('张伟同志');
    expect((await app.prisma.outbox.findFirstOrThrow({ where: { text: { startsWith: '【领导批示】区商务局' } } })).mentions).toEqual(['c-lina']);
  }, 30_000);

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

  it('from the inbox: answers a forwarded question, corrects and confirms unsure reports, dismisses chatter, approves a 转办; the group hears each', async () => {
    const heard = (text: string) => until(() => seen.find((m) => m.talker === 'bot' && m.room === 'shangwu@chatroom' && m.text.includes(text)));
    // a question to the office, a report from someone not in the 通讯录, and a 延期 request: all wait in the inbox
    lina.say('@督办助手 第1项的专场活动可以和区里的消费节合并举办吗？', [botContact]).to(room);
    const question = await until(() => app.prisma.inboundMessage.findFirst({ where: { talkerId: 'c-lina', status: 'needs_admin' } }));
    zhou.say('第1项已举办专场活动3场').to(room);
    const report = await until(() => app.prisma.inboundMessage.findFirst({ where: { talkerId: 'c-zhou', status: 'needs_admin' } }));
    lina.say('申请延期 第1项 2027-03-31 场地改造推迟').to(room);
    await until(() => app.prisma.taskRequest.findFirst({ where: { kind: 'extension', status: 'pending' } }));
    expect(await app.prisma.progressUpdate.count({ where: { inboundMessageId: { in: [question.id, report.id] } } })).toBe(0);
    await app.sender.flushOnce();
    // the office's notice shows the 编号 the chat command answers by
    const notice = await until(() => app.prisma.outbox.findFirst({ where: { text: { startsWith: `【单位提问】（编号 ${question.id}）` } } }));
    expect(notice.text).toContain(`答复 ${question.id}`);

    await page.goto(`${base}/inbox`);
    await expect.poll(() => page.textContent(`#reply-${question.id}`)).toContain('单位提问');
    expect(await page.textContent(`#reply-${question.id}`)).toContain('李娜（区商务局）');
    expect(await page.textContent(`#reply-${question.id}`)).toContain('区商务局督办群');
    expect(await page.textContent(`#reply-${report.id}`)).toContain('周强（未登记）');
    expect(await page.textContent(`#reply-${report.id}`)).toContain('机器人的理解：《');
    await shot('inbox');

    await page.fill(`#reply-${question.id} input[name=answer]`, '可以合并，请在活动方案中写明');
    await page.click(`#reply-${question.id} button:has-text("答复")`);
    await expect.poll(() => page.textContent('#notice')).toContain('已将答复转告李娜');
    expect(await page.locator(`#reply-${question.id}`).count()).toBe(0);
    await app.sender.flushOnce();
    expect((await heard('督办室答复：可以合并')).text).toContain('第1项的专场活动');

    // a forged form naming another unit's task is refused: only the parts the form offered
    const csrf = (JSON.parse((await page.getAttribute('body', 'hx-headers'))!) as Record<string, string>)['x-csrf-token']!;
    const other = await app.prisma.assignment.findFirstOrThrow({ where: { task: { no: '3' } } });
    const forged = await page.request.post(`${base}/inbox/reply/${report.id}/record`, { headers: { 'x-csrf-token': csrf, 'hx-request': 'true' }, form: { work: String(other.id), percent: '90' } });
    expect(forged.status()).toBe(400);
    expect(await forged.text()).toContain('所选任务不属于发送人所在单位');
    expect((await app.prisma.inboundMessage.findUniqueOrThrow({ where: { id: report.id } })).status).toBe('needs_admin');
    await page.click(`#reply-${report.id} summary:has-text("更正")`);
    await page.fill(`#reply-${report.id} input[name=percent]`, '30');
    await page.selectOption(`#reply-${report.id} select[name=status]`, 'lagging');
    await page.fill(`#reply-${report.id} input[name=problems]`, '场地尚未落实');
    await page.click(`#reply-${report.id} button:has-text("按更正记录")`);
    await expect.poll(() => page.textContent('#notice')).toContain(`已更正编号 ${report.id} 的消息`);
    const task = await app.prisma.task.findFirstOrThrow({ where: { no: '1' } });
    expect(await app.prisma.progressUpdate.findFirstOrThrow({ where: { inboundMessageId: report.id } })).toMatchObject({ kind: 'correction', taskId: task.id, percent: 30, status: 'lagging', problems: '场地尚未落实' });
    expect(await app.prisma.inboundMessage.findUniqueOrThrow({ where: { id: report.id } })).toMatchObject({ status: 'interpreted', handledBy: 'console:管理员' });
    await app.sender.flushOnce();
    const told = await heard('督办室已更正并记录');
    expect(told.text).toContain('进度30%；滞后；问题：场地尚未落实');
    expect(await app.prisma.auditLog.count({ where: { action: { in: ['reply.answer', 'reply.correct'] }, actor: 'console:管理员' } })).toBe(2);
    // another one confirmed as the bot read it, and chatter said to the bot dismissed with a reason
    zhou.say('第1项已累计举办专场活动4场，完成40%').to(room);
    const second = await until(() => app.prisma.inboundMessage.findFirst({ where: { talkerId: 'c-zhou', status: 'needs_admin' } }));
    lina.say('@督办助手 哈哈好的', [botContact]).to(room);
    const chatter = await until(() => app.prisma.inboundMessage.findFirst({ where: { talkerId: 'c-lina', status: 'needs_admin' } }));
    await page.goto(`${base}/inbox`);
    await page.click(`#reply-${second.id} button:has-text("确认")`);
    await expect.poll(() => page.textContent('#notice')).toContain(`已确认编号 ${second.id} 的消息`);
    await page.fill(`#reply-${chatter.id} input[name=reason]`, '闲聊，无需处理');
    await page.click(`#reply-${chatter.id} button:has-text("不予处理")`);
    await expect.poll(() => page.textContent('#notice')).toContain('已标记为不予处理');
    expect(await page.locator('[id^=reply-]').count()).toBe(0);
    expect(await app.prisma.inboundMessage.findUniqueOrThrow({ where: { id: chatter.id } })).toMatchObject({ status: 'interpreted', handling: '不予处理：闲聊，无需处理' });
    expect(await app.prisma.progressUpdate.findFirstOrThrow({ where: { inboundMessageId: second.id } })).toMatchObject({ kind: 'report', taskId: task.id });
    await app.sender.flushOnce();
    await heard('督办室已确认并记录');

    // a file a unit sent can be opened by the admin; a row pointing outside the evidence folder cannot
    const evidence = path.join(dataDir, 'evidence');
    fs.mkdirSync(evidence, { recursive: true });
    fs.writeFileSync(path.join(evidence, 'f-9-第1项进展.docx'), '进展材料');
    const mk = (messageId: string, attachment: string) => app.prisma.inboundMessage.create({ data: { messageId, talkerId: 'c-lina', text: '', type: 'file', sentAt: clock.now(), status: 'interpreted', attachment } });
    const [good, evil] = [await mk('f-9', path.join(evidence, 'f-9-第1项进展.docx')), await mk('f-10', path.join(evidence, '..', 'secret.txt'))];
    fs.writeFileSync(path.join(dataDir, 'secret.txt'), '不在佐证目录');
    const file = await page.request.get(`${base}/inbox/file/${good.id}`);
    expect(file.status()).toBe(200);
    expect(await file.text()).toBe('进展材料');
    expect(file.headers()['content-disposition']).toContain(encodeURIComponent('第1项进展.docx'));
    expect((await page.request.get(`${base}/inbox/file/${evil.id}`)).status()).toBe(404);

    // a unit's 转办 request, approved in the inbox: the same 转办 as the chat's, both groups told
    lina.say('申请转办 第1项 区发展和改革委员会 以旧换新补贴由发改委统筹').to(room);
    const transfer = await until(() => app.prisma.taskRequest.findFirst({ where: { kind: 'transfer', status: 'pending' } }));
    await page.goto(`${base}/inbox`);
    await expect.poll(() => page.textContent(`#req-${transfer.id}`)).toContain('申请转由 区发展和改革委员会 办理');
    await page.click(`#req-${transfer.id} button:has-text("通过")`);
    await expect.poll(() => page.textContent('#notice')).toContain('转办至区发展和改革委员会');
    expect(await app.prisma.taskRequest.findUniqueOrThrow({ where: { id: transfer.id } })).toMatchObject({ status: 'approved', decidedBy: 'console:管理员' });
    await app.sender.flushOnce();
    await heard('督办室已同意');
    // the task's 留痕 shows the original reply and the office's decision
    await page.goto(`${base}/tasks/${task.id}`);
    await expect.poll(() => page.textContent('#timeline')).toContain('督办室核定');
    expect(await page.textContent('#timeline')).toContain('第1项已举办专场活动3场');
    // by name, not chat id: the stranger as the channel named him, the admin by account
    expect(await page.textContent('#timeline')).toContain('周强（未登记） 在“区商务局督办群”');
    expect(await page.textContent('#timeline')).toContain('管理员（管理后台） 更正：');
    expect(await page.textContent('#timeline')).not.toContain('c-zhou');
  }, 60_000);

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
