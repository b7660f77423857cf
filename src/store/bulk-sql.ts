import crypto from 'node:crypto';
import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.ts';

/**
 * Statements that move a lot of data in one go (a slot's open assignments as JSON, its outbox rows,
 * report facts) go straight to the pg pool under Prisma: through Prisma's raw query path, a 1 MB
 * parameter or result costs about five times as long (it is serialised through the query compiler).
 * Small queries keep using Prisma. The pool is the very one Prisma's adapter uses, so an embedded
 * database's single connection is still shared in turn, never interleaved.
 */
export type BulkQuery = <T extends Record<string, unknown>>(text: string, params?: unknown[], opts?: { prepared?: boolean }) => Promise<T[]>;

const pools = new WeakMap<object, pg.Pool>();

/** Called by openDatabase for the client it builds on `pool`. */
export function registerBulkPool(prisma: PrismaClient, pool: pg.Pool): void {
  pools.set(prisma, pool);
  // A connection this path left idle in the pool has no listener of Prisma's: when the server ends
  // it (a restart, a dropped database), the pool raises 'error', which unheard would end the
  // process. The pool has already dropped that connection; the next query opens another.
  pool.on('error', () => {});
}

/**
 * The bulk path for this client. Results are plain: return JSON, text, integers or float8 from SQL
 * (pg parses a bare timestamp in the process's time zone, Prisma as UTC — so do not return them).
 * A client built elsewhere (a transaction client, a test's own) falls back to Prisma's raw query.
 *
 * `prepared`: a statement every message runs (the inbound store and read, a reply's write) is
 * parsed and planned once per connection, not each time — planning the joined read cost several
 * times its execution.
 */
export function bulkQuery(prisma: Pick<PrismaClient, '$queryRawUnsafe'>): BulkQuery {
  const pool = pools.get(prisma);
  if (pool) return async (text, params = [], opts) => (opts?.prepared ? prepared(pool, text, params) : (await pool.query(text, params)).rows);
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

const names = new Map<string, string>();
const connectionTags = new WeakMap<object, number>();
let lastTag = 0;

/**
 * A named statement on one of the pool's connections. The name is the text's hash (a statement of
 * another shape never takes its plan) and the connection's own tag: embedded PGlite has one
 * session under all the pool's connections, so a reconnected client must not reuse a name the
 * session already holds. As pool.query does, a connection whose query failed is not reused.
 */
async function prepared<T>(pool: pg.Pool, text: string, params: unknown[]): Promise<T[]> {
  let name = names.get(text);
  if (!name) {
    name = `duban_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    if (names.size < 1_000) names.set(text, name);
  }
  const client = await pool.connect();
  let tag = connectionTags.get(client);
  if (tag === undefined) connectionTags.set(client, (tag = ++lastTag));
  try {
    const r = await client.query({ name: `${name}_${tag}`, text, values: params });
    client.release();
    return r.rows as T[];
  } catch (e) {
    client.release(e as Error);
    throw e;
  }
}
