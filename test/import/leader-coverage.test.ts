import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const SEEDS = path.resolve(import.meta.dirname, '../../../shared/seeds');
const seed = (p: string) => path.join(SEEDS, fs.readdirSync(SEEDS).find((f) => f.startsWith(p))!);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-coverage-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (out += d));
  const env = { DUBAN_DATA_DIR: path.join(tmp, 'data'), DUBAN_UNITS_FILE: path.resolve(import.meta.dirname, '../../config/units.json') };
  return { code: await main(argv, { stdout, stderr, env }), out };
}

describe('every active plan reaches a leader', () => {
  it('a plan with no 牵头领导, roster or 分管领导 is a warning at import and in doctor; one with a roster is not', async () => {
    const imported = await run('import', seed('000'), seed('002'));
    expect(imported.code).toBe(0);
    const warnings = imported.out.split('\n').filter((l) => l.startsWith('警告：《'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^警告：《[^》]+》全部23项任务没有对应的领导/);
    const doctor = await run('doctor');
    expect(doctor.out).toMatch(/✘ leaders +《[^》]+》全部23项任务没有对应的领导/);
    expect(doctor.out).not.toMatch(/重大重点项目》.*没有对应的领导/);
  }, 120_000);
});
