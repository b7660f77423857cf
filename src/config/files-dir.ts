import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let memoryFiles: string | undefined;

/**
 * Where a process keeps its files (reports, evidence, the inbound spool, the login QR). A data
 * folder keeps them beside the database; an in-memory database (rehearsals, tests) has no folder, and
 * `path.join('memory://', …)` would write into a `memory:` folder under the working directory — so
 * those get one temporary folder per process instead.
 */
export function filesDir(dataDir: string): string {
  if (dataDir !== 'memory://') return dataDir;
  return (memoryFiles ??= fs.mkdtempSync(path.join(os.tmpdir(), 'duban-files-')));
}
