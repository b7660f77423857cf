import { describe, expect, it } from 'vitest';
import { extractMilestones, milestonesFromDeadlineText, normaliseDeadline } from '../../src/domain/plan/normalise-deadline.ts';

describe('normaliseDeadline', () => {
  const cases: [string, string | null, string][] = [
    ['2024年12月底', '2024-12-31', 'date'],
    ['年底前', '2024-12-31', 'date'],
    ['三季度末', '2024-09-30', 'date'],
    ['第一季度', '2024-03-31', 'date'],
    ['上半年', '2024-06-30', 'date'],
    ['6月30日前', '2024-06-30', 'date'],
    ['2025年11月', '2025-11-30', 'date'],
    ['2022年 6月 30日', '2022-06-30', 'date'],
    ['十二月二十日前', '2024-12-20', 'date'],
    ['2月底', '2024-02-29', 'date'],
    ['9月中旬', '2024-09-20', 'date'],
    ['2026年', '2026-12-31', 'date'],
    ['２０２５年３月底', '2025-03-31', 'date'],
    ['次年3月', '2025-03-31', 'date'],
    ['明年底前', '2025-12-31', 'date'],
    ['说明年底前完成', '2024-12-31', 'date'],
    ['春节前', '2025-01-28', 'date'],
    ['2024年春节前', '2024-02-09', 'date'],
    ['元旦前', '2024-12-31', 'date'],
    ['国庆节前', '2024-09-30', 'date'],
    ['五一前', '2024-04-30', 'date'],
    ['春节期间', null, 'none'],
    ['次年春节前', '2025-01-28', 'date'],
    ['2025.12', '2025-12-31', 'date'],
    ['2025-09', '2025-09-30', 'date'],
    ['每季度末', null, 'recurring'],
    ['每学期开学前', null, 'recurring'],
    ['长期坚持', null, 'open'],
    ['持续推进', null, 'open'],
    ['', null, 'none'],
  ];
  it.each(cases)('%s → %s (%s)', (text, date, kind) => {
    const d = normaliseDeadline(text, { year: 2024 });
    expect(d.date).toBe(date);
    expect(d.kind).toBe(kind);
    if (text) expect(d.text).toBe(text.trim());
  });

  it('keeps the recurrence as written and never invents a date for it', () => {
    expect(normaliseDeadline('每季度末报送进展', { year: 2024 })).toEqual({ kind: 'recurring', date: null, text: '每季度末报送进展', recurrence: '每季度末报送进展' });
    expect(normaliseDeadline('每月25日前', { year: 2024 })).toMatchObject({ kind: 'recurring', date: null });
  });

  it('takes the last of several dates as the deadline', () => {
    expect(normaliseDeadline('6月底前完成方案；9月底前全面完成', { year: 2025 }).date).toBe('2025-09-30');
  });

  it('gives no date when the phrase names no year and none is known', () => {
    expect(normaliseDeadline('年底前', {})).toMatchObject({ kind: 'none', date: null, text: '年底前' });
    expect(normaliseDeadline('2024年12月底', {}).date).toBe('2024-12-31');
  });
});

describe('extractMilestones', () => {
  it('finds dated steps that open a clause', () => {
    expect(extractMilestones('推进学校建设。6月底前完成可研批复；9月底前开工建设；年底前完成主体工程。', { year: 2024 })).toEqual([
      { dueOn: '2024-06-30', deadlineText: '6月底前', text: '6月底前完成可研批复' },
      { dueOn: '2024-09-30', deadlineText: '9月底前', text: '9月底前开工建设' },
      { dueOn: '2024-12-31', deadlineText: '年底前', text: '年底前完成主体工程' },
    ]);
  });
  it('finds a dated step after a comma inside a sentence', () => {
    expect(extractMilestones('开展政策措施清理，6月底前完成存量文件清理；9月底前形成清理报告。', { year: 2024 }).map((m) => m.dueOn)).toEqual(['2024-06-30', '2024-09-30']);
  });
  it('ignores dates in the middle of a description', () => {
    expect(extractMilestones('力争每年新增2幢“亿元楼”，2026年底“亿元楼”突破13幢', { year: 2024 })).toEqual([]);
  });
});

describe('milestonesFromDeadlineText', () => {
  it('steps of a deadline cell: by line, by comma, or joined with nothing between (the lines of a PDF cell)', () => {
    const want = [
      { dueOn: '2026-06-30', deadlineText: '6月底', text: '6月底前完成申报' },
      { dueOn: '2026-12-31', deadlineText: '12月底', text: '12月底前完成认定' },
    ];
    for (const t of ['6月底前完成申报\n12月底前完成认定', '6月底前完成申报，12月底前完成认定', '6月底前完成申报12月底前完成认定']) expect(milestonesFromDeadlineText(t, { year: 2026 }), t).toEqual(want);
  });

  it('a date inside a step is no step of its own', () => {
    for (const t of ['6月底前完成2025年项目审计', '2026年12月底', '12月底前完成2027年开工项目储备', '2026年12月底前完成2027年启动项目前期工作', '6月底前完成上半年完成情况评估', '2026年底前完成三季度开工项目验收']) {
      expect(milestonesFromDeadlineText(t, { year: 2026 }), t).toEqual([]);
    }
  });

  it('a joining word before the next step is not part of the step before', () => {
    expect(milestonesFromDeadlineText('6月底前完成申报，力争12月底前完成认定', { year: 2026 }).map((m) => m.text)).toEqual(['6月底前完成申报', '12月底前完成认定']);
  });
});
