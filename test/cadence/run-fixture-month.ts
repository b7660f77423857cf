import type { Database } from '../../src/store/open-database.ts';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { toLocalDate, toLocalTime } from '../../src/domain/calendar/shanghai-time.ts';
import { createCadenceEngine } from '../../src/engine/create-cadence-engine.ts';
import { simulate, type Dispatch } from '../../src/engine/simulate.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { fixedReports, loadFixture } from './fixture.ts';

export const CADENCE_FILE = 'config/cadences.json';
export const TEMPLATES_FILE = 'config/templates.json';

/** One dispatch as a line: local time, cadence, where, who is @-mentioned, the first line of text. */
export function line(d: Dispatch): string {
  return `${toLocalDate(d.at)} ${toLocalTime(d.at)} ${d.cadence} ${d.target.kind}:${d.target.ref} [${d.mentions.join(',')}] ${d.text.split('\n')[0]}`;
}

/** Loads the fixture and simulates [from, to) on a virtual clock that starts at `from`. */
export async function runFixture(db: Database, from: string, to: string) {
  const fixture = await loadFixture(db.prisma);
  const clock = new ManualClock(new Date(`${from}T00:00:00+08:00`));
  const engine = createCadenceEngine({
    prisma: db.prisma,
    calendar: createCalendar(),
    clock,
    logger: silentLogger,
    cadenceFile: CADENCE_FILE,
    templatesFile: TEMPLATES_FILE,
    reports: fixedReports,
  });
  const dispatches = await simulate({ prisma: db.prisma, engine, clock, logger: silentLogger, from: clock.now(), to: new Date(`${to}T00:00:00+08:00`) });
  return { fixture, engine, clock, dispatches };
}
