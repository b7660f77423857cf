import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextForUnit, tasksFromPlanJson } from '../../src/chat/reply-contexts.ts';
import { interpretReply, type ReplyInterpretation } from '../../src/domain/reply/index.ts';
import { applyReport } from '../../src/domain/work/index.ts';

/**
 * One labelled example (written here, in the styles real offices use) per line of
 * test/fixtures/replies-conventions.jsonl, grouped by the convention it shows. Every example must be
 * read exactly: these are the rules, not a statistical target.
 */
interface Case {
  text: string;
  from: string;
  convention: string;
  expect: Pick<ReplyInterpretation, 'taskNos' | 'percent' | 'status' | 'hasProblem' | 'isProgressReport' | 'kind' | 'action'>;
}

const fixtures = path.join(import.meta.dirname, '../fixtures');
const cases: Case[] = fs.readFileSync(path.join(fixtures, 'replies-conventions.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Case);
const plan = tasksFromPlanJson(JSON.parse(fs.readFileSync(path.join(fixtures, 'replies-conventions-plan.json'), 'utf8')));

const pick = (r: ReplyInterpretation): Case['expect'] => ({
  taskNos: r.taskNos, percent: r.percent, status: r.status, hasProblem: r.hasProblem, isProgressReport: r.isProgressReport, kind: r.kind, action: r.action,
});

const conventions = [...new Set(cases.map((c) => c.convention))];

describe('reply conventions (self-written examples)', () => {
  it('has at least three examples of each convention', () => {
    for (const conv of conventions) expect(cases.filter((c) => c.convention === conv).length, conv).toBeGreaterThanOrEqual(3);
    expect(conventions).toEqual(expect.arrayContaining(['step', 'task', 'stage', 'trailing', 'percent', 'lagging', 'issue-name', 'terse', 'keyword', 'no-change', 'file', 'question', 'uncertain', 'directive']));
  });

  for (const conv of conventions) {
    describe(conv, () => {
      for (const c of cases.filter((x) => x.convention === conv)) {
        it(c.text.replace(/\n/g, '⏎'), () => {
          const r = interpretReply(c.text, contextForUnit(plan, c.from));
          expect({ ...pick(r), taskNos: [...r.taskNos].sort() }).toEqual({ ...c.expect, taskNos: [...c.expect.taskNos].sort() });
        });
      }
    });
  }

  it('moves a task no further than 报完成待核, and only when the task itself is said to be complete', () => {
    const at = new Date('2026-06-01T02:00:00Z');
    for (const c of cases) {
      const r = interpretReply(c.text, contextForUnit(plan, c.from));
      for (const item of r.items) {
        const out = applyReport({ state: 'in_progress', percent: 40 }, { percent: item.percent, status: item.status }, at);
        const claimsDone = out.patch.state === 'reported_done';
        expect(claimsDone, c.text).toBe(item.status === 'done' || item.percent === 100);
        // A step, a stage, a share, a file or "no change" never claims the task complete.
        if (!['task', 'trailing', 'terse'].includes(c.convention)) expect(claimsDone, c.text).toBe(false);
        expect(['closed', 'done']).not.toContain(out.patch.state);
      }
    }
  });

  it.each([
    ['第4项施工电梯已拆除80%', null],
    ['第6项主体结构已完成80%，正在砌筑二次结构', null],
    ['第6项变压器安装完成100%，外架拆除完成95%', null],
    ['第6项项目施工已完成80%', 80],
  ] as const)('a figure said of one part of the works is not the task’s percent: %s', (text, percent) => {
    const r = interpretReply(text, contextForUnit(plan, '区住建局'));
    expect(pick(r)).toMatchObject({ percent, status: 'in_progress', isProgressReport: true, action: 'record' });
  });

  it('records nothing it was not sure of: every ask and forward has no item to record or a question to send', () => {
    for (const c of cases) {
      const r = interpretReply(c.text, contextForUnit(plan, c.from));
      if (r.action === 'ask') expect(r.question, c.text).toMatch(/[？?。]$/);
      if (r.action === 'forward') expect(r.items, c.text).toEqual([]);
    }
  });
});
