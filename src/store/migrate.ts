import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { StoreError } from '../errors.ts';

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** Arbitrary but fixed: every duban process takes this advisory lock while migrating. */
const LOCK_KEY = 741_852_963;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own transaction, under
 * a Postgres advisory lock so concurrent starters never race. Rows go into Prisma's own
 * `_prisma_migrations` table so `prisma migrate status` reads them. A migration whose file changed
 * after it was applied stops start-up: silently diverging schemas are worse than a refusal.
 */
export async function migrate(connectionString: string, dir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = readMigrations(dir);
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
  } catch (e) {
    throw new StoreError('DB_UNAVAILABLE', `无法连接数据库 ${redact(connectionString)}：${(e as Error).message}`, '检查 DATABASE_URL 以及 PostgreSQL 是否在运行', { cause: e });
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
      const { rows } = await client.query<{ migration_name: string; checksum: string }>(
        `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
      const applied: string[] = [];
      for (const m of files) {
        const prior = done.get(m.name);
        if (prior !== undefined) {
          if (prior !== m.checksum) {
            throw new StoreError(
              'MIGRATION_CHANGED',
              `迁移 ${m.name} 已应用到数据库，但其文件 prisma/migrations/${m.name}/migration.sql 已被修改（校验和 ${prior.slice(0, 12)}… ≠ ${m.checksum.slice(0, 12)}…）`,
              '已应用的迁移不可修改：恢复该文件原内容，把改动写成一个新的迁移（prisma migrate diff … --script）',
            );
          }
          continue;
        }
        await applyOne(client, m);
        applied.push(m.name);
      }
      return { applied, alreadyApplied: files.length - applied.length };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function applyOne(client: pg.Client, m: MigrationFile): Promise<void> {
  const id = crypto.randomUUID();
  try {
    await client.query('BEGIN');
    await client.query(m.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, now(), $3, now(), 1)`,
      [id, m.checksum, m.name],
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new StoreError('MIGRATION_FAILED', `迁移 ${m.name} 执行失败，已回滚：${(e as Error).message}`, '修正该迁移的 SQL 后重新启动；数据库保持在上一个迁移的状态', { cause: e });
  }
}

export function readMigrations(dir: string): MigrationFile[] {
  if (!fs.existsSync(dir)) throw new StoreError('MIGRATION_FAILED', `找不到迁移目录 ${dir}`, '从仓库完整检出 prisma/migrations');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
