import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

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

/**
 * A private redis-server on its own port, without persistence, that a test may stop and start again
 * (the shared Redis on 6379 is never touched). A restart loses all data, the worst case for BullMQ.
 */
export async function startOwnRedis(port?: number): Promise<{ url: string; port: number; stop(): Promise<void>; restart(): Promise<void> }> {
  const p = port ?? (await freePort());
  let proc: ChildProcess | undefined;
  const up = async () => {
    proc = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
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
  return { url: `redis://127.0.0.1:${p}`, port: p, stop: down, restart: async () => (await down(), await up()) };
}
