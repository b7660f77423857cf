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

  describe('a unit numbering its own message is not naming tasks', () => {
    type Item = [taskNo: string, percent: number | null, status: string | null, hasProblem: boolean];
    const read = (unit: string, text: string) => interpretReply(text, contextForUnit(plan, unit));
    const recorded = (unit: string, text: string) => read(unit, text).items.map((i): Item => [i.taskNo, i.percent, i.status, i.problems !== null]);

    it.each<[string, string, Item[]]>([
      // 区城管局 has one task, 第10项: its own points go to it.
      ['区城管局', '1、主体结构已封顶\n2、外墙保温施工中', [['10', null, 'in_progress', false]]],
      ['区城管局', '1.完成投资3000万元，占年度计划的60%\n2.存在问题：资金到位慢', [['10', 60, 'in_progress', true]]],
      ['区城管局', '一、工作进展：已完成70%\n二、存在问题：无\n三、下一步：加快推进', [['10', 70, 'in_progress', false]]],
      ['区城管局', '（1）已完成初步设计\n（2）正在招标', [['10', null, 'in_progress', false]]],
      ['区城管局', '1.主体封顶。2.外墙施工中', [['10', null, 'in_progress', false]]],
      ['区城管局', '第10项：\n1、主体结构已封顶\n2、外墙保温施工中\n3、存在问题：雨季影响工期', [['10', null, 'in_progress', true]]],
      ['区城管局', '一、工作进展\n1、完成投资1.5亿元，占年度计划60%\n2、计划12月底完成验收\n二、存在问题\n1、资金缺口较大', [['10', 60, 'in_progress', true]]],
      // A share said of a named part is not the task's, even one that shares words with the task's name.
      ['区城管局', '1、老旧街区改造已完工\n2、背街小巷整治完成50%', [['10', null, 'in_progress', false]]],
      ['区城管局', '1、一期完成100%\n2、二期完成30%', [['10', null, 'in_progress', false]]],
      ['区城管局', '1、城市更新A片区完成60%\n2、城市更新B片区正在施工', [['10', null, 'in_progress', false]]],
      ['区城管局', '1、已完成12个片区\n2、第二批8个片区施工中，完成40%', [['10', null, 'in_progress', false]]],
      ['区城管局', '1、主体已封顶\n2、截至11月底，完成65%', [['10', 65, 'in_progress', false]]],
      // Points under a named task stay with it, however many tasks are named.
      ['区住建局', '第4项：\n1、主体结构已封顶\n2、外墙保温施工中', [['4', null, 'in_progress', false]]],
      ['区住建局', '第4项：1、主体封顶；2、完成80%\n第5项：1、完成60%；2、存在问题：无', [['4', 80, 'in_progress', false], ['5', 60, 'in_progress', false]]],
      ['区住建局', '1、第3项已完成70%\n2、第5项完成40%', [['3', 70, 'in_progress', false], ['5', 40, 'in_progress', false]]],
      // An outline heading goes with the task on its line, not the one above.
      ['区住建局', '一、工作进展：第3项已完成70%\n二、存在问题：第5项资金不到位', [['3', 70, 'in_progress', false], ['5', null, null, true]]],
      ['区住建局', '一、工作进展\n第3项已完成70%\n二、存在问题\n第5项资金不到位', [['3', 70, 'in_progress', false], ['5', null, null, true]]],
      // Numbers that are all the unit's own tasks, with nothing saying otherwise, are tasks.
      ['区住建局', '1、已完成\n2、60%', [['1', null, 'done', false], ['2', 60, 'in_progress', false]]],
      ['区住建局', '1、老旧小区改造完成60%\n2、按通知第3条要求，保障房完成40%', [['1', 60, 'in_progress', false], ['2', 40, 'in_progress', false]]],
      ['区住建局', '5、推进情况：完成70%', [['5', 70, 'in_progress', false]]],
      // A line above the list naming a task: the points are that task's.
      ['区住建局', '市民中心：\n1、已完成竣工验收\n2、完成100%', [['6', 100, 'done', false]]],
      ['区住建局', '关于老旧小区改造：\n1、完成改造12个\n2、完成年度计划的60%', [['1', 60, 'in_progress', false]]],
      ['区住建局', '市民中心项目本周进展：\n1、主体结构已封顶\n2、幕墙安装完成60%\n3、室内装修已启动', [['6', null, 'in_progress', false]]],
      // Points headed by task names go to those tasks, with the points under each.
      ['区住建局', '一、工作进展\n（一）充电站建设\n1、完成70%\n（二）老旧小区改造\n1、完成改造12个小区\n二、存在问题：无', [['3', 70, 'in_progress', false], ['1', null, 'in_progress', false]]],
      ['区住建局', '一、本周工作\n1、老旧小区改造完成年度计划的60%\n2、保障性住房主体封顶\n二、下一步\n1、加快推进', [['1', 60, 'in_progress', false], ['2', null, 'in_progress', false]]],
      // A numbered part's completion is a step: "1号停车场已建成投用" does not finish 建设智慧停车场.
      ['区住建局', '第9项：1号停车场已建成投用，2号停车场正在施工', [['9', null, 'in_progress', false]]],
      ['区住建局', '第6项：\n1、12月5日通过主体验收\n2、完成年度计划的60%', [['6', 60, 'in_progress', false]]],
      // Headings alone, and their empty answers, are no problem.
      ['区城管局', '一、工作进展\n完成65%\n二、存在问题及建议\n无', [['10', 65, 'in_progress', false]]],
      ['区城管局', '（一）进展情况\n完成改造12个，完成60%\n（二）存在问题\n无', [['10', 60, 'in_progress', false]]],
      ['区城管局', '① 主体已封顶\n② 外墙施工中', [['10', null, 'in_progress', false]]],
      // Plain replies the list rules must leave alone.
      ['区住建局', '3号 80%', [['3', 80, 'in_progress', false]]],
      ['区住建局', '3号和5号均已完成', [['3', null, 'done', false], ['5', null, 'done', false]]],
      ['区城管局', '1、11月完成60%', [['10', 60, 'in_progress', false]]],
      ['区住建局', '5.道路提升完成80%，同步实施污水管网改造', [['5', 80, 'in_progress', false]]],
      ['区住建局', '1、老旧小区改造完成60%\n2、保障房完成40%，含市民中心周边安置房', [['1', 60, 'in_progress', false], ['2', 40, 'in_progress', false]]],
      ['区住建局', '一、本周工作\n充电站建设完成60%', [['3', 60, 'in_progress', false]]],
      ['区住建局', '第3项：\n1、已建成5座，完成60%', [['3', 60, 'in_progress', false]]],
      ['区住建局', '第3项截至5号完成60%', [['3', 60, 'in_progress', false]]],
      ['区住建局', '第3项11月28号已全部建成投用', [['3', null, 'done', false]]],
      // An article of a document is no task, whatever number the document has.
      ['区住建局', '对照东政办发[2024]12号第5条，第8项已完成', [['8', null, 'done', false]]],
      ['区住建局', '根据〔2024〕12号第3条规定，第6项完成80%', [['6', 80, 'in_progress', false]]],
      ['区住建局', '第8项：管网铺设完成80%', [['8', 80, 'in_progress', false]]],
      // Numbered things and their shares are parts of the task.
      ['区住建局', '1号、2号停车场已完工', [['9', null, 'in_progress', false]]],
      ['区住建局', '第9项1号停车场已完工，2号停车场完成60%', [['9', null, 'in_progress', false]]],
      ['区住建局', '第6项：截至12.5，6号楼完成80%', [['6', null, 'in_progress', false]]],
      ['区住建局', '3号、5号已完成', [['3', null, 'done', false], ['5', null, 'done', false]]],
      ['区住建局', '第2项已按〔2024〕5号文要求完成60%', [['2', 60, 'in_progress', false]]],
      // A task that ends its own sentence does not borrow the next task's share.
      ['区住建局', '第6项完成。第5项完成60%', [['6', null, null, false], ['5', 60, 'in_progress', false]]],
    ])('%s: %s', (unit, text, items) => {
      expect(read(unit, text).action).toBe('record');
      expect(recorded(unit, text)).toEqual(items);
    });

    it.each<[string, string, RegExp]>([
      // Two shares, or a finished point beside one under way, cannot be one record of the task.
      ['区城管局', '1、完成年度投资计划的60%\n2、形象进度达到40%', /第10项的分项写了60%和40%/],
      ['区住建局', '第1项：\n1、A小区完成100%\n2、B小区完成40%\n第2项完成50%', /第1项的分项写了100%和40%/],
      // A number that is the unit's task, beside words naming another of its tasks: which is meant?
      ['区住建局', '1、老旧小区改造已完成60%\n2、标准厂房建设已封顶', /“2、”后面写的像是第4项/],
      ['区住建局', '1.老旧小区改造完成60%，2.污水管网改造完成40%', /“2\.”后面写的像是第8项/],
      ['区住建局', '3.标准厂房建设已封顶', /“3\.”后面写的像是第4项/],
      ['区住建局', '1、智慧停车场完成30%\n2、老旧小区改造完成60%\n3、完成投资1.5亿元', /“1、”后面写的像是第9项/],
      // Two tasks named, the list not headed by one: which is meant?
      ['区住建局', '本周工作：\n1、完成投资3000万元\n2、老旧小区改造已开工\n3、标准厂房主体封顶', /第1项、第4项中的哪一项/],
      // "3、4月份", "2、3月份" are months, not item 3 or task 2.
      ['区住建局', '3、4月份累计完成改造小区12个', /哪一项任务/],
      ['区住建局', '2、3月份因雨停工', /哪一项任务/],
      // A lone "1、" from a unit with no task 1, and no task named, is still asked about, never guessed.
      ['区城管局', '1、已完成60%', /第1项不是本单位/],
    ])('asks, records nothing: %s: %s', (unit, text, question) => {
      const r = read(unit, text);
      expect(r.action).toBe('ask');
      expect(r.question).toMatch(question);
    });
  });

  it.each(['第9项建设内容：新建停车位300个', '第9项总投资1.5亿元，新建停车位300个', '第2项：该项目新建保障房12栋', '第3项：项目概况：新建充电桩50个'])(
    'a description of the project is no report: %s',
    (text) => expect(interpretReply(text, contextForUnit(plan, '区住建局')).action).toBe('ignore'),
  );

  it('a count beside a question is still a question for the office; beside “no news” it is no change', () => {
    expect(interpretReply('第3项建成5座了，还需要上传照片吗？', contextForUnit(plan, '区住建局')).action).toBe('forward');
    expect(interpretReply('第1项本周无新进展，累计改造小区12个', contextForUnit(plan, '区住建局')).kind).toBe('no_change');
  });

  it('records nothing it was not sure of: every ask and forward has no item to record or a question to send', () => {
    for (const c of cases) {
      const r = interpretReply(c.text, contextForUnit(plan, c.from));
      if (r.action === 'ask') expect(r.question, c.text).toMatch(/[？?。]$/);
      if (r.action === 'forward') expect(r.items, c.text).toEqual([]);
    }
  });
});
