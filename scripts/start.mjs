#!/usr/bin/env node
// `npm start`: runs the compiled JavaScript in dist/ (no TypeScript compiling at run time, which
// took 5–7 s of every start), building it first when it is missing or older than the sources.
// `npm run duban` and the tests keep running the TypeScript sources through tsx.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

if (isStale()) {
  process.stderr.write('督办助手：编译产物缺失或已过期，正在编译（npm run build）…\n');
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { main, quietOnClosedPipe } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'cli', 'main.js')).href);
quietOnClosedPipe();
process.exitCode = await main(['start', ...process.argv.slice(2)]);
