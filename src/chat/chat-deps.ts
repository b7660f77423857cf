import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../log/create-logger.ts';
import type { Clock } from '../ports/clock.ts';

export interface InboundDeps {
  prisma: PrismaClient;
  clock: Clock;
  calendar: WorkCalendar;
  logger: Logger;
  /** Evidence files (photos, documents) are kept under `<dataDir>/evidence`. */
  dataDir: string;
  /** Chat ids or names of admins from the config, besides Person.isAdmin. */
  admins: readonly string[];
  botName: string;
  /** Sends this week's reminders now (立即推送); wired to the cadence engine by the app. */
  pushNow?: () => Promise<number>;
  /** How long after 申请销号 a photo or file from the same person counts as its evidence. */
  evidenceWindowMinutes?: number;
}

export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
