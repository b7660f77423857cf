// SIGTERM while PostgreSQL is gone: the bot must still stop within its bounds (issue 15: a shutdown
// during a database restart once hung in db.close()). Runs its own PostgreSQL, never the shared one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { ownPostgresAvailable, startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.ts';

const PORT = Number(process.env.TEST_SHUTDOWN_PG_PORT ?? 55433);

describe.skipIf(!ownPostgresAvailable())('shutdown with the database gone (own PostgreSQL)', () => {
  let pg: OwnPostgres | undefined;
  afterAll(() => pg?.destroy());

  it('close() returns within its bounds, and a second close() is the same promise', async () => {
    pg = startOwnPostgres(PORT);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-shutdown-'));
    const config = loadConfig({ env: {}, overrides: { databaseUrl: pg.url, dataDir, httpPort: 0, sendPerMinute: 0, sendJitterMs: 0, logLevel: 'silent' } });
    const app = await createApp(config, { clock: new ManualClock('2026-05-12T02:00:00Z'), logger: silentLogger });
    await app.start();
    pg.stop(); // the database goes away under a running bot
    const began = Date.now();
    const first = app.close();
    expect(app.close()).toBe(first);
    await first;
    // Every step is bounded (database 5 s, sender 15 s, the others 10 s); without the bounds it hung.
    expect(Date.now() - began).toBeLessThan(75_000);
  }, 120_000);
});
