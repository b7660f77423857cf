import { describe, expect, it } from 'vitest';
import { dropAutospace, foldRadicals, hasTraditional, joinBrokenWords, normaliseText, originalFinder, simplify, toHalfWidth } from '../../src/domain/plan/normalise-text.ts';
import { tableFromText } from '../../src/domain/plan/text-tables.ts';
import { toSourceLines } from '../../src/domain/plan/parse-plan-text.ts';

describe('normalisation before parsing', () => {
  it('traditional → simplified, one character for one', () => {
    const t = '牽頭單位：市發展改革委；責任單位：各縣（市、區）人民政府';
    expect(simplify(t)).toBe('牵头单位：市发展改革委；责任单位：各县（市、区）人民政府');
    expect(simplify(t).length).toBe(t.length);
  });

  it('a heading with no telling character is converted when the document is known to be traditional', () => {
    expect(hasTraditional('強化要素保障')).toBe(false);
    expect(simplify('強化要素保障')).toBe('強化要素保障');
    expect(simplify('強化要素保障', true)).toBe('强化要素保障');
  });

  it('Kangxi radicals and compatibility ideographs (left by PDF fonts) become the characters they look like', () => {
    const fromPdf = '推进\u2f2f作落实，\u2f00季度完成，区\u2f2f信局牵头';
    expect(fromPdf).not.toContain('工作');
    expect(foldRadicals(fromPdf)).toBe('推进工作落实，一季度完成，区工信局牵头');
    expect(normaliseText(fromPdf)).toBe('推进工作落实，一季度完成，区工信局牵头');
    expect(foldRadicals('\uf900')).toBe('\u8c48');
    expect(foldRadicals('⻓三角')).toBe('⻓三角'); // no equivalent in Unicode: left as printed
  });

  it('the gap a PDF shows between Chinese and digits or letters is not a space; spaces between Chinese words or Latin words stay', () => {
    expect(dropAutospace('改造 300 户，2026 年 6 月 GDP 增长 5%')).toBe('改造300户，2026年6月GDP增长5%');
    expect(dropAutospace('张三 李四')).toBe('张三 李四');
    expect(dropAutospace('GB 50016 ISO 9001')).toBe('GB 50016 ISO 9001');
  });

  it('full-width digits, letters and % become ASCII; Chinese punctuation stays', () => {
    expect(toHalfWidth('完成２０２６年９月底前，增长８％（ＧＤＰ）')).toBe('完成2026年9月底前，增长8%（GDP）');
    expect(normaliseText('２０２６年牽頭')).toBe('2026年牵头');
  });

  it('the words as printed are found again from the normalised ones', () => {
    const original = '1.推進第1項工作。(市財政局牽頭)\n2.推進第2項工作。';
    const restore = originalFinder(original, normaliseText(original, true));
    expect(restore('推进第2项工作。')).toBe('推進第2項工作。');
    expect(restore('推进第1项工作。')).toBe('推進第1項工作。');
    expect(restore('不在文中')).toBe('不在文中');
  });

  it('words broken by a layout line break are joined; spaces between Latin words stay', () => {
    expect(joinBrokenWords('优化“无忧办”工作机 制，全力服务重 大项目')).toBe('优化“无忧办”工作机制，全力服务重大项目');
    expect(joinBrokenWords('建设 5G 基站 120 个')).toBe('建设 5G 基站 120 个');
  });
});

describe('tables pasted as text', () => {
  const rows = (text: string) => tableFromText(toSourceLines(text))?.map((r) => r.cells);

  it('pipe rows, with a Markdown separator and a title above', () => {
    expect(rows('台账\n| 序号 | 工作任务 | 责任单位 |\n|---|---|---|\n| 1 | 建设公园 | 区城管局 |\n| 2 | 改造道路 | 区住建局 |')).toEqual([
      ['台账'],
      ['序号', '工作任务', '责任单位'],
      ['1', '建设公园', '区城管局'],
      ['2', '改造道路', '区住建局'],
    ]);
  });

  it('one cell per line ending in a pipe; a cell may wrap onto the next line', () => {
    expect(rows('序号 |\n工作任务 |\n责任单位 |\n1 |\n建设口袋公园，\n新增绿地 |\n区城管局 |\n2 |\n改造道路 |\n区住建局 |')).toEqual([
      ['序号', '工作任务', '责任单位'],
      ['1', '建设口袋公园，\n新增绿地', '区城管局'],
      ['2', '改造道路', '区住建局'],
    ]);
  });

  it('one cell per line without pipes: rows start at the next 序号, wrapped task text is joined back', () => {
    expect(rows('序号\n工作任务\n牵头单位\n完成时限\n1\n建设口袋公园，\n新增绿地\n区城管局\n年底前\n一、民生\n2\n改造道路\n区住建局\n9月底')).toEqual([
      ['序号', '工作任务', '牵头单位', '完成时限'],
      ['1', '建设口袋公园，\n新增绿地', '区城管局', '年底前'],
      ['一、民生'],
      ['2', '改造道路', '区住建局', '9月底'],
    ]);
  });

  it('running text that mentions column names is not a table', () => {
    expect(rows('一、工作任务\n1.建设公园。（责任单位：区城管局）\n2.改造道路。（责任单位：区住建局）')).toBeUndefined();
  });
});
