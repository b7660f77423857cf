import { describe, expect, it } from 'vitest';
import { feedbackOf, instructionDue, instructionTally, instructionWording, readInstruction, readInstructionOn, readLeaderQuestion, unitsNamedIn, type InstructionTask } from '../../src/domain/instruction/index.ts';
import { owesReport, tasksOverseen, tasksWithoutLeader } from '../../src/domain/work/index.ts';
import { answerableLabel, shortenUnits } from '../../src/reports/responsible-units.ts';

const units = [
  { id: 1, name: '区住房和城乡建设局', aliases: ['区住建局'] },
  { id: 2, name: '区发展和改革委员会', aliases: ['区发改委'] },
  { id: 3, name: '区商务局', aliases: [] },
  { id: 4, name: '洪都街道', aliases: [] },
];
const task = (taskId: number, planShort: string, no: string, title: string, parts: InstructionTask['parts']): InstructionTask => ({ taskId, planId: planShort === '政府工作报告' ? 2 : 1, planShort, no, title, text: title, parts });
const tasks = [
  task(10, '重大重点项目', '三', '全力招商，持续发力项目招引', [{ unitId: 3, role: 'lead', open: true }]),
  task(20, '政府工作报告', '3', '繁荣现代商贸', [{ unitId: 3, role: 'responsible', open: true }, { unitId: 4, role: 'participating', open: true }]),
  task(21, '政府工作报告', '5', '聚力楼宇提质升级', [{ unitId: 3, role: 'responsible', open: true }, { unitId: 1, role: 'responsible', open: false }]),
];
const read = (text: string, today = '2026-05-11') => readInstruction(text, { tasks, units, today });

describe('reading a 批示', () => {
  it('finds the plan-qualified task, the unit named and the due date', () => {
    const r = read('请区商务局加快推进政府工作报告第3项，周五前报进展');
    expect(r).toMatchObject({ kind: 'instruction', dueOn: '2026-05-15', namedUnitIds: [3] });
    if (r.kind !== 'instruction') return;
    expect(r.targets.map((t) => [t.task.taskId, t.unitIds, t.addedUnitIds])).toEqual([[20, [3], []]]);
  });

  it('a number two plans share is asked about, never guessed', () => {
    expect(read('第3项请区商务局抓紧推进')).toEqual({ kind: 'ask', question: '请问是《重大重点项目》第三项还是《政府工作报告》第3项？请带上方案名称重发，如“重大重点项目第三项 …”。' });
  });

  it('a unit the task does not name is brought in; a unit already 销号 is not asked again', () => {
    const r = read('政府工作报告第5项请区发改委牵头协调，区住建局配合');
    if (r.kind !== 'instruction') throw new Error(r.kind);
    expect(r.targets[0]).toMatchObject({ unitIds: [2], addedUnitIds: [2] });
  });

  it('without a unit named, the task’s open lead and responsible units are concerned (not participating ones)', () => {
    const r = read('政府工作报告第3项要抓紧');
    if (r.kind !== 'instruction') throw new Error(r.kind);
    expect(r.targets[0]!.unitIds).toEqual([3]);
  });

  it('a task by the words of its title, when no number is given', () => {
    const r = read('繁荣现代商贸这项工作请区商务局抓紧');
    if (r.kind !== 'instruction') throw new Error(r.kind);
    expect(r.targets[0]!.task.taskId).toBe(20);
  });

  it('questions, remarks and unknown numbers are not 批示', () => {
    expect(read('政府工作报告第3项怎么样了')).toEqual({ kind: 'none' });
    expect(read('收到，辛苦了')).toEqual({ kind: 'none' });
    expect(read('请加快推进政府工作报告第99项')).toEqual({ kind: 'unknown', refs: ['政府工作报告第99项'] });
  });

  it('on a task already chosen (the console’s 代录 form): any words are a 批示; units and date as chosen, else as in chat', () => {
    const on = (text: string, more: { unitIds?: number[]; dueOn?: string | null } = {}) => readInstructionOn(tasks[2]!, text, { units, today: '2026-05-11', ...more });
    // no directive words needed, no task number; the task's open lead and responsible units, the date the words set
    expect(on('已阅，周五前报我')).toMatchObject({ kind: 'instruction', dueOn: '2026-05-15', targets: [{ unitIds: [3], addedUnitIds: [] }] });
    // a unit the words name is brought in, as in chat
    expect(on('区发改委牵头协调').targets[0]).toMatchObject({ unitIds: [2], addedUnitIds: [2] });
    // units chosen on the form win over the words, but only the task's open parts; the date given wins too
    expect(on('区发改委牵头协调，周五前报', { unitIds: [3, 1, 2], dueOn: '2026-05-29' })).toMatchObject({ dueOn: '2026-05-29', targets: [{ unitIds: [3], addedUnitIds: [] }] });
    expect(on('请抓紧', { unitIds: [1] }).targets[0]!.unitIds).toEqual([]);
  });

  it('unit names by name, alias, or without the leading 区; longest first', () => {
    expect(unitsNamedIn('请住房和城乡建设局、发改委和区商务局抓紧', units).map((u) => u.id)).toEqual([1, 2, 3]);
  });
});

describe('the words of a 批示 as recorded and quoted', () => {
  it('drop the @-mention of the bot and the punctuation it leaves at the start, nothing else', () => {
    expect(instructionWording('@督办助手\u2005第30项请区住建局加快推进', '督办助手')).toBe('第30项请区住建局加快推进');
    expect(instructionWording('@督办助手 ，请区商务局加快推进第3项，周五前报进展', '督办助手')).toBe('请区商务局加快推进第3项，周五前报进展');
    expect(instructionWording('请区商务局加快推进第3项 @督办助手', '督办助手')).toBe('请区商务局加快推进第3项');
    expect(instructionWording('第3项@督办助手请抓紧', '督办助手')).toBe('第3项 请抓紧');
    // Another person's mention is part of what the leader said.
    expect(instructionWording('@李娜 第3项请抓紧', '督办助手')).toBe('@李娜 第3项请抓紧');
    expect(instructionWording('  请区商务局加快推进第3项  ', undefined)).toBe('请区商务局加快推进第3项');
  });
});

describe('the due date a 批示 sets', () => {
  // 2026-05-11 is a Monday, 2026-05-16 a Saturday.
  it.each([
    ['周五前报进展', '2026-05-11', '2026-05-15'],
    ['本周五前', '2026-05-16', '2026-05-22'],
    ['下周一前报送', '2026-05-11', '2026-05-18'],
    ['5月20日前完成', '2026-05-11', '2026-05-20'],
    ['20日前', '2026-05-21', '2026-06-20'],
    ['月底前拿出方案', '2026-05-11', '2026-05-31'],
    ['三个工作日内', '2026-05-11', '2026-05-14'],
    ['抓紧推进', '2026-05-11', null],
  ])('%s (%s) → %s', (text, today, due) => expect(instructionDue(text, today)).toBe(due));
});

describe('feedback and owing', () => {
  const issuedAt = new Date('2026-05-11T02:00:00Z');
  it('the feedback is the unit’s first report on the task since the 批示', () => {
    const reports = [
      { id: 1, unitId: 3, taskId: 20, at: new Date('2026-05-11T01:00:00Z') },
      { id: 3, unitId: 3, taskId: 20, at: new Date('2026-05-14T01:00:00Z') },
      { id: 2, unitId: 3, taskId: 20, at: new Date('2026-05-12T01:00:00Z') },
      { id: 4, unitId: 4, taskId: 20, at: new Date('2026-05-12T01:00:00Z') },
    ];
    expect(feedbackOf({ taskId: 20, unitId: 3, issuedAt }, reports)?.id).toBe(2);
    expect(feedbackOf({ taskId: 21, unitId: 3, issuedAt }, reports)).toBeNull();
  });

  it('an unanswered 批示 is owed whatever the role and the round; answered, it is not', () => {
    const round = { since: new Date('2026-05-18T00:00:00Z'), roles: ['lead', 'responsible'] as const };
    const part = { state: 'in_progress' as const, role: 'participating' as const, lastReportedAt: null, instructedAt: issuedAt };
    expect(owesReport(part, { ...round, roles: [...round.roles] })).toBe(true);
    expect(owesReport({ ...part, lastReportedAt: new Date('2026-05-12T00:00:00Z') }, { ...round, roles: [...round.roles] })).toBe(false);
    expect(owesReport({ ...part, state: 'reported_done' }, { ...round, roles: [...round.roles] })).toBe(false);
    expect(owesReport({ ...part, instructedAt: null }, { ...round, roles: [...round.roles] })).toBe(false);
  });

  it('您的批示：N条，已反馈M条 (a 批示 whose parts were all 销号 since counts as answered)', () => {
    const list = [
      { targets: [{ answeredAt: new Date(), open: true }] },
      { targets: [{ answeredAt: null, open: true }, { answeredAt: new Date(), open: true }] },
      { targets: [{ answeredAt: null, open: false }] },
    ];
    expect(instructionTally(list).line).toBe('您的批示：3条，已反馈2条');
  });
});

describe('a leader’s questions', () => {
  it.each([
    ['第3项怎么样了', { kind: 'task', ref: '第3项' }],
    ['政府工作报告第3项进展如何？', { kind: 'task', ref: '政府工作报告第3项' }],
    ['区住建局的任务', { kind: 'unit', name: '区住建局' }],
    ['住建局怎么样了', { kind: 'unit', name: '住建局' }],
    ['逾期的', { kind: 'overdue' }],
    ['哪些逾期了', { kind: 'overdue' }],
    ['我的批示', { kind: 'instructions' }],
    ['请区住建局加快推进第3项', null],
    ['我的任务', null],
  ])('%s', (text, q) => expect(readLeaderQuestion(text)).toEqual(q));
});

describe('who oversees what', () => {
  const list = [
    { id: 1, planId: 1, leaderIds: [], dutyUnitIds: [10] },
    { id: 2, planId: 1, leaderIds: [], dutyUnitIds: [11] },
    { id: 3, planId: 2, leaderIds: [7], dutyUnitIds: [10] },
    { id: 4, planId: 3, leaderIds: [], dutyUnitIds: [12] },
  ];
  const entries = [
    { personId: 5, planId: 1, unitId: null },
    { personId: 6, planId: null, unitId: 10 },
  ];
  it('a roster leader gets the whole plan, a 分管领导 the tasks of the unit, a 牵头领导 their own', () => {
    expect(Object.fromEntries(tasksOverseen(list, entries))).toEqual({ 5: [1, 2], 6: [1, 3], 7: [3] });
  });
  it('tasks nobody oversees are found, by plan', () => {
    expect(Object.fromEntries(tasksWithoutLeader(list, entries))).toEqual({ 3: [4] });
  });
});

describe('reports name who answers for a task', () => {
  const u = (id: number, name: string) => ({ id, name });
  it('the 牵头单位; else all the 责任单位, shortened; else as printed; 未明确 only when nobody is named', () => {
    expect(answerableLabel({ leadUnits: [u(1, '区商务局')], dutyUnits: [u(1, '区商务局'), u(2, '区财政局')] })).toBe('牵头：区商务局');
    expect(answerableLabel({ leadUnits: [], dutyUnits: [u(1, '区住建局'), u(2, '区发改委'), u(3, '区财政局'), u(4, '区商务局')] })).toBe('责任：区住建局、区发改委等4个单位');
    expect(answerableLabel({ leadUnits: [], dutyUnits: [], printedUnits: { lead: [], responsible: ['各项目相关责任单位'] } })).toBe('责任：各项目相关责任单位');
    expect(answerableLabel({ leadUnits: [], dutyUnits: [], printedUnits: { lead: [], responsible: [] } })).toBe('牵头：未明确');
    expect(shortenUnits(['甲', '乙', '丙'])).toBe('甲、乙、丙');
  });
});
