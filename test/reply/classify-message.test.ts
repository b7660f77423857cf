import { describe, expect, it } from 'vitest';
import { asksQuestion, isDirective, saysNoChange, sharedFileName } from '../../src/domain/reply/classify-message.ts';
import { reachesStage } from '../../src/domain/reply/detect-status.ts';
import { extractNotes } from '../../src/domain/reply/extract-notes.ts';
import { extractPercents } from '../../src/domain/reply/extract-percent.ts';
import { findTaskRefs } from '../../src/domain/reply/find-task-refs.ts';
import { normalizeReplyText } from '../../src/domain/reply/normalize-reply-text.ts';
import { PROGRESS_STAGES } from '../../src/domain/reply/progress-stages.ts';

describe('a report of no change', () => {
  it.each(['这周没有新进展', '本周暂无变化', '第3项本周无新进展', '进展同上周', '与上周相同', '暂无新的进展'])('%s', (t) => expect(saysNoChange(t)).toBe(true));
  it.each(['第3项有新进展，已开工', '没有问题', '无滞后，正常推进', '第2项完成60%'])('not: %s', (t) => expect(saysNoChange(t)).toBe(false));
});

describe('a question for the office', () => {
  it.each(['第3项的时限能不能延后？', '这个表怎么填', '报表什么时候交', '第5项要按投资算吗', '请问谁负责第2项'])('%s', (t) => expect(asksQuestion(t)).toBe(true));
  it.each(['第3项已完成60%', '标准厂房那个，因为资金没到位停工了', '第2项进展同上周'])('not: %s', (t) => expect(asksQuestion(t)).toBe(false));
});

describe('a file named for tasks', () => {
  it.each([
    ['[文件] 区住建局第2项、第5项进展.docx', '区住建局第2项、第5项进展.docx'],
    ['【附件】标准厂房建设进展.pdf', '标准厂房建设进展.pdf'],
    ['第6项推进情况表.xlsx', '第6项推进情况表.xlsx'],
  ])('%s', (t, name) => expect(sharedFileName(t)).toBe(name));
  it.each(['第3项已完成，见附件', '[文件]', '请把第2项材料发一下'])('not: %s', (t) => expect(sharedFileName(t)).toBeNull());
});

describe('an instruction or plan said to others is not a report', () => {
  it.each(['请各单位加快推进，确保年底前完成', '下一步要强化督促指导，对进度滞后的项目要查明原因', '4月份计划：加快未开工项目尽快开工', '县督查室将对未达到序时进度的任务进行重点督查'])('%s', (t) =>
    expect(isDirective(t)).toBe(true));
  it.each(['已完成年度计划的60%', '10个项目因征地拆迁原因进度有所滞后，需加大工作力度', '正在加快推进'])('not: %s', (t) => expect(isDirective(t)).toBe(false));
});

describe('the vocabulary of progress stages', () => {
  it.each(PROGRESS_STAGES.map((s) => s.word))('已%s is a stage reached; 计划下月%s is not', (w) => {
    expect(reachesStage(`已${w}`)).toBe(true);
    expect(reachesStage(`计划下月${w}`)).toBe(false);
  });
  it.each(['钢结构正在吊装', '二层主体已开建', '主体施工至第12层', '幕墙安装进入收尾阶段', '累计开工87项', '沥青摊铺中', '施工队伍已进场'])('%s', (t) => expect(reachesStage(t)).toBe(true));
  it.each(['预计年底封顶', '将于8月开工', '尚未开工', '确保10月前进场'])('not: %s', (t) => expect(reachesStage(t)).toBe(false));
});

describe('completion percent only', () => {
  const valid = (t: string) => extractPercents(t).filter((f) => f.valid).map((f) => f.value);
  it.each([
    ['完成年度计划51.55%，高于时序进度1.55%', [52]],
    ['占年度计划投资46%', [46]],
    ['为年度计划投资的13.86%', [14]],
    ['开工率80%，完工率70%', [70]],
    ['道路提升工程已完成70%', [70]],
    ['同比增长8.1%（全省平均6.3%）', []],
    ['整改率85%', []],
    ['完成地下段主体结构施工的85%', []],
    ['完成阶段目标任务的100%', []],
    ['目前仍有过半工程项目没有开工', []],
    ['完成过半', [50]],
    ['完成总工程量的97%', [97]],
    // A figure said of one part of the works is that part's share, not the task's.
    ['施工电梯已拆除80%', []],
    ['主体结构已完成80%', []],
    ['土方开挖完成约70%', []],
    ['幕墙安装已达到60%', []],
    ['高压电缆敷设完成65%', []],
    ['暖通工程完成至78%', []],
    ['变压器安装完成100%', []],
    ['主体结构施工已完成80%', []],
    ['主体结构进度达80%', []],
    ['土方开挖已完成总量的70%', []],
    // General words describe the whole project.
    ['项目施工已完成80%', [80]],
    ['管网改造项目已完成60%', [60]],
  ] as const)('%s → %j', (t, want) => expect(valid(t)).toEqual(want));

  it('keeps a figure about works the task is named for as the task’s', () => {
    const withLabel = (t: string, label: string) => extractPercents(t, label).filter((f) => f.valid).map((f) => f.value);
    expect(withLabel('违建拆除已完成80%', '开展违建拆除整治')).toEqual([80]);
    expect(withLabel('违建拆除已完成80%', '推进老旧小区改造')).toEqual([]);
    // The thing worked on is the task's own, right before the works word.
    expect(withLabel('污水管网铺设完成60%', '推进污水管网改造')).toEqual([60]);
    expect(withLabel('老旧小区改造外墙保温完成80%', '推进老旧小区改造')).toEqual([]);
  });
});

describe('task references', () => {
  const nos = (t: string) => findTaskRefs(normalizeReplyText(t)).map((r) => r.n);
  it.each([
    ['5 完成40%', [5]],
    ['3 80%', [3]],
    ['1 已完成\n2 60%', [1, 2]],
    ['3 个项目已开工', []],
    ['65件民生实事已完成26件，已开工事项65件', []],
    ['香山中路8号新建商务用房已封顶', []],
    ['老旧小区改造（第一项）、充电站建设（第三项）', [1, 3]],
    ['3号已完成', [3]],
    ['3号任务推进中', [3]],
    ['3号楼、5号楼已封顶', []],
    ['3号路停车场完成60%', []],
    ['根据区委办〔2024〕5号要求', []],
    ['按通知第3条要求推进', []],
  ] as const)('%s → %j', (t, want) => expect(nos(t)).toEqual(want));

  it('reads traditional characters as simplified', () => {
    expect(normalizeReplyText('現已完成外牆粉刷，預計9月底完工')).toBe('现已完成外墙粉刷,预计9月底完工');
  });
});

describe('an outline heading answered with nothing is no problem', () => {
  it.each(['存在问题：无', '二、存在问题:无', '需协调事项：暂无', '问题及困难：没有', '二、存在问题'])('%s', (t) => expect(extractNotes(t).problems).toBeNull());
  it.each(['存在问题：资金到位慢', '二、存在问题：无法按期完成征收'])('but: %s', (t) => expect(extractNotes(t).problems).not.toBeNull());
});
