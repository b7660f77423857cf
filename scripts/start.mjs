#!/usr/bin/env node
// `npm start`: runs the compiled JavaScript in dist/ (no TypeScript compiling at run time, which
// took 5–7 s of every start), building it first when it is missing or older than the sources.
// `npm run duban` and the tests keep running the TypeScript sources through tsx.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStale } from './start-check.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (isStale()) {
  process.stderr.write('督办助手：编译产物缺失或已过期，正在编译（npm run build）…\n');
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { main, quietOnClosedPipe } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'cli', 'main.js')).href);
quietOnClosedPipe();
process.exitCode = await main(['start', ...process.argv.slice(2)]);
