import { describe, expect, it } from 'vitest';
import { isPublicationNote, readDateLine, readDocNumber, restoreOpeningQuote } from '../../src/domain/plan/document-header.ts';
import { findMechanisms } from '../../src/domain/plan/mechanisms.ts';
import { extractRoster } from '../../src/domain/plan/roster.ts';

describe('document particulars, including what a scrape leaves', () => {
  it('document numbers', () => {
    expect(readDocNumber('东府办发〔2022〕28号')).toBe('东府办发〔2022〕28号');
    expect(readDocNumber('东府办发202228')).toBe('东府办发〔2022〕28号');
    expect(readDocNumber('青府发[2024] 3号')).toBe('青府发〔2024〕3号');
    expect(readDocNumber('各镇、街办、管理处')).toBeNull();
  });
  it('issue dates', () => {
    expect(readDateLine('2022年 6月 30日')).toBe('2022-06-30');
    expect(readDateLine('2022年630')).toBe('2022-06-30');
    expect(readDateLine('2023年1231')).toBe('2023-12-31');
    expect(readDateLine('2024年区《政府工作报告》')).toBeNull();
  });
  it('a lost opening quote comes back after the place name', () => {
    expect(restoreOpeningQuote('东湖区强攻二季度、确保双过半”行动方案')).toBe('东湖区“强攻二季度、确保双过半”行动方案');
    expect(restoreOpeningQuote('东湖区“强攻二季度”行动方案')).toBe('东湖区“强攻二季度”行动方案');
  });
});

describe('a notice\'s publication note', () => {
  it('is each way a notice says how it is released, and nothing else', () => {
    for (const t of ['（此件公开至各部门）', '（此件主动公开）', '(此件依申请公开)', '（此件不予公开）', '（此件发至各街道）']) expect(isPublicationNote(t), t).toBe(true);
    for (const t of ['（此件主动公开', '此件主动公开', '（一）完善信息公开机制', '（此件）']) expect(isPublicationNote(t), t).toBe(false);
  });
});

describe('findMechanisms', () => {
  it('names cadences in order of first appearance', () => {
    expect(findMechanisms('用好用足“周督查、旬会商、月通报”等常态化机制，按照“一月一汇报、一月一申请”原则，实行逐月调度和一周一调度，落实周通报')).toEqual([
      '周督查',
      '旬会商',
      '月通报',
      '一月一汇报',
      '一月一申请',
      '逐月调度',
      '一周一调度',
      '周通报',
    ]);
  });
  it('leaves out mechanisms that are not cadences', () => {
    expect(findMechanisms('全面落实六级调度机制，运用好“交办单、转办单、提醒单、督办单”四单措施，“梳理—交办—跟踪—销号”闭环管理，“五个一”工作机制，年度建设内容，月度目标')).toEqual([]);
  });
});

describe('leadership group (领导小组) rosters', () => {
  it('reads role lines, indented continuation lines and role | name | title table rows', () => {
    const lines = [
      '组　长：王建国　区委副书记、区政府区长',
      '副组长：李明华　区委常委、区政府常务副区长',
      '　　　　赵　敏　区政府副区长',
      '　　　　陈志刚　区政府副区长、区公安分局局长',
      '成　员：区政府办、区发改委主要负责同志。',
      '组　长\t周　明\t区委副书记、区长',
      '副组长\t郑强\t区委常委、常务副区长',
      '吴丽\t副区长',
      '成　员\t区应急管理局局长',
    ].map((text, i) => ({ no: i + 1, text }));
    expect(extractRoster(lines).map((r) => [r.role, r.name, r.title])).toEqual([
      ['组长', '王建国', '区委副书记、区政府区长'],
      ['副组长', '李明华', '区委常委、区政府常务副区长'],
      ['副组长', '赵敏', '区政府副区长'],
      ['副组长', '陈志刚', '区政府副区长、区公安分局局长'],
      ['组长', '周明', '区委副书记、区长'],
      ['副组长', '郑强', '区委常委、常务副区长'],
      ['副组长', '吴丽', '副区长'],
    ]);
  });

  it('does not list 每周调度 beside the named 周调度', () => {
    expect(findMechanisms('实行周调度、月通报制度。各单位每周调度重点任务进展，每月通报。')).toEqual(['周调度', '月通报']);
  });
});
