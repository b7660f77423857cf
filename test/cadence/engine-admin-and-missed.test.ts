import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { atLocal, toLocalDate, toLocalTime } from '../../src/domain/calendar/shanghai-time.ts';
import { createCadenceEngine, type CadenceEngine } from '../../src/engine/create-cadence-engine.ts';
import { InputError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';
import { fixedReports, loadFixture } from './fixture.ts';
import { CADENCE_FILE, TEMPLATES_FILE } from './run-fixture-month.ts';

describe.each(DB_KINDS)('cadence engine on %s', (kind) => {
  let db: Database;
  let clock: ManualClock;
  let engine: CadenceEngine;
  let fixture: Awaited<ReturnType<typeof loadFixture>>;
  let templatesFile: string;

  const make = () =>
    createCadenceEngine({ prisma: db.prisma, calendar: createCalendar(), clock, logger: silentLogger, cadenceFile: CADENCE_FILE, templatesFile, reports: fixedReports, missedGraceMinutes: 120 });
  const runDue = async (at: string) => {
    clock.set(new Date(at));
    const { due, missed } = await engine.tick();
    for (const s of due) await engine.runSlot(s.cadenceKey, s.slotAt);
    return { due: due.map((s) => `${s.cadenceKey}@${toLocalTime(s.slotAt)}`), missed };
  };

  beforeEach(async () => {
    db = await openTestDatabase(kind);
    fixture = await loadFixture(db.prisma);
    templatesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duban-tpl-')), 'templates.json');
    fs.copyFileSync(TEMPLATES_FILE, templatesFile);
    clock = new ManualClock('2026-05-11T00:00:00+08:00');
    engine = make();
  });
  afterEach(() => db?.close());

  it('applies an admin change at the next slot, without a restart, and audits it', async () => {
    await engine.listCadences(); // seeds from the file at 5/11 00:00
    clock.set('2026-05-11T07:00:00+08:00');
    await engine.setCadence('weekly_reminder', { time: '08:30' }, 'wx-admin');
    await engine.setCadence('consult_agenda', { enabled: false }, 'wx-admin');
    expect((await runDue('2026-05-11T08:30:00+08:00')).due).toEqual(['weekly_reminder@08:30']);
    expect((await runDue('2026-05-11T09:00:00+08:00')).due).toEqual([]); // no 09:00 reminder, no 旬会商
    const rows = await db.prisma.outbox.findMany({ where: { cadence: 'weekly_reminder' } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => toLocalTime(r.slotAt!) === '08:30')).toBe(true);
    const audit = await db.prisma.auditLog.findMany({ where: { entity: 'Schedule' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => `${a.actor} ${a.action} ${a.entityId}`)).toEqual(['wx-admin cadence.update weekly_reminder', 'wx-admin cadence.update consult_agenda']);
    const listed = await engine.listCadences();
    expect(listed.find((c) => c.key === 'weekly_reminder')).toMatchObject({ time: '08:30', updatedBy: 'wx-admin' });
    expect(toLocalDate(listed.find((c) => c.key === 'weekly_reminder')!.next!)).toBe('2026-05-18');
  });

  it('refuses a bad cadence with a clear message and keeps the old one', async () => {
    const refuse = async (patch: object) => {
      try {
        await engine.setCadence('weekly_reminder', patch, 'wx-admin');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as InputError).message;
      }
      throw new Error('accepted');
    };
    expect(await refuse({ time: '9点' })).toBe('管理员修改：调度“weekly_reminder”无效：时间 应为 HH:mm 格式的 24 小时制时间（如 09:00）');
    expect(await refuse({ time: '24:00' })).toContain('HH:mm');
    expect(await refuse({ units: ['区商务局', '火星局'] })).toBe('管理员修改：调度“weekly_reminder”的单位范围中有未知单位：火星局');
    expect(await refuse({ due: undefined })).toContain('必须设置报送截止');
    expect(await refuse({ job: 'agenda' })).toContain('weekly_chase'); // the 催报 would lose its anchor
    // A change to a key that does not exist is a typo, named as such.
    const typo = await engine.setCadence('weekly_remnder', { time: '08:00' }, 'wx-admin').catch((e: InputError) => e);
    expect(typo).toMatchObject({ code: 'CADENCE_INVALID', message: '没有名为“weekly_remnder”的调度' });
    expect((typo as InputError).hint).toContain('weekly_reminder');
    const kept = (await engine.listCadences()).find((c) => c.key === 'weekly_reminder')!;
    expect(kept.time).toBe('09:00');
    expect(kept.units).toBeUndefined();
    expect(await db.prisma.auditLog.count()).toBe(0);
  });

  it('limits a cadence to the units an admin names', async () => {
    await engine.setCadence('weekly_reminder', { units: ['区水务局'] }, 'wx-admin');
    await runDue('2026-05-11T09:00:00+08:00');
    const targets = (await db.prisma.outbox.findMany({ where: { cadence: 'weekly_reminder' } })).map((r) => r.targetRef);
    expect(targets).toEqual(['wx-qianqi', 'wx-admin']); // the contact privately, the admin about the missing group
  });

  it('uses an edited template at the next slot without restart', async () => {
    await runDue('2026-05-11T09:00:00+08:00');
    const t = JSON.parse(fs.readFileSync(templatesFile, 'utf8'));
    t.chase.header = '【请速报】{unit}：{count} 项任务未报送（截止{due}）';
    fs.writeFileSync(templatesFile, JSON.stringify(t));
    await runDue('2026-05-15T09:00:00+08:00');
    const chase = await db.prisma.outbox.findFirst({ where: { cadence: 'weekly_chase', targetRef: 'wx-qianqi' } });
    expect(chase!.text.split('\n')[0]).toBe('【请速报】区水务局：1 项任务未报送（截止5月14日（周四）17:00）');
    t.chase.header = '{单位} {nope}';
    fs.writeFileSync(templatesFile, JSON.stringify(t));
    await expect(engine.runSlot('weekly_chase', atLocal('2026-05-22', '09:00'))).rejects.toThrow('使用了未知占位符 {nope}');
    // Not stuck 'running': the next tick retries it once the template is fixed.
    expect(await db.prisma.slotRun.findFirst({ where: { cadenceKey: 'weekly_chase', slotAt: atLocal('2026-05-22', '09:00') } })).toMatchObject({ state: 'failed' });
  });

  it('runs a slot missed within the grace window once on start; older ones are recorded missed and reported, never sent', async () => {
    clock.set('2026-05-04T00:00:00+08:00');
    await engine.listCadences(); // the bot was installed on 5/4 and then was down until 5/11 10:30
    const first = await runDue('2026-05-11T10:30:00+08:00');
    expect(first.due).toEqual(['weekly_reminder@09:00', 'consult_agenda@09:00', 'deadline_countdown@09:30']);
    expect(first.missed.map((m) => `${m.cadenceKey}@${toLocalDate(m.slotAt)}`)).toEqual([
      'weekly_reminder@2026-05-06',
      'weekly_chase@2026-05-06',
      'consult_agenda@2026-05-06',
      'deadline_countdown@2026-05-06',
      'deadline_countdown@2026-05-07',
      'weekly_escalation@2026-05-07',
      'weekly_chase@2026-05-08',
      'deadline_countdown@2026-05-08',
      'weekly_digest@2026-05-08',
      'deadline_countdown@2026-05-09',
      'weekly_escalation@2026-05-09',
    ]);
    expect(await db.prisma.slotRun.count({ where: { state: 'missed' } })).toBe(11);
    // Nothing from before the grace window went out; the admins got one notice listing the missed slots.
    const late = await db.prisma.outbox.findMany({ where: { slotAt: { lt: atLocal('2026-05-11', '08:30') } } });
    expect(late).toEqual([]);
    const notice = await db.prisma.outbox.findMany({ where: { cadence: 'engine_missed' } });
    expect(notice.map((n) => n.targetRef)).toEqual(['wx-admin']);
    expect(notice[0]!.text).toContain('以下调度因停机错过，已超过补发时限，未补发');
    expect(notice[0]!.text).toContain('- 周调度提醒：5月6日 09:00');
    // A later tick, or a second process starting, neither re-runs nor re-reports.
    const outboxBefore = await db.prisma.outbox.count();
    const again = await runDue('2026-05-11T10:31:00+08:00');
    expect(again).toEqual({ due: [], missed: [] });
    const other = make();
    expect(await other.tick(new Date('2026-05-11T10:32:00+08:00'))).toEqual({ due: [], missed: [] });
    expect(await db.prisma.outbox.count()).toBe(outboxBefore);
  });

  it('retries a failed slot at the next tick within the grace window, then gives up and tells the admins', async () => {
    let failures = 2;
    const flaky = { ...fixedReports, buildConsultAgenda: async (p: never, o: { date: string }) => (failures-- > 0 ? Promise.reject(new Error('报表生成失败')) : fixedReports.buildConsultAgenda(p, o as never)) };
    engine = createCadenceEngine({ prisma: db.prisma, calendar: createCalendar(), clock, logger: silentLogger, cadenceFile: CADENCE_FILE, templatesFile, reports: flaky as never, missedGraceMinutes: 120 });
    await engine.listCadences();
    const at = atLocal('2026-05-11', '09:00');
    clock.set(at);
    await expect(engine.runSlot('consult_agenda', at)).rejects.toThrow('报表生成失败');
    expect(await db.prisma.slotRun.findFirst({ where: { cadenceKey: 'consult_agenda' } })).toMatchObject({ state: 'failed', note: '报表生成失败' });
    const next = await engine.tick(new Date('2026-05-11T09:01:00+08:00'));
    expect(next.due.map((d) => d.cadenceKey)).toContain('consult_agenda');
    await expect(engine.runSlot('consult_agenda', at)).rejects.toThrow('报表生成失败');
    // Past the grace window it is not sent late: recorded missed, admins told once.
    clock.set('2026-05-11T11:30:00+08:00');
    const late = await engine.tick();
    expect(late.missed.map((m) => m.cadenceKey)).toEqual(['weekly_reminder', 'consult_agenda']); // the reminder never ran at all
    expect(await db.prisma.slotRun.findFirst({ where: { cadenceKey: 'consult_agenda' } })).toMatchObject({ state: 'missed' });
    expect((await engine.runSlot('consult_agenda', at)).state).toBe('already');
    expect(await db.prisma.outbox.count({ where: { cadence: 'consult_agenda' } })).toBe(0);
    expect((await db.prisma.outbox.findFirst({ where: { cadence: 'engine_missed' } }))!.text).toContain('- 旬会商：5月11日 09:00');
  });

  it('pushes now for one unit on an admin request, once per minute', async () => {
    clock.set('2026-05-12T14:03:20+08:00');
    const r = await engine.pushNow('weekly_reminder', fixture.units.swuj.id);
    expect(r.state).toBe('done');
    const rows = await db.prisma.outbox.findMany({ where: { cadence: 'weekly_reminder_manual' } });
    expect(rows.map((x) => x.targetRef)).toEqual(['wx-qianqi', 'wx-admin']);
    expect(rows[0]!.text).toContain('请于5月14日（周四）17:00前报送');
    expect((await engine.pushNow('weekly_reminder', fixture.units.swuj.id)).state).toBe('already');
    await expect(engine.pushNow('no_such')).rejects.toThrow('没有名为“no_such”的调度');
  });
});
