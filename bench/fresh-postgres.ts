import { createPgDatabase } from '../test/helpers/databases.ts';

/** A throw-away Postgres database for a bench run, `BENCH_DATABASE_URL` to reuse one, or undefined when none is reachable. */
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, drop: async () => {} };
  return createPgDatabase().catch(() => undefined);
}
