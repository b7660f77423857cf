import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of our own on a spare port, for fault tests that stop and restart the
 * database — never the shared server. initdb refuses root, so as root it runs as `postgres`.
 */
export interface OwnPostgres {
  url: string;
  port: number;
  stop(): void;
  start(): void;
  /** A fast restart: connections are cut, the server comes back on the same port. */
  restart(): void;
  destroy(): void;
}

export function ownPostgresAvailable(): boolean {
  return fs.existsSync(path.join(BIN, 'initdb'));
}

export function startOwnPostgres(port: number): OwnPostgres {
  const root = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-own-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  if (root) spawnSync('chown', ['-R', 'postgres', dir]);
  const run = (bin: string, args: string[], opts: SpawnSyncOptions = {}) => {
    const cmd = root ? 'runuser' : path.join(BIN, bin);
    const argv = root ? ['-u', 'postgres', '--', path.join(BIN, bin), ...args] : args;
    const r = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
    if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : ''}`);
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const pg = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => run('pg_ctl', ['-D', data, '-o', opts, '-l', log, '-w', 'start']),
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    restart: () => run('pg_ctl', ['-D', data, '-o', opts, '-l', log, '-m', 'fast', '-w', 'restart']),
    destroy: () => {
      try {
        pg.stop();
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}
