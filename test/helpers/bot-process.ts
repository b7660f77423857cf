import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A port nobody listens on right now (the OS picks it), for a child process to bind. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface BotProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  out: () => string;
  exited: Promise<number | null>;
}

/**
 * `duban start` as its own process, through the same `main(['start'])` that `npm start` runs, on
 * embedded defaults (no DATABASE_URL, no REDIS_URL) unless `env` says otherwise; unpaced sends.
 */
export function startBot(dataDir: string, port: number, env: Record<string, string> = {}): BotProcess {
  let out = '';
  const child = spawn(process.execPath, ['bin/duban.mjs', 'start'], {
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', DUBAN_DATA_DIR: dataDir, DUBAN_HTTP_PORT: String(port), DUBAN_SEND_PER_MINUTE: '0', DUBAN_SEND_JITTER_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}
