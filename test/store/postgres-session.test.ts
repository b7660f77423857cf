import { afterAll, beforeAll, expect, it } from 'vitest';
import { bulkQuery } from '../../src/store/bulk-sql.ts';
import { openDatabase, type Database } from '../../src/store/open-database.ts';
import { createPgDatabase } from '../helpers/databases.ts';

// The sessions our PostgreSQL pool opens: JIT is off on both paths (Prisma's and the bulk one).
// With it on, a reply's joined read at 20,000 tasks crossed jit_above_cost and spent 40 ms
// compiling a 1 ms query (bench/ingest-bench.ts with BENCH_INGEST_UNIT_TASKS=10).
let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  const pg = await createPgDatabase();
  drop = pg.drop;
  db = await openDatabase({ databaseUrl: pg.url, dataDir: 'memory://' });
});
afterAll(async () => {
  await db?.close();
  await drop?.();
});

it('opens PostgreSQL sessions with JIT off', async () => {
  expect(await db.prisma.$queryRawUnsafe<{ jit: string }[]>('SHOW jit')).toEqual([{ jit: 'off' }]);
  expect(await bulkQuery(db.prisma)<{ jit: string }>('SHOW jit')).toEqual([{ jit: 'off' }]);
});
