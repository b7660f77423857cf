import fs from 'node:fs/promises';
import path from 'node:path';

/** Writes report bytes under outDir (created if missing) and returns the absolute path. */
export async function writeReportFile(outDir: string, name: string, bytes: Buffer | Uint8Array): Promise<string> {
  await fs.mkdir(outDir, { recursive: true });
  const file = path.resolve(outDir, name);
  await fs.writeFile(file, bytes);
  return file;
}
