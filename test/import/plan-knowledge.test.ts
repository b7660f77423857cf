import { describe, expect, it } from 'vitest';
import { COLLECTIVE_PATTERNS, isCollectiveName } from '../../src/domain/plan/collectives.ts';
import { CLAUSE_ENDINGS, RESPONSIBILITY_LABELS } from '../../src/domain/plan/labels.ts';
import { DEADLINE_PHRASES, deadlineInText, normaliseDeadline } from '../../src/domain/plan/normalise-deadline.ts';
import { findHeader } from '../../src/domain/plan/parse-plan-table.ts';
import { keylessMarkup, parseResponsibility } from '../../src/domain/plan/responsibility.ts';
import { splitUnitList } from '../../src/domain/plan/split-names.ts';

// Every entry of the knowledge tables is exercised: a label nobody can parse, a collective that
// splits, or a deadline phrase without a date would fail here.

describe('responsibility labels (labels.ts)', () => {
  it.each(RESPONSIBILITY_LABELS.map((e) => [e.label, e.role] as const))('%s： is read as %s', (label, role) => {
    const value = role === 'leaders' ? '周明' : role === 'deadline' ? '2026年6月底' : '区发改委';
    const r = parseResponsibility(`${label}：${value}`);
    if (role === 'leaders') expect(r.leaders).toEqual(['周明']);
    else if (role === 'deadline') expect(r.deadlineText).toBe('2026年6月底');
    else expect(r.units).toEqual([{ role, name: '区发改委' }]);
  });

  it.each(RESPONSIBILITY_LABELS.filter((e) => e.role !== 'leaders' || e.label.length <= 6).map((e) => [e.label, e.role] as const))('%s names a table column (%s)', (label, role) => {
    const header = findHeader([{ row: 1, cells: ['工作任务', label] }]);
    expect(header?.columns.get(role)).toBe(1);
  });

  it('a longer label wins over the label it ends with', () => {
    expect(parseResponsibility('协同责任单位：区统计局；牵头责任单位：区发改委').units).toEqual([
      { role: 'participating', name: '区统计局' },
      { role: 'lead', name: '区发改委' },
    ]);
  });
});

describe('markup written as clauses (CLAUSE_ENDINGS)', () => {
  it.each(CLAUSE_ENDINGS.map((c) => [c.example, c.role] as const))('%s → %s', (example, role) => {
    // A clause of each kind after a lead clause (a participating clause cannot open the markup).
    const markup = keylessMarkup(role === 'lead' ? example : `区政府办牵头，${example}`);
    expect(markup).not.toBeNull();
    const r = parseResponsibility(markup!);
    expect(r.units.some((u) => u.role === role)).toBe(true);
  });

  it('X、Y牵头，Z按职责分工负责', () => {
    const r = parseResponsibility(keylessMarkup('市政府办公室、市审批改革办牵头，市级各有关部门及各县市区政府按职责分工负责')!);
    expect(r.units).toEqual([
      { role: 'lead', name: '市政府办公室' },
      { role: 'lead', name: '市审批改革办' },
      { role: 'responsible', name: '市级各有关部门' },
      { role: 'responsible', name: '各县市区政府' },
    ]);
  });

  it('prose that only looks like markup stays prose', () => {
    expect(keylessMarkup('由群众监督')).toBeNull();
    expect(keylessMarkup('统筹负责')).toBeNull();
    expect(keylessMarkup('各街道配合')).toBeNull();
  });
});

describe('collective phrases (collectives.ts)', () => {
  it.each(COLLECTIVE_PATTERNS.map((p) => [p.example]))('%s is a collective', (example) => {
    expect(isCollectiveName(example)).toBe(true);
    expect(splitUnitList(`区发改委、${example}、区财政局`)).toEqual(['区发改委', example, '区财政局']);
  });

  it.each([
    ['各县（市、区）人民政府'],
    ['各县、市、区政府'],
    ['各园区、乡（镇）'],
    ['各镇（街道）、管理处'],
    ['各乡镇（街道）'],
    ['各县市区政府'],
    ['市级各有关部门'],
    ['区直各部门'],
    ['全区经济运行各专班'],
    ['市政府有关部门'],
    ['各村（社区）'],
  ])('%s stays whole in a list and is collective', (phrase) => {
    expect(splitUnitList(`区住建局、${phrase}`)).toEqual(['区住建局', phrase]);
    expect(isCollectiveName(phrase)).toBe(true);
  });

  it('a collective ends where a named unit begins', () => {
    expect(splitUnitList('各街道、区直各部门')).toEqual(['各街道', '区直各部门']);
    expect(splitUnitList('各街道、市场监管局')).toEqual(['各街道', '市场监管局']);
    expect(splitUnitList('各镇、街道、区发改委')).toEqual(['各镇、街道', '区发改委']);
  });

  it('及 / 和 join two units, not words inside one name', () => {
    expect(splitUnitList('市级各有关部门及各县市区政府')).toEqual(['市级各有关部门', '各县市区政府']);
    expect(splitUnitList('区教育和体育局')).toEqual(['区教育和体育局']);
  });

  it('single units are not collectives', () => {
    for (const name of ['区发改委', '青云谱镇', '洪都街道', '区城管局']) expect(isCollectiveName(name)).toBe(false);
  });
});

describe('deadline phrases (DEADLINE_PHRASES)', () => {
  const examples = DEADLINE_PHRASES.flatMap((r) => r.examples.map(([text, date]) => [r.name, text, date] as const));
  it.each(examples)('%s: %s → %s', (_name, text, date) => {
    expect(normaliseDeadline(text, { year: 2026 }).date).toBe(date);
  });

  it.each([
    ['加快建设城市书房，力争9月底前建成并投入使用。', '9月底前', '2026-09-30'],
    ['2022年10月底前编制并公布市、县两级清单，将事项全部纳入清单管理。', '2022年10月底前', '2022-10-31'],
    ['6月底前完成方案，12月31日前全面完成整改。', '6月底前；12月31日前', '2026-12-31'],
    ['确保年底前全部完工。', '年底前', '2026-12-31'],
  ])('mid-sentence: %s', (text, phrase, date) => {
    const found = deadlineInText(text, { year: 2026 });
    expect(found).toBe(phrase);
    expect(normaliseDeadline(found, { year: 2026 }).date).toBe(date);
  });

  it('a date that is description, not a deadline, is not taken', () => {
    expect(deadlineInText('2025年完成投资12亿元，同比增长8%。', { year: 2026 })).toBeNull();
  });
});
