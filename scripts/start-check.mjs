// Whether dist/ is missing or older than what it is built from (see start.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');

/** Newest modification time under these folders (sources, migrations, the schema). */
function newest(dirs) {
  let t = 0;
  const walk = (p) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const f of fs.readdirSync(p)) f !== 'generated' && walk(path.join(p, f));
    else t = Math.max(t, st.mtimeMs);
  };
  for (const d of dirs) walk(path.join(root, d));
  return t;
}

export function isStale() {
  const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built < newest(['src', 'jobs', 'prisma', 'tsconfig.json', 'tsconfig.build.json', 'package.json']);
}

