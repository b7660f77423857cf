import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../log/create-logger.ts';
import type { Clock } from '../ports/clock.ts';
import type { WorkStore } from '../ports/work-store.ts';

export interface InboundDeps {
  prisma: PrismaClient;
  /** The work (assignments, requests) behind its port; the rules in domain/work decide. */
  work: WorkStore;
  clock: Clock;
  calendar: WorkCalendar;
  logger: Logger;
  /** Evidence files (photos, documents) are kept under `<dataDir>/evidence`. */
  dataDir: string;
  /** Chat ids of admins from the config, besides Person.isAdmin (never names: a nickname proves nothing). */
  admins: readonly string[];
  /** Whether the channel can address a group by its topic (ChannelCapabilities.groupsByTopic; absent: it can). */
  groupsByTopic?: boolean;
  botName: string;
  /** Sends this week's reminders now (立即推送); wired to the cadence engine by the app. Counts the reminders and, apart, the notices to admins queued with them. */
  pushNow?: () => Promise<{ reminders: number; notices: number }>;
  /** The cadence settings admins change from chat (the cadence engine). */
  cadences?: CadenceSettings;
  /** How long after 申请销号 a photo or file from the same person counts as its evidence. */
  evidenceWindowMinutes?: number;
}

export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** A cadence as the chat shows it. */
export interface CadenceLike {
  key: string;
  title: string;
  enabled: boolean;
  time: string;
  rule: { type: string; weekday?: number; days?: number[] };
  next: Date | null;
}

/** What the chat needs from the cadence engine to show and change cadences. */
export interface CadenceSettings {
  listCadences(): Promise<CadenceLike[]>;
  /** `claim` runs first inside the change's transaction; false (the message was already handled) writes nothing. */
  setCadence(key: string, patch: { enabled?: boolean; time?: string; rule?: { type: 'weekly'; weekday: number } }, actor: string, claim?: (tx: Tx) => Promise<boolean>): Promise<unknown>;
}
