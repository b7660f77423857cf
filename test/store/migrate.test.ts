import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, DEFAULT_MIGRATIONS_DIR } from '../../src/store/migrate.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import { createPgDatabase } from '../helpers/databases.ts';
import { StoreError } from '../../src/errors.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function freshPg() {
  const d = await createPgDatabase();
  cleanups.push(d.drop);
  return d.url;
}

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-mig-'));
  fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function count(url: string, sql: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ n: string }>(sql);
  await c.end();
  return Number(rows[0]!.n);
}

describe('migrator on the real Postgres', () => {
  it('applies every migration once, even when four processes start together', async () => {
    const url = await freshPg();
    const results = await Promise.all([1, 2, 3, 4].map(() => migrate(url)));
    const appliedBy = results.filter((r) => r.applied.length > 0);
    expect(appliedBy).toHaveLength(1);
    const migrations = fs.readdirSync(DEFAULT_MIGRATIONS_DIR).filter((f) => !f.endsWith('.toml'));
    expect(appliedBy[0]!.applied).toEqual(migrations.sort());
    expect(await count(url, 'SELECT count(*) AS n FROM "_prisma_migrations"')).toBe(migrations.length);
    // a later start applies nothing
    expect((await migrate(url)).applied).toEqual([]);
  });

  it('applies concurrently from separate OS processes exactly once', async () => {
    const url = await freshPg();
    const { spawn } = await import('node:child_process');
    const script = `import { migrate } from ${JSON.stringify(path.resolve('src/store/migrate.ts'))}; const r = await migrate(process.argv[1]); console.log(JSON.stringify(r));`;
    const runs = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, url], { stdio: ['ignore', 'pipe', 'inherit'] });
            let out = '';
            p.stdout.on('data', (d) => (out += d));
            p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
          }),
      ),
    );
    const applied = runs.map((r) => (JSON.parse(r) as { applied: string[] }).applied.length);
    expect(applied.filter((n) => n > 0)).toHaveLength(1);
    expect(await count(url, `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'Task'`)).toBe(1);
  });

  it('refuses to start when an applied migration file has changed', async () => {
    const url = await freshPg();
    const dir = copyMigrations();
    await migrate(url, dir);
    const first = fs.readdirSync(dir).filter((f) => !f.endsWith('.toml')).sort()[0]!;
    fs.appendFileSync(path.join(dir, first, 'migration.sql'), '\n-- edited after the fact\n');
    const err = await migrate(url, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('MIGRATION_CHANGED');
    expect((err as StoreError).message).toContain(first);
    expect((err as StoreError).hint).toMatch(/新的迁移/);
  });

  it('rolls back a failing migration and records nothing for it', async () => {
    const url = await freshPg();
    const dir = copyMigrations();
    fs.mkdirSync(path.join(dir, '99999999999999_broken'));
    fs.writeFileSync(path.join(dir, '99999999999999_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();');
    const err = await migrate(url, dir).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('MIGRATION_FAILED');
    expect(await count(url, `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'half_done'`)).toBe(0);
    expect(await count(url, `SELECT count(*) AS n FROM "_prisma_migrations" WHERE migration_name = '99999999999999_broken'`)).toBe(0);
  });

  it('gives a clear error when the database cannot be reached', async () => {
    const err = await migrate('postgresql://postgres@127.0.0.1:1/none').catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('DB_UNAVAILABLE');
    expect((err as StoreError).hint).toContain('DATABASE_URL');
  });
});

describe('restart keeps all data', () => {
  it('embedded PGlite in a data folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-data-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const a = await openDatabase({ dataDir });
    expect(a.migration.applied.length).toBeGreaterThan(0);
    await a.prisma.unit.create({ data: { name: '区商务局', kind: 'department', aliases: [] } });
    await a.close();
    await a.close(); // safe twice
    const b = await openDatabase({ dataDir });
    expect(b.migration.applied).toEqual([]);
    expect((await b.prisma.unit.findMany()).map((u) => u.name)).toEqual(['区商务局']);
    await b.close();
  }, 180_000); // two embedded opens; a CI run on a loaded machine took over a minute

  it('refuses a second opening of one embedded data folder, and takes over a lock left by a dead process', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-data-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const a = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toMatchObject({ code: 'DB_IN_USE' });
    await a.close();

    const lockFile = path.join(dataDir, 'pglite', 'duban.lock');
    const other = spawn('sleep', ['30']);
    cleanups.push(async () => void other.kill());
    fs.writeFileSync(lockFile, String(other.pid));
    const err = await openDatabase({ dataDir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DB_IN_USE' });
    expect((err as StoreError).message).toContain(`pid ${other.pid}`);
    expect((err as StoreError).hint).toContain('DATABASE_URL');

    other.kill();
    await new Promise((r) => other.once('exit', r));
    const b = await openDatabase({ dataDir });
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    await b.close();
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('Postgres', async () => {
    const url = await freshPg();
    const a = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
    await a.prisma.unit.create({ data: { name: '区财政局', kind: 'department', aliases: ['财政局'] } });
    await a.close();
    const b = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
    expect((await b.prisma.unit.findUnique({ where: { name: '区财政局' } }))?.aliases).toEqual(['财政局']);
    await b.close();
  });
});
