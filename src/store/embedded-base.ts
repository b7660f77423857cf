import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { unpackBase } from './unpack-base.ts';

/**
 * A freshly initialised, empty PGlite data folder kept as a tarball (PGlite's dumpDataDir), so a
 * fresh embedded start unpacks it instead of running initdb — about ten times faster, and far
 * lighter on memory. It holds no schema (migrations still run at start), so it depends only on the
 * PGlite version. Made by `npm run build`, or by the first fresh start that had to run initdb.
 */
export function embeddedBaseFile(): string {
  const version = pgliteVersion();
  // The project's own folder (src/store → ../..; dist/src/store → ../.. is dist): never the shared node_modules.
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', `pglite-base-${version}.tar.gz`);
}

let version: string | undefined;
function pgliteVersion(): string {
  if (version) return version;
  // The package does not export its package.json: find it above the resolved entry point.
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return (version = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version);
}

/** Whether a data folder was ever initialised. */
export function isInitialised(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'PG_VERSION'));
}

/**
 * PostgreSQL's shared buffers inside PGlite. initdb writes 128MB, and the whole of it is touched
 * when the database opens (peak RSS 291 MB for PGlite alone, 188 MB at 32MB): a district's plans
 * (tens of MB with 10,000 tasks) still fit, and pages beyond come from the operating system's cache.
 */
export const EMBEDDED_SHARED_BUFFERS = '32MB';

const startParams = (): string[] => [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`];

/** Opens PGlite on `dir`; a fresh folder starts from the base tarball when there is one. */
export async function createEmbedded(dir: string, base = embeddedBaseFile()): Promise<PGlite> {
  // An in-memory database (tests, simulate) is always fresh, so it gains the most.
  const fresh = dir === 'memory://' || !isInitialised(dir);
  if (fresh && dir !== 'memory://' && fs.existsSync(base)) {
    let unpacked = false;
    try {
      unpackBase(base, path.resolve(dir));
      unpacked = true;
    } catch {
      // An archive this reader does not know: PGlite loads it itself, below.
    }
    if (unpacked) return PGlite.create(dir, { startParams: startParams() });
  }
  if (fresh && fs.existsSync(base)) {
    return PGlite.create(dir, { loadDataDir: new Blob([fs.readFileSync(base)]), startParams: startParams() });
  }
  const db = await PGlite.create(dir, { startParams: startParams() });
  // Only a folder initdb has just made is a base: an existing one holds the schema and data.
  if (fresh && dir !== 'memory://' && !fs.existsSync(base)) await saveBase(db, base).catch(() => undefined); // a cache: failing to write it only costs the next fresh start
  return db;
}

/** Writes the base tarball from a database that has just been initialised (nothing in it yet). */
export async function saveBase(db: PGlite, file = embeddedBaseFile()): Promise<string> {
  const blob = await db.dumpDataDir('gzip');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
  fs.renameSync(tmp, file);
  return file;
}

/** `npm run build`: makes the base once, so even the first fresh start skips initdb. */
export async function prepareEmbeddedBase(): Promise<string> {
  const file = embeddedBaseFile();
  if (fs.existsSync(file)) return file;
  const db = await PGlite.create('memory://');
  try {
    return await saveBase(db);
  } finally {
    await db.close();
  }
}
