import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { createCadenceEngine } from '../../src/engine/create-cadence-engine.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';
import { seedWork } from '../helpers/seed-work.ts';

// A slot planned while every core is busy (here: two spinning processes per core besides whatever
// else runs) must still complete: its write is one statement, not a transaction with a 5 s timeout.
describe.each(DB_KINDS)('a 周调度 slot on a saturated machine (%s)', (kind) => {
  let db: Database;
  const busy: ChildProcess[] = [];
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await seedWork(db.prisma, { tasks: 3_000, units: 90 });
    for (let i = 0; i < os.cpus().length * 2; i++) busy.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  }, 180_000);
  afterAll(async () => {
    for (const p of busy) p.kill('SIGKILL');
    await db?.close();
  });

  it('completes and records every message once', async () => {
    const clock = new ManualClock('2026-05-11T00:00:00+08:00');
    const engine = createCadenceEngine({ prisma: db.prisma, calendar: createCalendar(), clock, logger: silentLogger, cadenceFile: 'config/cadences.json', templatesFile: 'config/templates.json' });
    const at = atLocal('2026-05-11', '09:00');
    clock.set(at);
    // Two workers planning the same slot at once: one records it, neither fails.
    const [a, b] = await Promise.all([engine.runSlot('weekly_reminder', at), engine.runSlot('weekly_reminder', at)]);
    const done = [a, b].find((r) => r.state === 'done')!;
    expect(done.messages).toBeGreaterThan(90);
    const run = await db.prisma.slotRun.findFirstOrThrow({ where: { cadenceKey: 'weekly_reminder', slotAt: at } });
    expect(run.state).toBe('done');
    expect(await db.prisma.outbox.count({ where: { cadence: 'weekly_reminder' } })).toBe(done.messages);
    // Every unit that owes a report is reached.
    const texts = (await db.prisma.outbox.findMany({ where: { cadence: 'weekly_reminder' }, select: { text: true } })).map((o) => o.text).join('\n');
    for (let u = 1; u <= 90; u++) expect(texts).toContain(`单位${u}：`);
  }, 180_000);
});
