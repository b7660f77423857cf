import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeaderByName } from '../../src/console/console-auth.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { serveConsole } from '../helpers/console-server.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

/**
 * 代录批示 from a task's page in the console, over HTTP against a real database: the chat command's
 * own code records it (source proxy, by the console account), audits it and relays it to the units'
 * groups with their contacts @-mentioned; the page shows it in the 留痕. Refusals are in Chinese.
 */
describe.each(DB_KINDS)('console 代录批示 on %s', (kind) => {
  let db: Database;
  let server: Awaited<ReturnType<typeof serveConsole>>;
  let base: string;
  const clock = new ManualClock('2026-11-30T02:00:00Z'); // a Monday, 10:00 in Beijing
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `duban-console-instr-${kind}-`));
  let taskId: number;
  let zhao: number;
  const unit: Record<string, number> = {};

  async function signIn(name: string, opts: { leader?: { id: number } } = {}) {
    const { cookie, csrf } = await server.signIn(name, opts);
    return {
      get: (url: string) => fetch(`${base}${url}`, { headers: { cookie }, redirect: 'manual' }),
      post: (url: string, form: Record<string, string | string[]>) => {
        const body = new URLSearchParams();
        for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
        return fetch(`${base}${url}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `${body.toString()}&_csrf=${csrf}` });
      },
    };
  }
  const instructions = () => db.prisma.instruction.findMany({ include: { targets: { orderBy: { unitId: 'asc' } } }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const p = db.prisma;
    const plan = await p.plan.create({ data: { sourceDocument: 'p.docx', title: '促消费工作方案', shortName: '促消费' } });
    for (const name of ['区商务局', '区住建局', '区财政局']) unit[name] = (await p.unit.create({ data: { name, kind: 'department' } })).id;
    // 区商务局 has its group (its contact @-mentioned there); 区住建局 only a contact (told privately); 区财政局 neither.
    await p.person.create({ data: { name: '李娜', kind: 'contact', unitId: unit['区商务局']!, chatId: 'c-lina' } });
    await p.person.create({ data: { name: '王工', kind: 'contact', unitId: unit['区住建局']!, chatId: 'c-wanggong' } });
    const group = await p.chatGroup.create({ data: { topic: '区商务局督办群', roomId: 'shangwu@chatroom' } });
    await p.groupUnit.create({ data: { groupId: group.id, unitId: unit['区商务局']! } });
    zhao = (await p.person.create({ data: { name: '赵副区长', kind: 'leader', title: '区政府副区长', chatId: 'c-zhao' } })).id;
    await p.person.create({ data: { name: '钱副区长', kind: 'leader', chatId: 'c-qian' } });
    const t = await p.task.create({ data: { planId: plan.id, no: '1', seq: 1, title: '夜间经济', text: '培育夜间经济集聚区', status: 'in_progress' } });
    taskId = t.id;
    await p.assignment.create({ data: { taskId, unitId: unit['区商务局']!, role: 'lead', state: 'in_progress' } });
    await p.assignment.create({ data: { taskId, unitId: unit['区住建局']!, role: 'responsible', state: 'in_progress' } });
    await p.assignment.create({ data: { taskId, unitId: unit['区财政局']!, role: 'participating', state: 'in_progress' } });
    await p.taskLeader.create({ data: { taskId, personId: zhao } });
    server = await serveConsole({ prisma: p, clock, dataDir: dir });
    base = server.base;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records, audits and relays a 代录批示 through the chat command’s code; the 留痕 shows it; a double submit records it once', async () => {
    const admin = await signIn('王敏');
    const page = await (await admin.get(`/tasks/${taskId}`)).text();
    expect(page).toContain(`action="/tasks/${taskId}/instruction"`);
    expect(page).toMatch(new RegExp(`<optgroup label="本任务牵头领导"><option value="${zhao}" ?>赵副区长（区政府副区长）</option></optgroup>`));
    expect(page).toContain('<optgroup label="其他领导">');
    const formKey = /name="formKey" value="([0-9a-f-]{36})"/.exec(page)![1]!;

    const form = { leader: String(zhao), text: '请加快推进，确保年底前建成', dueOn: '2026-12-04', formKey };
    const res = await admin.post(`/tasks/${taskId}/instruction`, form);
    expect(res.status).toBe(200);
    const shown = await res.text();
    expect(shown).toContain('已记录赵副区长同志的批示（11月30日），并转达：');
    expect(shown).toContain('区商务局、区住建局');
    expect(shown).toMatch(/<span class="tag req">领导批示<\/span><div><div><b>赵副区长<\/b> <span class="muted">· 王敏（管理后台）代录<\/span>：请加快推进，确保年底前建成（2026-12-04前反馈）/);

    const [row] = await instructions();
    expect(row).toMatchObject({ leaderId: zhao, leaderName: '赵副区长', text: '请加快推进，确保年底前建成', source: 'proxy', recordedBy: 'console:王敏', dueOn: new Date('2026-12-04T00:00:00Z') });
    // as the chat decides for a 批示 naming no unit: the lead and responsible units, not the participating one
    expect(row!.targets.map((t) => [t.taskId, t.unitId, t.added])).toEqual([[taskId, unit['区商务局'], false], [taskId, unit['区住建局'], false]]);
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'instruction.record_on_behalf', entityId: String(row!.id) } });
    expect(audit).toMatchObject({ actor: 'console:王敏', entity: 'Instruction', after: { leader: '赵副区长', leaderId: zhao, dueOn: '2026-12-04' } });

    const relays = await db.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
    const group = relays.find((o) => o.targetRef === 'shangwu@chatroom')!;
    expect(group).toMatchObject({ targetKind: 'group', mentions: ['c-lina'] });
    expect(group.text).toMatch(/^【领导批示】区商务局：\n区政府副区长赵副区长同志11月30日批示：“请加快推进，确保年底前建成”\n· 《促消费》第1项/);
    expect(group.text).toContain('请于12月4日（周五）前在本群报送落实情况');
    expect(relays.find((o) => o.targetRef === 'c-wanggong')).toMatchObject({ targetKind: 'person' });
    // the answer meant for the admin is on the page, never sent to a chat id "console:…"
    expect(relays.map((o) => o.targetRef)).toEqual(['shangwu@chatroom', 'c-wanggong']);
    // kept as the console action it was, finished
    expect(await db.prisma.inboundMessage.findFirstOrThrow({ where: { id: row!.inboundMessageId! } })).toMatchObject({ channel: 'console', talkerId: 'console:王敏', status: 'interpreted', messageId: `console:王敏:${formKey}` });

    // the same form sent again (a reload of the result), and twice at once: nothing more recorded or sent
    const again = await admin.post(`/tasks/${taskId}/instruction`, form);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('已记录赵副区长同志的批示');
    const twice = { ...form, text: '请区财政局配合做好资金保障', formKey: crypto.randomUUID() };
    await Promise.all([admin.post(`/tasks/${taskId}/instruction`, twice), admin.post(`/tasks/${taskId}/instruction`, twice)]);
    expect((await instructions()).map((i) => i.text)).toEqual(['请加快推进，确保年底前建成', '请区财政局配合做好资金保障']);
    expect(await db.prisma.auditLog.count({ where: { action: 'instruction.record_on_behalf' } })).toBe(2);

    // Another admin replaying the first form's key is another message (no unique-key error page): recorded as theirs.
    const other = await signIn('李强');
    const replay = await other.post(`/tasks/${taskId}/instruction`, { ...form, text: '请区商务局本周内报送进展' });
    expect(replay.status).toBe(200);
    expect(await replay.text()).toContain('已记录赵副区长同志的批示');
    expect((await instructions()).at(-1)).toMatchObject({ text: '请区商务局本周内报送进展', recordedBy: 'console:李强' });
  });

  it('relays to the units chosen on the form only, and says which could not be reached', async () => {
    const admin = await signIn('王敏');
    const before = (await instructions()).length;
    const res = await admin.post(`/tasks/${taskId}/instruction`, { leader: String(zhao), text: '请做好资金保障', unit: [String(unit['区财政局'])], formKey: crypto.randomUUID() });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('区财政局未绑定单位群且联络员未登记账号，批示未能送达');
    const rows = await instructions();
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)!.targets.map((t) => t.unitId)).toEqual([unit['区财政局']]);
  });

  it('refuses in Chinese an empty text, an unknown leader and a past date; a leader’s account is refused even with its CSRF token', async () => {
    const admin = await signIn('王敏');
    const before = await db.prisma.instruction.count();
    const empty = await admin.post(`/tasks/${taskId}/instruction`, { leader: String(zhao), text: '  ', formKey: crypto.randomUUID() });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/<div class="notice err" id="notice">批示内容为空，批示未记录。<\/div>/);
    const nobody = await admin.post(`/tasks/${taskId}/instruction`, { leader: '99999', text: '请加快推进', formKey: crypto.randomUUID() });
    expect(nobody.status).toBe(400);
    const refusedPage = await nobody.text();
    expect(refusedPage).toContain('通讯录和方案中没有所选的领导，批示未记录。');
    // the form is shown again, open, with what was typed
    expect(refusedPage).toContain('<details class="item" id="proxy-instruction" style="margin-top:12px" open>');
    expect(refusedPage).toMatch(/<textarea name="text"[^>]*>请加快推进<\/textarea>/);
    const past = await admin.post(`/tasks/${taskId}/instruction`, { leader: String(zhao), text: '请加快推进', dueOn: '2026-11-01', formKey: crypto.randomUUID() });
    expect(past.status).toBe(400);
    expect(await past.text()).toContain('反馈时限“2026-11-01”无效');

    const leader = await signIn('赵副区长', { leader: await findLeaderByName(db.prisma, '赵副区长') });
    expect(await (await leader.get(`/tasks/${taskId}`)).text()).not.toContain('代录批示');
    const refused = await leader.post(`/tasks/${taskId}/instruction`, { leader: String(zhao), text: '请加快推进', formKey: crypto.randomUUID() });
    expect(refused.status).toBe(403);
    expect(await db.prisma.instruction.count()).toBe(before);
  });
});
