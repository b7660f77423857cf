import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpretReply, type ReplyInterpretation } from '../../src/domain/reply/index.ts';
import { replyFixtureContext } from './reply-context.ts';

interface Case {
  text: string;
  from: string;
  expect: Pick<ReplyInterpretation, 'taskNos' | 'percent' | 'status' | 'hasProblem' | 'isProgressReport' | 'isReceipt'>;
}

const cases: Case[] = fs
  .readFileSync(path.join(import.meta.dirname, '../fixtures/replies.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Case);

interface Score {
  tp: number;
  fp: number;
  fn: number;
}
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
const precision = (s: Score) => ratio(s.tp, s.tp + s.fp);
const recall = (s: Score) => ratio(s.tp, s.tp + s.fn);

/** Per field: a value counts as found when not null/false; correct when equal to the label. */
function score(results: { got: ReplyInterpretation; want: Case['expect'] }[]) {
  const fields = { taskNos: { tp: 0, fp: 0, fn: 0 }, percent: { tp: 0, fp: 0, fn: 0 }, status: { tp: 0, fp: 0, fn: 0 },
    hasProblem: { tp: 0, fp: 0, fn: 0 }, isProgressReport: { tp: 0, fp: 0, fn: 0 }, isReceipt: { tp: 0, fp: 0, fn: 0 } };
  for (const { got, want } of results) {
    const gotNos = new Set(got.taskNos);
    const wantNos = new Set(want.taskNos);
    for (const n of gotNos) wantNos.has(n) ? fields.taskNos.tp++ : fields.taskNos.fp++;
    for (const n of wantNos) if (!gotNos.has(n)) fields.taskNos.fn++;
    for (const f of ['percent', 'status'] as const) {
      const g = got[f];
      const w = want[f];
      if (g !== null && g === w) fields[f].tp++;
      else {
        if (g !== null) fields[f].fp++;
        if (w !== null) fields[f].fn++;
      }
    }
    for (const f of ['hasProblem', 'isProgressReport', 'isReceipt'] as const) {
      if (got[f] && want[f]) fields[f].tp++;
      else if (got[f]) fields[f].fp++;
      else if (want[f]) fields[f].fn++;
    }
  }
  return fields;
}

describe('reply understanding on our labelled set', () => {
  const results = cases.map((c) => ({ c, got: interpretReply(c.text, replyFixtureContext), want: c.expect }));

  it('has at least 100 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it('prints precision/recall per field and meets the thresholds', () => {
    const fields = score(results);
    const rows = Object.entries(fields).map(([f, s]) => ({ field: f, precision: precision(s).toFixed(3), recall: recall(s).toFixed(3), ...s }));
    console.table(rows);
    const misses = results.filter((r) => JSON.stringify(pick(r.got)) !== JSON.stringify(r.want));
    if (misses.length) console.log('differences:\n' + misses.map((m) => `${m.c.text.slice(0, 60)}\n  got  ${JSON.stringify(pick(m.got))}\n  want ${JSON.stringify(m.want)}`).join('\n'));
    for (const [f, s] of Object.entries(fields)) {
      expect.soft(precision(s), `${f} precision`).toBeGreaterThanOrEqual(0.95);
      expect.soft(recall(s), `${f} recall`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('records nothing wrongly with confidence', () => {
    const wrong = results.filter(({ got, want }) => {
      if (got.confidence !== 'high' || !got.isProgressReport || got.items.length === 0) return false;
      return (
        JSON.stringify(got.taskNos) !== JSON.stringify(want.taskNos) ||
        got.percent !== want.percent ||
        (want.status !== null && got.status !== want.status)
      );
    });
    expect(wrong.map((w) => w.c.text.slice(0, 80))).toEqual([]);
  });

  it('asks one question for every report it cannot place', () => {
    for (const { got } of results) {
      if (got.isProgressReport && got.confidence === 'low') expect(got.question).toMatch(/[？?。]$/);
      if (got.confidence === 'high') expect(got.question).toBeNull();
    }
  });
});

function pick(r: ReplyInterpretation): Case['expect'] {
  return { taskNos: r.taskNos, percent: r.percent, status: r.status, hasProblem: r.hasProblem, isProgressReport: r.isProgressReport, isReceipt: r.isReceipt };
}
