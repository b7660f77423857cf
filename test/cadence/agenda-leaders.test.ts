import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { createCadenceEngine, type CadenceEngine } from '../../src/engine/create-cadence-engine.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';
import { fixedReports, loadFixture } from './fixture.ts';
import { CADENCE_FILE, TEMPLATES_FILE } from './run-fixture-month.ts';

/**
 * Who gets the 旬会商 agenda privately (`consult_agenda.leaders`): by default the leadership group's
 * 组长 and 常务副组长; else the leaders named, or 牵头领导 (every leader with tasks), or nobody ([]).
 * A leader meant to get it who has no chat identity is named to the admins.
 */
describe.each(DB_KINDS)('旬会商 agenda leaders on %s', (kind) => {
  let db: Database;
  let engine: CadenceEngine;
  const clock = new ManualClock('2026-05-11T00:00:00+08:00');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-agenda-leaders-'));

  /** Runs the agenda slot of `date` with `leaders` set (or left as configured): private recipients, and what the admins were told. */
  async function agendaOn(date: string, leaders?: string[]) {
    if (leaders) await engine.setCadence('consult_agenda', { leaders }, 'wx-admin');
    const at = atLocal(date, '09:00');
    clock.set(at);
    expect((await engine.runSlot('consult_agenda', at)).state).not.toBe('already');
    const rows = await db.prisma.outbox.findMany({ where: { cadence: 'consult_agenda', slotAt: at }, orderBy: { id: 'asc' } });
    const agenda = rows.filter((r) => r.text === `旬会商议程 ${date}`);
    return {
      privately: agenda.filter((r) => r.targetKind === 'person').map((r) => r.targetRef).sort(),
      groups: agenda.filter((r) => r.targetKind === 'group').map((r) => r.targetRef),
      admins: rows.filter((r) => r.targetRef === 'wx-admin' && r.text.includes('领导未登记账号')).map((r) => r.text),
    };
  }

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await loadFixture(db.prisma); // 陈副区长 (wx-chen) and 刘副区长 (no chat identity) lead tasks; 管理员 wx-admin
    const p = db.prisma;
    await p.person.create({ data: { name: '胡组长', kind: 'leader', role: '组长', chatId: 'wx-hu' } });
    await p.person.create({ data: { name: '熊常务', kind: 'leader', role: '常务副组长' } });
    await p.person.create({ data: { name: '王副区长', kind: 'leader', chatId: 'wx-wang' } });
    const templatesFile = path.join(dir, 'templates.json');
    fs.copyFileSync(TEMPLATES_FILE, templatesFile);
    engine = createCadenceEngine({ prisma: p, calendar: createCalendar(), clock, logger: silentLogger, cadenceFile: CADENCE_FILE, templatesFile, reports: fixedReports, missedGraceMinutes: 120 });
    await engine.listCadences();
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('by default: the 组长 and 常务副组长; the one without a chat identity is named to the admins', async () => {
    const r = await agendaOn('2026-05-11');
    expect(r.groups).toEqual(['督办办公室']);
    expect(r.privately).toEqual(['wx-hu']);
    expect(r.admins).toHaveLength(1);
    expect(r.admins[0]).toContain('- 旬会商议题致熊常务：领导未登记账号');
  });

  it('a list of names: those leaders, whether or not they lead tasks', async () => {
    const r = await agendaOn('2026-05-21', ['王副区长', '陈副区长']);
    expect(r.privately).toEqual(['wx-chen', 'wx-wang']);
    expect(r.admins).toEqual([]);
  });

  it('牵头领导: every leader with tasks; the one without a chat identity is named', async () => {
    const r = await agendaOn('2026-06-11', ['牵头领导']);
    expect(r.privately).toEqual(['wx-chen']);
    expect(r.admins).toHaveLength(1);
    expect(r.admins[0]).toContain('- 旬会商议题致刘副区长：领导未登记账号');
    expect(r.admins[0]).not.toContain('熊常务');
  });

  it('[]: the office group only, and nothing to tell the admins', async () => {
    const r = await agendaOn('2026-06-22', []);
    expect(r.groups).toEqual(['督办办公室']);
    expect(r.privately).toEqual([]);
    expect(r.admins).toEqual([]);
  });
});
