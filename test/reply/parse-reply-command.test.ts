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
      { taskNos: ['3'], percent: 60, status: 'in_progress', hasProblem: true, isProgressReport: true, kind: 'report', action: 'record', items: [{ taskNo: '3', percent: 60, status: 'in_progress', hasProblem: true }] },
      { taskNos: [], percent: null, status: null, hasProblem: false, isProgressReport: false, kind: 'receipt', action: 'record', items: [] },
      { taskNos: ['3'], percent: null, status: null, hasProblem: false, isProgressReport: false, kind: 'other', action: 'ignore', items: [] },
      { taskNos: [], percent: null, status: null, hasProblem: false, isProgressReport: true, kind: 'report', action: 'ask', items: [] },
    ]);
  });

  it('prints per-task items and what the bot would do: record, ask, forward or ignore', async () => {
    const plan = path.join(import.meta.dirname, '../fixtures/replies-conventions-plan.json');
    const input = [
      '其中2项已完成，即老旧小区改造（第一项）、污水管网改造（第八项）；市民中心已封顶（第六项）',
      '这周没有新进展',
      '[文件] 区住建局第2项、第5项进展.docx',
      '第3项的时限能不能延后？',
      '已完成',
    ].map((text) => JSON.stringify({ text, from: '区住建局' })).join('\n');
    const { code, lines } = await run(['--jsonl', '--tasks', plan], input);
    expect(code).toBe(0);
    expect(lines.map((l) => [l.kind, l.action])).toEqual([['report', 'record'], ['no_change', 'record'], ['file', 'record'], ['question', 'forward'], ['report', 'ask']]);
    expect(lines[0]!.items).toEqual([
      { taskNo: '1', percent: null, status: 'done', hasProblem: false },
      { taskNo: '8', percent: null, status: 'done', hasProblem: false },
      { taskNo: '6', percent: null, status: 'in_progress', hasProblem: false },
    ]);
    expect((lines[1]!.items as unknown[]).length).toBe(9);
    expect(lines[2]!.items).toEqual([
      { taskNo: '2', percent: null, status: null, hasProblem: false },
      { taskNo: '5', percent: null, status: null, hasProblem: false },
    ]);
    expect(lines[3]!.taskNos).toEqual(['3']);
    expect(lines[3]!.items).toEqual([]);
  });

  it('keeps going past a bad line, saying which, and exits non-zero', async () => {
    const { code, lines, err } = await run(['--jsonl', '--tasks', planFile()], '{"text":"第1项完成"}\nnot json\n{"from":"x"}\n');
    expect(code).toBe(1);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toHaveProperty('error');
    expect(lines[1]).toMatchObject({ action: 'ignore', items: [] });
    // Chinese, naming the line; not V8's "Unexpected token … is not valid JSON".
    expect(err).toContain('第2行不是合法的 JSON：not json');
    expect(err).toContain('第3行缺少字符串字段 text');
    expect(err).not.toMatch(/Unexpected|valid JSON/);
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
      expect(lines).toEqual([{
        taskNos: ['2'], percent: 70, status: 'in_progress', hasProblem: false, isProgressReport: true, kind: 'report', action: 'record',
        items: [{ taskNo: '2', percent: 70, status: 'in_progress', hasProblem: false }],
      }]);
    } finally {
      await drop();
    }
  });
});
