import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { createCadenceEngine } from '../../src/engine/create-cadence-engine.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { parseTemplates, templatesFor } from '../../src/messages/load-templates.ts';
import { splitMessage, WECHAT_LIMIT } from '../../src/messages/split-message.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { openTestDatabase } from '../helpers/databases.ts';
import { fixedReports, loadFixture } from './fixture.ts';
import { CADENCE_FILE, TEMPLATES_FILE } from './run-fixture-month.ts';

describe('splitting long messages for WeChat', () => {
  it('keeps blocks whole, stays under the limit, and mentions only the people of each part', () => {
    const blocks = Array.from({ length: 30 }, (_, i) => ({ text: `单位${i}\n${'任务说明'.repeat(40)}`, mentions: [`wx-${i}`] }));
    const parts = splitMessage(blocks);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(WECHAT_LIMIT);
    expect(parts[1]!.text.startsWith(`（续2/${parts.length}）\n单位`)).toBe(true);
    expect(parts.flatMap((p) => p.mentions)).toEqual(blocks.map((b) => b.mentions[0]));
    for (const p of parts) for (const m of p.mentions) expect(p.text).toContain(`单位${m.slice(3)}\n`);
  });

  it('cuts a single over-long block at line breaks, and a giant line hard', () => {
    const parts = splitMessage([{ text: Array.from({ length: 200 }, (_, i) => `第${i}项 ${'内容'.repeat(10)}`).join('\n'), mentions: ['wx-a'] }, { text: '甲'.repeat(5000) }]);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(WECHAT_LIMIT);
    expect(parts[0]!.mentions).toEqual(['wx-a']);
    expect(parts.slice(1).every((p) => p.mentions.length === 0)).toBe(true);
    expect(parts.map((p) => p.text.replace(/^（续\d+\/\d+）\n/, '')).join('\n')).toContain('第199项');
  });
});

describe('templates', () => {
  it('refuses a missing field or an unknown placeholder, saying which and what is allowed', () => {
    const t = JSON.parse(fs.readFileSync(TEMPLATES_FILE, 'utf8'));
    delete t.countdown.task;
    expect(() => parseTemplates(JSON.stringify(t), 'x.json')).toThrow('消息模板文件 x.json：“countdown”缺少字段“task”');
    const u = JSON.parse(fs.readFileSync(TEMPLATES_FILE, 'utf8'));
    u.reminder.header = '{unit} {deadline}';
    expect(() => parseTemplates(JSON.stringify(u), 'x.json')).toThrow('“reminder.header”使用了未知占位符 {deadline}');
    expect(() => parseTemplates('{', 'x.json')).toThrow('不是合法的 JSON');
  });
});

describe('per-cadence template overrides', () => {
  it('lets one cadence reword a field while the others keep the job default, checked like the rest', () => {
    const t = JSON.parse(fs.readFileSync(TEMPLATES_FILE, 'utf8'));
    t.special_reminder = { header: '【专项调度】{unit}：{count} 项，{due} 前报送' };
    const parsed = parseTemplates(JSON.stringify(t), 'x.json', new Map([['special_reminder', 'reminder'], ['weekly_reminder', 'reminder']]));
    expect(templatesFor(parsed, 'reminder', 'special_reminder').header).toBe('【专项调度】{unit}：{count} 项，{due} 前报送');
    expect(templatesFor(parsed, 'reminder', 'special_reminder').footer).toBe(t.reminder.footer);
    expect(templatesFor(parsed, 'reminder', 'weekly_reminder').header).toBe(t.reminder.header);
    t.special_reminder.header = '{leader}';
    expect(() => parseTemplates(JSON.stringify(t), 'x.json', new Map([['special_reminder', 'reminder']]))).toThrow('“special_reminder.header”使用了未知占位符 {leader}');
  });
});

describe('a unit with many open tasks', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
  });
  afterAll(() => db?.close());

  it('gets its reminder in parts within the limit, each with a stable key, @-mentions on the first', async () => {
    const { units } = await loadFixture(db.prisma);
    const plan = await db.prisma.plan.create({ data: { sourceDocument: 'big.docx', title: '大方案', mechanisms: [] } });
    for (let i = 1; i <= 80; i++) {
      const t = await db.prisma.task.create({ data: { planId: plan.id, no: `${i}`, seq: i, title: `第${i}项重点工作：推进某某重大项目建设并按期完成阶段目标`, text: '…', deadline: new Date('2026-12-31T00:00:00Z'), deadlineKind: 'date' } });
      await db.prisma.taskUnit.create({ data: { taskId: t.id, unitId: units.swj.id, role: 'lead', rawName: '区商务局' } });
      await db.prisma.assignment.create({ data: { taskId: t.id, unitId: units.swj.id, role: 'lead' } });
    }
    const clock = new ManualClock('2026-05-11T00:00:00+08:00');
    const engine = createCadenceEngine({ prisma: db.prisma, calendar: createCalendar(), clock, logger: silentLogger, cadenceFile: CADENCE_FILE, templatesFile: TEMPLATES_FILE, reports: fixedReports });
    await engine.listCadences();
    clock.set(atLocal('2026-05-11', '09:00'));
    await engine.runSlot('weekly_reminder', atLocal('2026-05-11', '09:00'));
    const rows = await db.prisma.outbox.findMany({ where: { targetRef: 'room-swj' }, orderBy: { id: 'asc' } });
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.map((r) => r.idempotencyKey)).toEqual(rows.map((_, i) => `weekly_reminder:2026-05-11T01:00Z:g${rows[0]!.idempotencyKey.match(/:g(\d+)-/)![1]}-u${units.swj.id}#p${i + 1}`));
    for (const r of rows) expect(r.text.length).toBeLessThanOrEqual(2000);
    expect(rows[0]!.mentions).toEqual(['wx-zhangsan']);
    expect(rows.at(-1)!.text).toContain('回复格式');
    expect(rows.map((r) => r.text).join('\n')).toContain('第80项');
  });
});
