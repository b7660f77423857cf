import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import { createPgDatabase } from '../helpers/databases.ts';

async function run(args: string[], input: string, env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await main(['parse-reply', ...args], { stdout, stderr, env: { ...env }, stdin: Readable.from([input]) });
  return { code, lines: out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>), err };
}

const GOLD_000 = '/work/shared/gold/000_6f6368d3106e93bf.json';
const planFile = (): string => {
  if (fs.existsSync(GOLD_000)) return GOLD_000;
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duban-pr-')), 'plan.json');
  fs.writeFileSync(f, JSON.stringify({ tasks: [1, 2, 3].map((n) => ({ no: String(n), title: `任务${n}`, textStartsWith: '', leadUnits: [], responsibleUnits: ['区商务局'], participatingUnits: [] })) }));
  return f;
};

describe('duban parse-reply --jsonl', () => {
  it('prints one line per input line with the measured fields, using --tasks as context', async () => {
    const input = [
      { text: '第3项已完成60%，存在资金缺口', from: '区商务局' },
      { text: '收到', from: '区商务局' },
      { text: '第3项同比增长6%', from: '区商务局' },
      { text: '第999项完成150%', from: '区商务局' },
    ].map((l) => JSON.stringify(l)).join('\n');
    const { code, lines } = await run(['--jsonl', '--tasks', planFile()], input);
    expect(code).toBe(0);
    expect(lines).toEqual([
      { taskNos: ['3'], percent: 60, status: 'in_progress', hasProblem: true, isProgressReport: true },
      { taskNos: [], percent: null, status: null, hasProblem: false, isProgressReport: false },
      { taskNos: ['3'], percent: null, status: null, hasProblem: false, isProgressReport: false },
      { taskNos: [], percent: null, status: null, hasProblem: false, isProgressReport: true },
    ]);
  });

  it('keeps going past a bad line, saying which, and exits non-zero', async () => {
    const { code, lines, err } = await run(['--jsonl', '--tasks', planFile()], '{"text":"第1项完成"}\nnot json\n{"from":"x"}\n');
    expect(code).toBe(1);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toHaveProperty('error');
    expect(err).toContain('第2行');
    expect(err).toContain('第3行');
  });

  it('takes the task context from the database without --tasks', async () => {
    const { url, drop } = await createPgDatabase();
    try {
      const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
      const plan = await db.prisma.plan.create({ data: { sourceDocument: 'p.docx', title: 'p', mechanisms: [] } });
      const unit = await db.prisma.unit.create({ data: { name: '区住建局', kind: 'department', aliases: [] } });
      for (const [i, title] of ['推进老旧小区改造', '加快保障性住房建设'].entries()) {
        await db.prisma.task.create({ data: { planId: plan.id, no: String(i + 1), seq: i, title, text: title, units: { create: [{ role: 'lead', rawName: '区住建局', unitId: unit.id }] }, assignments: { create: [{ role: 'lead', unitId: unit.id }] } } });
      }
      await db.close();
      const { lines } = await run(['--jsonl'], JSON.stringify({ text: '保障性住房建设完成七成', from: '区住建局' }), { DATABASE_URL: url });
      expect(lines).toEqual([{ taskNos: ['2'], percent: 70, status: 'in_progress', hasProblem: false, isProgressReport: true }]);
    } finally {
      await drop();
    }
  });
});
