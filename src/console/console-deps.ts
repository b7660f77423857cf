import type http from 'node:http';
import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../log/create-logger.ts';
import type { ChatStatus } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { WorkStore } from '../ports/work-store.ts';
import type { ConsoleUser } from './console-auth.ts';
import type { Html } from './html.ts';

/** What the console needs from the app: the same stores and rules the chat uses. */
export interface ConsoleDeps {
  prisma: PrismaClient;
  work: WorkStore;
  clock: Clock;
  calendar: WorkCalendar;
  logger: Logger;
  dataDir: string;
  admins: readonly string[];
  botName: string;
  unitsFile: string;
  chatStatus(): ChatStatus;
  chatChannel: string;
}

export interface Ctx {
  deps: ConsoleDeps;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  user: ConsoleUser;
  /** The audit actor: console:<account name>. */
  actor: string;
  htmx: boolean;
  form?: FormData;
  /** Renders a page body in the frame. */
  page(title: string, body: Html, status?: number): void;
}
