import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/bot-process.ts';

/**
 * A private redis-server on its own port, without persistence, that a test may stop and start again
 * (the shared Redis on 6379 is never touched). A restart loses all data, the worst case for BullMQ.
 * With `persistDir`, every write is in an fsync'd append-only file there: `crash()` SIGKILLs the
 * server and starts it again on the same data, as a production Redis with AOF comes back; `restart()`
 * still comes back empty (the file is deleted first).
 */
export async function startOwnRedis(port?: number, opts: { persistDir?: string } = {}): Promise<OwnRedis> {
  const p = port ?? (await freePort());
  let proc: ChildProcess | undefined;
  const dir = opts.persistDir;
  const persistence = dir ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''] : ['--save', '', '--appendonly', 'no'];
  const up = async () => {
    proc = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', ...persistence, '--daemonize', 'no'], { stdio: 'ignore' });
    const r = new Redis({ port: p, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    r.on('error', () => undefined); // refused until the server is up
    for (let i = 0; i < 100; i++) {
      try {
        await r.connect().catch(() => undefined);
        if ((await r.ping()) === 'PONG') break;
      } catch {
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    r.disconnect();
  };
  const down = async () => {
    const p0 = proc;
    proc = undefined;
    if (!p0 || p0.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p0.once('exit', () => resolve());
      p0.kill('SIGKILL');
    });
  };
  await up();
  const wipe = () => {
    if (dir) for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  };
  return {
    url: `redis://127.0.0.1:${p}`, port: p, stop: down,
    restart: async () => (await down(), wipe(), await up()),
    crash: async () => (await down(), await up()),
  };
}

export interface OwnRedis {
  url: string;
  port: number;
  /** SIGKILL. */
  stop(): Promise<void>;
  /** SIGKILL, and back empty. */
  restart(): Promise<void>;
  /** SIGKILL, and back with what it had written (all of it with `persistDir`; nothing without). */
  crash(): Promise<void>;
}
