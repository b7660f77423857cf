import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedBaseFile, prepareEmbeddedBase } from '../../src/store/embedded-base.ts';
import { unpackBase } from '../../src/store/unpack-base.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-unpack-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Every file under `dir` with its size, as relative paths. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const f = path.join(p, e.name);
      if (e.isDirectory()) walk(f);
      else out.push(`${path.relative(dir, f)} ${fs.statSync(f).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

describe('unpacking the embedded base', () => {
  it('gives the same folder as tar does', async () => {
    await prepareEmbeddedBase();
    const ours = tmp();
    const theirs = tmp();
    unpackBase(embeddedBaseFile(), ours);
    execFileSync('tar', ['xzf', embeddedBaseFile(), '-C', theirs]);
    expect(listing(ours)).toEqual(listing(theirs));
    expect(fs.readFileSync(path.join(ours, 'PG_VERSION'), 'utf8')).toBe(fs.readFileSync(path.join(theirs, 'PG_VERSION'), 'utf8'));
  }, 120_000);

  it('refuses what is not a plain ustar archive, and keeps an entry naming ../ inside the folder', () => {
    const dir = tmp();
    const junk = path.join(dir, 'junk.tar.gz');
    fs.writeFileSync(junk, zlib.gzipSync(Buffer.alloc(1024, 1)));
    expect(() => unpackBase(junk, path.join(dir, 'out'))).toThrow(/ustar/);
    // A hand-made header naming ../escaped.
    const header = Buffer.alloc(512);
    header.write('../escaped', 0, 'latin1');
    header.write('00000000000', 124, 'latin1');
    header.write('0', 156, 'latin1');
    header.write('ustar', 257, 'latin1');
    const evil = path.join(dir, 'evil.tar.gz');
    fs.writeFileSync(evil, zlib.gzipSync(Buffer.concat([header, Buffer.alloc(1024)])));
    unpackBase(evil, path.join(dir, 'out'));
    expect(fs.existsSync(path.join(dir, 'escaped'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'out', 'escaped'))).toBe(true);
  });
});
