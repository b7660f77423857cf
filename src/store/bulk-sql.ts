import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.ts';

/**
 * Statements that move a lot of data in one go (a slot's open assignments as JSON, its outbox rows,
 * report facts) go straight to the pg pool under Prisma: through Prisma's raw query path, a 1 MB
 * parameter or result costs about five times as long (it is serialised through the query compiler).
 * Small queries keep using Prisma. The pool is the very one Prisma's adapter uses, so an embedded
 * database's single connection is still shared in turn, never interleaved.
 */
export type BulkQuery = <T extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

const pools = new WeakMap<object, pg.Pool>();

/** Called by openDatabase for the client it builds on `pool`. */
export function registerBulkPool(prisma: PrismaClient, pool: pg.Pool): void {
  pools.set(prisma, pool);
}

/**
 * The bulk path for this client. Results are plain: return JSON, text, integers or float8 from SQL
 * (pg parses a bare timestamp in the process's time zone, Prisma as UTC — so do not return them).
 * A client built elsewhere (a transaction client, a test's own) falls back to Prisma's raw query.
 */
export function bulkQuery(prisma: Pick<PrismaClient, '$queryRawUnsafe'>): BulkQuery {
  const pool = pools.get(prisma);
  if (pool) return async (text, params = []) => (await pool.query(text, params)).rows;
  return (text, params = []) => prisma.$queryRawUnsafe(text, ...params);
}

/**
 * Runs `fn` in one transaction on a connection of the bulk pool: a handful of set-based statements
 * (plan import) without Prisma's interactive-transaction timer, which a busy machine trips. A client
 * built elsewhere falls back to Prisma's interactive transaction with a generous timeout.
 */
export async function bulkTransaction<T>(prisma: PrismaClient, fn: (sql: BulkQuery) => Promise<T>): Promise<T> {
  const pool = pools.get(prisma);
  if (!pool) return prisma.$transaction((tx) => fn(bulkQuery(tx)), { timeout: 600_000, maxWait: 60_000 });
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const value = await fn(async (text, params = []) => (await client.query(text, params)).rows);
    await client.query('COMMIT');
    return value;
  } catch (e) {
    // A connection that cannot even roll back is dropped from the pool rather than reused.
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw e;
  } finally {
    client.release(broken);
  }
}
