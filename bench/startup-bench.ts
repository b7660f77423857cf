// Start-up: time from launch to ready (the demo's "群聊内容如下" line) and peak RSS, for the embedded
// database warm (data folder exists) and fresh (new folder), and on PostgreSQL — the compiled tree
// (`npm start`) next to the same start from TypeScript sources through tsx (how `npm start` ran
// before), with baselines in the same run: an empty node script, an empty tsx script, PGlite alone
// (opened as the app opens it), wechaty with the mock puppet imported alone, and the compiled start's
// own module graph imported alone; from these it prints where the warm start's time goes.
// Rounds are interleaved and medians printed: the machine may be shared.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freshPostgres } from './fresh-postgres.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const READY = /群聊内容如下|督办助手已启动/;

interface Run {
  ms: number;
  rssMb: number;
}

/** Runs a command until it prints the ready line (or exits), then reads its peak RSS and stops it. */
function run(args: string[], env: Record<string, string>, ready?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const peak = (): number => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : NaN;
      } catch {
        return NaN;
      }
    };
    const finish = (ms: number) => {
      if (done) return;
      done = true;
      const rssMb = peak();
      child.kill('SIGKILL');
      resolve({ ms, rssMb });
    };
    let lastRss = NaN;
    const poll = setInterval(() => (lastRss = peak() || lastRss), 100);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (ready && ready.test(out)) finish(performance.now() - t0);
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      clearInterval(poll);
      if (done) return;
      if (ready || code !== 0) return reject(new Error(`${args.join(' ')} exited ${code} before ready:\n${out.slice(-2000)}`));
      done = true;
      resolve({ ms: performance.now() - t0, rssMb: lastRss });
    });
    setTimeout(() => !done && (child.kill('SIGKILL'), reject(new Error(`${args.join(' ')}: not ready in 180 s:\n${out.slice(-2000)}`))), 180_000);
  });
}

const demoEnv = (dataDir: string, databaseUrl?: string): Record<string, string> => ({
  DUBAN_DATA_DIR: dataDir, DUBAN_PUPPET: 'mock', DUBAN_HTTP_PORT: '0', REDIS_URL: '', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});

async function main(): Promise<void> {
  // The compiled tree, as npm start would build it.
  const { isStale } = (await import(path.join(root, 'scripts', 'start-check.mjs'))) as { isStale: () => boolean };
  if (isStale()) spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const warmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-start-warm-'));
  const pg = await freshPostgres();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-start-'));
  fs.writeFileSync(path.join(scratch, 'empty.mjs'), '');
  fs.writeFileSync(path.join(scratch, 'empty.ts'), 'export {};\n');
  // PGlite opened as the app opens it (embedded-base.ts: its shared-buffers setting, the base for a fresh folder).
  fs.writeFileSync(path.join(scratch, 'pglite.mjs'), `import { createEmbedded } from '${path.join(root, 'dist/src/store/embedded-base.js')}';\nconst db = await createEmbedded(process.argv[2]); await db.query('select 1'); await db.close();\n`);
  fs.writeFileSync(path.join(scratch, 'wechaty.mjs'), `await import('${path.join(root, 'node_modules/wechaty/dist/esm/src/mods/mod.js')}');\nawait import('${path.join(root, 'node_modules/wechaty-puppet-mock/dist/esm/src/mod.js')}');\n`);
  // What `npm start` loads before it opens anything: the CLI, the start command and the app's static imports.
  fs.writeFileSync(path.join(scratch, 'app-modules.mjs'), ['cli/main.js', 'app/start-bot.js', 'app/create-app.js'].map((f) => `await import('${path.join(root, 'dist/src', f)}');`).join('\n'));
  const pgliteWarm = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-pglite-'));
  await run([path.join(scratch, 'pglite.mjs'), pgliteWarm], {});
  const compiled = ['scripts/start.mjs'];
  const sources = ['--import', 'tsx', 'src/cli/main.ts', 'start'];
  // Warm: the demo data folder exists from a first start.
  await run(compiled, demoEnv(warmDir), READY);
  const variants: Array<[string, () => Promise<Run>]> = [
    ['baseline: empty node script', () => run([path.join(scratch, 'empty.mjs')], {})],
    ['baseline: empty tsx script', () => run(['--import', 'tsx', path.join(scratch, 'empty.ts')], {})],
    ['baseline: PGlite alone, warm (open + select 1)', () => run([path.join(scratch, 'pglite.mjs'), pgliteWarm], {})],
    ['baseline: PGlite alone, fresh (from the base)', () => run([path.join(scratch, 'pglite.mjs'), fs.mkdtempSync(path.join(os.tmpdir(), 'duban-pglite-'))], {})],
    ['baseline: wechaty + mock puppet imported alone', () => run([path.join(scratch, 'wechaty.mjs')], {})],
    ['baseline: the compiled start\'s own modules imported alone', () => run([path.join(scratch, 'app-modules.mjs')], {})],
    ['demo start, embedded, warm — compiled (npm start)', () => run(compiled, demoEnv(warmDir), READY)],
    ['demo start, embedded, warm — from sources via tsx', () => run(sources, demoEnv(warmDir), READY)],
    ['demo start, embedded, fresh — compiled (npm start)', () => run(compiled, demoEnv(fs.mkdtempSync(path.join(os.tmpdir(), 'duban-start-fresh-'))), READY)],
    ...(pg ? ([['demo start, PostgreSQL — compiled (npm start)', () => run(compiled, demoEnv(fs.mkdtempSync(path.join(os.tmpdir(), 'duban-start-pg-')), pg.url), READY)]] as Array<[string, () => Promise<Run>]>) : []),
  ];
  const results = new Map<string, Run[]>(variants.map(([k]) => [k, []]));
  try {
    for (let r = 0; r < ROUNDS; r++) for (const [k, f] of variants) results.get(k)!.push(await f());
  } finally {
    await pg?.drop();
  }
  const med = (l: number[]) => [...l].sort((a, b) => a - b)[Math.floor(l.length / 2)]!;
  console.log(`start-up, medians of ${ROUNDS} interleaved rounds (ready = the demo's first chat line; RSS = peak, VmHWM):`);
  for (const [k, l] of results) console.log(`  ${k.padEnd(60)} ${(med(l.map((x) => x.ms)) / 1000).toFixed(2).padStart(6)} s   peak RSS ${med(l.map((x) => x.rssMb)).toFixed(0).padStart(5)} MB`);
  // Where the warm start goes: each baseline less the empty node script, and what is left.
  const m = (k: string) => med(results.get(k)!.map((x) => x.ms));
  const node = m('baseline: empty node script');
  const warm = m('demo start, embedded, warm — compiled (npm start)');
  const parts: Array<[string, number]> = [
    ['node itself (empty script)', node],
    ['our modules (static imports of the start)', m("baseline: the compiled start's own modules imported alone") - node],
    ['PGlite open (warm folder)', m('baseline: PGlite alone, warm (open + select 1)') - node],
    ['wechaty + mock puppet import', m('baseline: wechaty + mock puppet imported alone') - node],
  ];
  const accounted = parts.reduce((a, [, v]) => a + v, 0);
  console.log(`warm embedded start ${(warm / 1000).toFixed(2)} s (goal < 3 s), fresh ${(m('demo start, embedded, fresh — compiled (npm start)') / 1000).toFixed(2)} s (goal < 6 s); breakdown from the baselines (the chat adapter loads while the database opens, so these may overlap):`);
  for (const [k, v] of parts) console.log(`  ${k.padEnd(60)} ${(v / 1000).toFixed(2).padStart(6)} s`);
  console.log(`  ${'the rest: migration check, demo data, app start, first push'.padEnd(60)} ${((warm - accounted) / 1000).toFixed(2).padStart(6)} s`);
}

await main();
