import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { StoreError } from '../errors.ts';
import { registerBulkPool } from './bulk-sql.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { migrate, type MigrationResult } from './migrate.ts';

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  /** A connection string that reaches this database (for the embedded one, while it is open). */
  url: string;
  migration: MigrationResult;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Postgres; unset → embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Folder for PGlite files; 'memory://' keeps it in memory (tests). */
  dataDir: string;
  migrationsDir?: string;
}

/**
 * Opens the database the config names, applies pending migrations and returns a Prisma client.
 * Both kinds go through the same migrator and the same Prisma adapter, so there is one code path.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const migration = await migrate(opts.databaseUrl, opts.migrationsDir);
    // JIT off: our statements are short OLTP reads and writes whose cost estimates (JSON sub-selects
    // per row) cross jit_above_cost on a plan of 20,000 tasks — compiling then took 40 ms of a
    // 1 ms query on every reply. Nothing here runs long enough for JIT to pay back.
    const { prisma, end } = clientOn({ connectionString: opts.databaseUrl, options: '-c jit=off' });
    return { prisma, kind: 'postgres', url: opts.databaseUrl, migration, close: once(async () => { await prisma.$disconnect(); await end(); }) };
  }
  return openEmbedded(opts);
}

async function openEmbedded(opts: OpenDatabaseOptions): Promise<Database> {
  const memory = opts.dataDir === 'memory://';
  const dir = memory ? 'memory://' : path.resolve(opts.dataDir, 'pglite');
  let lock: DataDirLock | undefined;
  if (!memory) {
    fs.mkdirSync(dir, { recursive: true });
    lock = lockDataDir(dir);
  }
  // PGlite and its socket server load only for the embedded database: a start on PostgreSQL never pays for them.
  const [{ createEmbedded }, { PGLiteSocketServer }] = await Promise.all([import('./embedded-base.ts'), import('@electric-sql/pglite-socket')]);
  let db: PGlite;
  try {
    db = await createEmbedded(dir);
  } catch (e) {
    lock?.release();
    throw new StoreError('DB_UNAVAILABLE', `无法打开内置数据库 ${dir}：${(e as Error).message}`, '检查数据目录（DUBAN_DATA_DIR）是否可写、是否被另一个进程占用', { cause: e });
  }
  // PGlite is single-connection: one socket connection, and a pool of one on top of it.
  // A second slot lets the pool reconnect while the server is still detaching a connection that pg
  // dropped after a query error; the pool itself stays at one connection, so queries never interleave.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  try {
    const migration = await migrate(url, opts.migrationsDir);
    // Never idle out: each new connection re-prepares the hot statements under new names, and PGlite's
    // one session would keep every old one for the life of the process.
    const { prisma, end } = clientOn({ connectionString: url, max: 1, idleTimeoutMillis: 0 });
    return {
      prisma,
      kind: 'pglite',
      url,
      migration,
      close: once(async () => {
        await prisma.$disconnect();
        await end();
        await server.stop();
        await db.close();
        lock?.release();
      }),
    };
  } catch (e) {
    await server.stop();
    await db.close();
    lock?.release();
    throw e;
  }
}

/** A Prisma client on a pool of our own, which the bulk path (bulk-sql.ts) shares. */
function clientOn(config: pg.PoolConfig): { prisma: PrismaClient; end: () => Promise<void> } {
  const pool = new pg.Pool(config);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  registerBulkPool(prisma, pool);
  return { prisma, end: once(() => pool.end()) };
}

/** Makes close() safe to call twice: later calls share the first call's promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}
