import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { toLocalTime } from '../../src/domain/calendar/shanghai-time.ts';
import { createCadenceEngine, type CadenceEngine } from '../../src/engine/create-cadence-engine.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { openTestDatabase } from '../helpers/databases.ts';
import { fixedReports, loadFixture } from './fixture.ts';
import { CADENCE_FILE, TEMPLATES_FILE } from './run-fixture-month.ts';

// The scheduler never loses a day's slot to an admin's edit, and a crashed planner's slot is
// retried within about a minute (on PGlite: the rule is the engine's, not the database's).
describe('cadence gaps', () => {
  let db: Database;
  let clock: ManualClock;
  let engine: CadenceEngine;
  beforeEach(async () => {
    db = await openTestDatabase('pglite');
    await loadFixture(db.prisma);
    const templatesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duban-tpl-')), 'templates.json');
    fs.copyFileSync(TEMPLATES_FILE, templatesFile);
    clock = new ManualClock('2026-05-11T00:00:00+08:00'); // a Monday: 周调度 at 09:00
    engine = createCadenceEngine({ prisma: db.prisma, calendar: createCalendar(), clock, logger: silentLogger, cadenceFile: CADENCE_FILE, templatesFile, reports: fixedReports, missedGraceMinutes: 120, admins: ['wx-admin'] });
    await engine.listCadences();
  });
  afterEach(() => db?.close());
  const due = async () => (await engine.tick()).due.filter((s) => s.cadenceKey === 'weekly_reminder').map((s) => `${s.cadenceKey}@${toLocalTime(s.slotAt)}`);

  it('moving 周调度 from 09:00 to 08:00 at 08:30 runs today’s slot now, once', async () => {
    clock.set('2026-05-11T08:30:00+08:00');
    expect(await due()).toEqual([]);
    await engine.setCadence('weekly_reminder', { time: '08:00' }, 'wx-admin');
    expect(await due()).toEqual(['weekly_reminder@08:00']);
    await engine.runSlot('weekly_reminder', new Date('2026-05-11T08:00:00+08:00'));
    expect(await db.prisma.outbox.count({ where: { cadence: 'weekly_reminder' } })).toBeGreaterThan(0);
    clock.set('2026-05-11T09:00:00+08:00');
    expect(await due()).toEqual([]);
  });

  it('an edit whose new time passed beyond the grace window records the slot missed and tells the admins', async () => {
    clock.set('2026-05-11T08:55:00+08:00');
    await engine.setCadence('weekly_reminder', { time: '06:00' }, 'wx-admin');
    const { due: d, missed } = await engine.tick();
    expect(d.map((s) => s.cadenceKey)).not.toContain('weekly_reminder');
    expect(missed.map((s) => `${s.cadenceKey}@${toLocalTime(s.slotAt)}`)).toContain('weekly_reminder@06:00');
    expect(await db.prisma.outbox.count({ where: { cadence: 'engine_missed', targetRef: 'wx-admin' } })).toBe(1);
  });

  it('retries a slot left running by a crashed planner within a minute, not ten', async () => {
    clock.set('2026-05-11T09:00:00+08:00');
    const slotAt = new Date('2026-05-11T09:00:00+08:00');
    await db.prisma.slotRun.create({ data: { cadenceKey: 'weekly_reminder', slotAt, state: 'running', startedAt: clock.now() } });
    clock.set('2026-05-11T09:00:20+08:00');
    expect(await due()).toEqual([]); // its heartbeat is fresh: someone may still be planning it
    clock.set('2026-05-11T09:01:00+08:00');
    expect(await due()).toEqual(['weekly_reminder@09:00']);
    expect((await engine.runSlot('weekly_reminder', slotAt)).state).toBe('done');
  });
});
