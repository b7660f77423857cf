import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbedded, EMBEDDED_SHARED_BUFFERS, embeddedBaseFile, isInitialised, prepareEmbeddedBase } from '../../src/store/embedded-base.ts';
import { openDatabase } from '../../src/store/open-database.ts';

describe('a fresh embedded data folder from the pre-initialised base', () => {
  it('unpacks the base instead of running initdb, migrates, and keeps its data across a restart', async () => {
    expect(await prepareEmbeddedBase()).toBe(embeddedBaseFile());
    expect(fs.existsSync(embeddedBaseFile())).toBe(true);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-base-'));
    try {
      const a = await openDatabase({ dataDir });
      expect(isInitialised(path.join(dataDir, 'pglite'))).toBe(true);
      expect(a.migration.applied.length).toBeGreaterThan(0);
      await a.prisma.unit.create({ data: { name: '区商务局', kind: 'department', aliases: [] } });
      await a.close();
      const b = await openDatabase({ dataDir });
      expect(b.migration.applied).toEqual([]);
      expect((await b.prisma.unit.findMany()).map((u) => u.name)).toEqual(['区商务局']);
      await b.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('never takes an existing data folder, schema and data included, for the base', async () => {
    await prepareEmbeddedBase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-base-'));
    const missing = path.join(dir, 'no-base-here.tar.gz');
    try {
      const a = await createEmbedded(path.join(dir, 'pglite'));
      await a.exec('CREATE TABLE kept (id int)');
      await a.close();
      // Opened again with no base file around: it must not dump this database as one.
      const b = await createEmbedded(path.join(dir, 'pglite'), missing);
      expect((await b.query("SELECT to_regclass('kept') AS t")).rows).toEqual([{ t: 'kept' }]);
      // initdb's 128MB of shared buffers would be touched in full at every open.
      expect((await b.query("SELECT current_setting('shared_buffers') AS s")).rows).toEqual([{ s: EMBEDDED_SHARED_BUFFERS }]);
      await b.close();
      expect(fs.existsSync(missing)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
