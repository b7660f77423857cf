import type http from 'node:http';
import type { CadenceEngine } from '../engine/create-cadence-engine.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { ChannelWatchState } from '../outbox/channel-watch.ts';
import type { ChannelCapabilities, ChatStatus } from '../ports/chat.ts';
import type { InboundDeps } from '../chat/chat-deps.ts';
import type { ConsoleUser } from './console-auth.ts';
import type { Html } from './html.ts';

/** What the console needs from the app: the same stores and rules the chat uses. */
export interface ConsoleDeps extends Pick<InboundDeps, 'prisma' | 'work' | 'clock' | 'calendar' | 'logger' | 'dataDir' | 'admins' | 'botName'> {
  unitsFile: string;
  chatStatus(): ChatStatus;
  chatChannel: string;
  /** What the channel can do; absent, it may push to any chat (no private chat has to be opened first). */
  chatCapabilities?: Pick<ChannelCapabilities, 'pushToSilentChat'>;
  /** The channel watch's state (down since, rate-limited, alert sent); absent where no watch runs. */
  channelWatch?: () => ChannelWatchState;
  /** The cadence engine the chat's 设置提醒 and `duban cadence set` use; without it the 调度 page is read-only. */
  cadences?: Pick<CadenceEngine, 'listCadences' | 'setCadence'>;
  /** config/templates.json: the message texts' defaults, which console edits are laid over. */
  templatesFile?: string;
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
  /** For a leader's read-only account, the tasks they lead or oversee; null for an admin (everything). */
  taskScope: Prisma.TaskWhereInput | null;
  form?: FormData;
  /** Renders a page body in the frame. */
  page(title: string, body: Html, status?: number): void;
}

/**
 * A console page's route. `leader`: a leader's read-only account may open it (scoped to their tasks
 * by ctx.taskScope); other pages are the office's. Declared here, beside Ctx, so pages need not
 * import the console they are mounted in.
 */
export type Route = { method: 'GET' | 'POST'; path: RegExp; write?: boolean; leader?: boolean; run(ctx: Ctx, m: RegExpExecArray): Promise<void> };
