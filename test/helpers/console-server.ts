import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import type { ConsoleDeps } from '../../src/console/console-deps.ts';
import { issueLoginLink, redeemLoginLink } from '../../src/console/console-auth.ts';
import { createConsole } from '../../src/console/create-console.ts';
import { startHealthServer, type HealthServer } from '../../src/health/health-server.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { createPrismaWorkStore } from '../../src/store/prisma-work-store.ts';

/**
 * The console on the bot's own HTTP server at a free port, over `deps.prisma`, with the defaults a
 * console test does not care about (a logged-in test channel, no admins from config, the shipped
 * unit directory); the test passes what it does care about.
 */
export interface ConsoleSession {
  cookie: string;
  csrf: string;
}

export async function serveConsole(
  deps: Pick<ConsoleDeps, 'prisma' | 'clock' | 'dataDir'> & Partial<ConsoleDeps>,
): Promise<HealthServer & { base: string; signIn(name: string, opts?: { leader?: { id: number } }): Promise<ConsoleSession> }> {
  const web = createConsole({
    work: createPrismaWorkStore(deps.prisma), calendar: createCalendar(), logger: silentLogger, admins: [], botName: '督办助手', unitsFile: 'config/units.json',
    chatStatus: () => 'logged_in', chatChannel: 'test',
    ...deps,
  });
  const server = await startHealthServer(0, [], '127.0.0.1', web.handle);
  /** The account `name` signed in by a one-time link, as a browser would be: its cookie and CSRF token. */
  const signIn = async (name: string, opts: { leader?: { id: number } } = {}): Promise<ConsoleSession> => {
    const token = await issueLoginLink(deps.prisma, name, { now: deps.clock.now(), actor: 'test', ...opts });
    const session = (await redeemLoginLink(deps.prisma, token, deps.clock.now(), 'test'))!;
    const row = await deps.prisma.consoleToken.findFirstOrThrow({ where: { kind: 'session', account: { name } }, orderBy: { id: 'desc' } });
    return { cookie: `duban_session=${session}`, csrf: row.csrf! };
  };
  return Object.assign(server, { base: `http://127.0.0.1:${server.port}`, signIn });
}
