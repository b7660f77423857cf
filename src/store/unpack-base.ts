import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * Unpacks the embedded base (PGlite's dumpDataDir: a gzipped ustar archive of directories and plain
 * files) into `dir`. Done here rather than by PGlite's loadDataDir, which holds the archive and its
 * unpacked copy in memory while the database starts (a fresh PGlite peaked ~140 MB above a warm
 * one); after this the open is an ordinary warm open. PG_VERSION is written last, so a start cut
 * short leaves a folder that is still fresh and is unpacked again. Anything but directories and
 * plain files is refused (the caller then lets PGlite load the archive itself).
 */
export function unpackBase(archive: string, dir: string): void {
  const tar = zlib.gunzipSync(fs.readFileSync(archive));
  const text = (at: number, len: number): string => tar.toString('latin1', at, at + len).replace(/\0.*$/s, '');
  const files: Array<{ name: string; at: number; size: number }> = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = text(at, 100);
    if (!name) break; // two zero blocks end the archive
    if (text(at + 257, 5) !== 'ustar') throw new Error(`not a ustar archive at byte ${at}`);
    const full = path.posix.join(text(at + 345, 155), name);
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = text(at + 156, 1) || '0';
    const target = path.resolve(dir, `.${path.posix.normalize(`/${full}`)}`);
    if (target !== dir && !target.startsWith(dir + path.sep)) throw new Error(`entry outside the folder: ${full}`);
    if (type === '5') fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    else if (type === '0') files.push({ name: target, at: at + 512, size });
    else throw new Error(`unsupported entry type ${type} for ${full}`);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  const version = files.find((f) => path.basename(f.name) === 'PG_VERSION' && path.dirname(f.name) === dir);
  for (const f of [...files.filter((x) => x !== version), ...(version ? [version] : [])]) {
    fs.mkdirSync(path.dirname(f.name), { recursive: true, mode: 0o700 });
    fs.writeFileSync(f.name, tar.subarray(f.at, f.at + f.size), { mode: 0o600 });
  }
}
