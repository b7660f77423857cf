import { describe, expect, it } from 'vitest';
import { toPlanJson } from '../../src/domain/plan/plan-json.ts';
import { parsePlanText, toSourceLines } from '../../src/domain/plan/parse-plan-text.ts';
import { resolvePlanUnits } from '../../src/domain/plan/resolve-plan-units.ts';
import { splitUnitList } from '../../src/domain/plan/split-names.ts';
import { expandCollective, indexDirectory, resolveUnitName, type UnitDirectory } from '../../src/domain/plan/unit-directory.ts';
import { parsePlanSource } from '../../src/import/import-plan-file.ts';
import { sourceFromText } from '../../src/import/read-plan-file.ts';

const directory: UnitDirectory = {
  units: [
    { name: '区发展和改革委员会', aliases: ['区发改委'], kind: 'department' },
    { name: '区财政局', aliases: [], kind: 'department' },
    { name: '区重点公共建设项目管理中心', aliases: ['区公建中心'], kind: 'department' },
    { name: '区住房和城乡建设局', aliases: ['区住建局'], kind: 'department' },
    { name: '区政府办公室', aliases: ['区政府办'], kind: 'office' },
    { name: '区安全生产委员会', aliases: ['区安委会'], kind: 'committee' },
    { name: '扬子洲镇', aliases: [], kind: 'town' },
    { name: '扬农管理处', aliases: [], kind: 'town' },
    { name: '洪都街道', aliases: [], kind: 'street' },
    { name: '豫章街道', aliases: [], kind: 'street' },
    { name: '区文化旅游投资有限公司', aliases: ['区文旅公司'], kind: 'other' },
  ],
};
const index = indexDirectory(directory);
const parse = (text: string, year?: number) => resolvePlanUnits(parsePlanText(toSourceLines(text), { document: 'test.txt', year }), index);

describe('other conventions of the genre', () => {
  it('keys on their own lines, 1、 numbering, 分管领导, 配合单位, （牵头）, 时间节点 and milestones', () => {
    const plan = parse(`关于做好2025年城市更新工作的实施方案
一、重点任务
（一）老旧小区改造
1、推进老旧小区改造。6月底前完成项目立项；9月底前全部开工。
分管领导：张三、李 四
责任单位：区住建局（牋头）、区财政局
配合单位：各镇、街道
时间节点：2025年12月底
2、建立长效管理机制
分管领导：张三
责任单位：区住建局（牵头）、区财政局
时间节点：长期坚持
（二）督查考核
3、每季度通报进展。
责任单位：区政府办
完成时限：每季度末
`);
    expect(plan.title).toBe('关于做好2025年城市更新工作的实施方案');
    expect(plan.tasks.map((t) => t.no)).toEqual(['1', '2', '3']);
    const [t1, t2, t3] = plan.tasks;
    expect(t1!.sections).toEqual(['重点任务', '老旧小区改造']);
    expect(t1!.leaders).toEqual(['张三', '李四']);
    expect(t1!.deadline).toEqual({ kind: 'date', date: '2025-12-31', text: '2025年12月底', recurrence: null });
    expect(t1!.milestones.map((m) => [m.dueOn, m.text])).toEqual([
      ['2025-06-30', '6月底前完成项目立项'],
      ['2025-09-30', '9月底前全部开工'],
    ]);
    expect(t1!.units.map((u) => [u.role, u.rawName])).toEqual([
      ['responsible', '区住建局（牋头）'],
      ['responsible', '区财政局'],
      ['participating', '各镇、街道'],
    ]);
    // The typo 牋头 is not the marker, and the name is reported, not dropped.
    expect(plan.warnings.some((w) => w.code === 'unit_suggestion' && w.message.includes('区住建局（牋头）'))).toBe(true);
    expect(t2!.units.filter((u) => u.role === 'lead').map((u) => u.rawName)).toEqual(['区住建局']);
    expect(t2!.deadline).toMatchObject({ kind: 'open', date: null, text: '长期坚持' });
    expect(t3!.deadline).toMatchObject({ kind: 'recurring', date: null, recurrence: '每季度末' });
    expect(t3!.sections).toEqual(['重点任务', '督查考核']);
  });

  it('（1） items under 1. with 〔〕 and () blocks; text after a closed block is not the task', () => {
    const plan = parse(`某区2024年安全生产工作要点
一、压实责任
1.落实安全生产责任制
（1）制定年度责任清单。〔牵头单位：区安委会；责任单位：区直各单位；完成时间：2024年3月31日前〕
（2）开展安全生产大检查。(责任单位:区安委会各成员单位,扬子洲镇、扬农管理处;完成时限:三季度末)
本条为说明文字，不属于任务。
二、保障措施
加强组织领导。
`, 2024);
    expect(plan.tasks.map((t) => [t.no, t.sections.join('>')])).toEqual([
      ['1', '压实责任>落实安全生产责任制'],
      ['2', '压实责任>落实安全生产责任制'],
    ]);
    expect(plan.tasks[0]!.deadline.date).toBe('2024-03-31');
    expect(plan.tasks[1]!.deadline.date).toBe('2024-09-30');
    expect(plan.tasks[1]!.text).toBe('开展安全生产大检查。');
    expect(plan.tasks[1]!.units.map((u) => [u.rawName, u.collective, u.resolved?.name ?? null])).toEqual([
      ['区安委会各成员单位', true, null],
      ['扬子洲镇', false, '扬子洲镇'],
      ['扬农管理处', false, '扬农管理处'],
    ]);
  });

  it('four levels, markup on （1） items, and nested numbers made unique as 1.1 / 1.2', () => {
    const plan = parse(`XX县2025年优化营商环境重点任务分工方案
一、提升政务服务效能
（一）深化“一网通办”
1.推进政务服务事项网上办理，网办率达到90%以上。
（1）梳理政务服务事项清单。（牵头单位：区财政局；配合单位：区直各单位；完成时限：2025年3月底前）
（2）升级改造网上办事大厅。（牵头单位：区财政局；完成时限：2025年6月30日前）
2.推行“免证办”服务。（责任单位：区财政局；完成时限：2025年12月底前）
二、保障措施
（一）强化督查考核。实行“月调度、季通报”。
`);
    expect(plan.tasks.map((t) => [t.no, t.sections, t.deadline.date])).toEqual([
      ['1.1', ['提升政务服务效能', '深化“一网通办”', '推进政务服务事项网上办理，网办率达到90%以上'], '2025-03-31'],
      ['1.2', ['提升政务服务效能', '深化“一网通办”', '推进政务服务事项网上办理，网办率达到90%以上'], '2025-06-30'],
      ['2', ['提升政务服务效能', '深化“一网通办”'], '2025-12-31'],
    ]);
    expect(plan.mechanisms).toEqual(['月调度', '季通报']);
  });

  it('items whose fields are labelled lines (责任领导: / 牵头单位: / 完成时间:)', () => {
    const plan = parse(`    关于印发《YY区2023年十大民生实事实施方案》的通知
    YY区2023年十大民生实事实施方案
    一、新建改扩建学校3所
    工作目标:新增学位2000个。
    责任领导:王五
    牵头单位:区教育局
    责任单位:区财政局、区住建局
    完成时间:2023年8月底
    二、改造老旧小区20个
    工作目标:惠及居民5000户。
    责任领导:赵六
    牵头单位:区住建局
    完成时间:2023年11月底
`);
    expect(plan.title).toBe('YY区2023年十大民生实事实施方案');
    expect(toPlanJson(plan).tasks.map((t) => [t.no, t.title, t.leaders, t.leadUnits, t.responsibleUnits, t.deadline])).toEqual([
      ['一', '新建改扩建学校3所', ['王五'], ['区教育局'], ['区财政局', '区住建局'], '2023-08-31'],
      ['二', '改造老旧小区20个', ['赵六'], ['区住建局'], [], '2023-11-30'],
    ]);
  });

  it('lead and helper markers in 〔〕 【】 or () brackets, with or without 单位', () => {
    const plan = parse(`2026年要素保障清单
一、用地保障
1. 开展批而未供土地专项处置。（责任单位：区住建局〔牵头〕、区财政局【配合】；完成时限：三季度末）
2. 强化融资服务。（责任单位：区发改委(牵头单位)、洪都街道（协办单位）；完成时限：每季度末）
`, 2026);
    expect(plan.tasks.map((t) => t.units.map((u) => [u.role, u.rawName]))).toEqual([
      [['lead', '区住建局'], ['participating', '区财政局']],
      [['lead', '区发改委'], ['participating', '洪都街道']],
    ]);
    expect(plan.warnings.filter((w) => w.code.startsWith('unit'))).toEqual([]);
  });

  it('markup written as clauses of the prose, and a title after the leader\'s name', () => {
    const plan = parse(`2026年城乡建设重点工作安排
一、城市更新
1.实施老旧小区改造。完成改造小区20个。（牵头领导：王五 副区长；责任单位：区住建局；完成时限：2026年11月底）
2.推进背街小巷整治。整治背街小巷30条，区住建局牵头，洪都街道、豫章街道配合，10月底前完成。
3.强化宣传引导，营造全民参与、社会共治的良好氛围。
二、保障措施
（一）加强组织领导。区政府办牵头，定期调度。
`, 2026);
    expect(plan.tasks.map((t) => [t.no, t.leaders, t.units.map((u) => `${u.role}:${u.rawName}`), t.deadline.date])).toEqual([
      ['1', ['王五'], ['responsible:区住建局'], '2026-11-30'],
      ['2', [], ['lead:区住建局', 'participating:洪都街道', 'participating:豫章街道'], '2026-10-31'],
      ['3', [], [], null],
    ]);
    // The prose is kept as printed; "全民参与" is not a unit; 保障措施 stays out of the task list.
    expect(plan.tasks[1]!.text).toBe('推进背街小巷整治。整治背街小巷30条，区住建局牵头，洪都街道、豫章街道配合，10月底前完成。');
    expect(plan.warnings.filter((w) => w.code === 'untasked_item').map((w) => w.line)).toEqual([5]);
  });

  it('a plan written wholly in prose markup, numbered on across headings (1、2、 under 一、, 3、 under 二、)', () => {
    const plan = parse(`临江区2026年城市更新重点工作安排
一、老旧小区改造
1、完成老旧小区改造30个，由区住建局牵头，区财政局、洪都街道配合，2026年10月底前完成。
2、推进城中村改造，由区住建局牵头，2026年12月底前完成征收签约。
二、基础设施建设
3、改造雨污管网15公里，由区发改委负责，汛期前完成。
4、补齐养老托育短板，由区财政局、区发改委分别负责，年底前完成。
三、工作要求
各责任单位要高度重视，由区政府办牵头，每月调度。
`, 2026);
    expect(plan.tasks.map((t) => [t.no, t.sections, t.units.map((u) => `${u.role}:${u.rawName}`), t.deadline.date, t.deadline.text])).toEqual([
      ['1', ['老旧小区改造'], ['lead:区住建局', 'participating:区财政局', 'participating:洪都街道'], '2026-10-31', '2026年10月底前完成'],
      ['2', ['老旧小区改造'], ['lead:区住建局'], '2026-12-31', '2026年12月底前完成征收签约'],
      ['3', ['基础设施建设'], ['responsible:区发改委'], null, '汛期前完成'],
      ['4', ['基础设施建设'], ['responsible:区财政局', 'responsible:区发改委'], '2026-12-31', '年底前完成'],
    ]);
    expect(plan.tasks[0]!.text).toBe('完成老旧小区改造30个，由区住建局牵头，区财政局、洪都街道配合，2026年10月底前完成。');
    expect(plan.warnings.find((w) => w.code === 'deadline')?.message).toContain('汛期前完成');
  });

  it('1.1 / 1.2 / 2.1 numbering, and prose after an item\'s markup is reported, or kept when labelled', () => {
    const plan = parse(`2026年生态环境保护重点任务
一、大气污染防治
1.1 开展扬尘专项整治。（责任单位：区住建局；完成时限：年底前）
工作目标：建筑工地扬尘治理达标率100%。
1.2 推进柴油货车治理。（责任单位：区发改委；完成时限：三季度末）
投资1.5亿元用于设备更新。
二、水污染防治
2.1 完成雨污分流改造。（责任单位：区住建局；完成时限：2026年10月底）
`, 2026);
    expect(plan.tasks.map((t) => [t.no, t.sections, t.deadline.date])).toEqual([
      ['1.1', ['大气污染防治'], '2026-12-31'],
      ['1.2', ['大气污染防治'], '2026-09-30'],
      ['2.1', ['水污染防治'], '2026-10-31'],
    ]);
    expect(plan.tasks[0]!.text).toBe('开展扬尘专项整治。工作目标：建筑工地扬尘治理达标率100%。');
    expect(plan.warnings.filter((w) => w.code === 'unplaced_text')).toEqual([
      expect.objectContaining({ line: 6, message: expect.stringContaining('投资1.5亿元用于设备更新') }),
    ]);
  });

  it('county and city leader keys, and names written with titles or side by side', () => {
    const plan = parse(`2026年重点任务
一、农业
（一）稳定播种面积。（牵头县领导：张华；牵头单位：区发改委）
（二）巩固脱贫成果。（牵头领导：王强副区长；牵头单位：区财政局）
（三）发展特色产业。（牵头领导：张三 李四；牵头单位：区财政局）
（四）建设高标准农田。（牵头领导：区委常委、常务副区长 李明；牵头单位：区财政局）
`, 2026);
    expect(plan.tasks.map((t) => [t.no, t.leaders, t.text])).toEqual([
      ['一', ['张华'], '稳定播种面积。'],
      ['二', ['王强'], '巩固脱贫成果。'],
      ['三', ['张三', '李四'], '发展特色产业。'],
      ['四', ['李明'], '建设高标准农田。'],
    ]);
  });

  it('"X牵头，Y配合" with or without keys', () => {
    const plan = parse(`方案
一、任务
1.完善财政投入机制。（区发改委牵头，区财政局、区住建局配合；完成时限：2024年12月底）
2.加快项目审批。（区住建局负责）
3.加强资金监管。（责任单位：区财政局牵头，区发改委配合）
4.做好群众工作（由各方共同推进）。（责任单位：区财政局）
`, 2024);
    expect(toPlanJson(plan).tasks.map((t) => [t.no, t.text, t.leadUnits, t.responsibleUnits, t.participatingUnits])).toEqual([
      ['1', '完善财政投入机制。', ['区发改委'], [], ['区财政局', '区住建局']],
      ['2', '加快项目审批。', [], ['区住建局'], []],
      ['3', '加强资金监管。', ['区财政局'], [], ['区发改委']],
      ['4', '做好群众工作（由各方共同推进）。', [], ['区财政局'], []],
    ]);
  });

  it('a scrape that lost the opening bracket and the full stop still yields the markup', () => {
    const plan = parse(`方案
一、任务
1.深化安全生产攻坚战责任单位:区安委会各成员单位,扬子洲镇;完成时限:2024年6月底)
2.推进老旧小区改造。责任单位：区住建局
`);
    expect(plan.tasks.map((t) => [t.text, t.units.map((u) => u.rawName), t.deadline.date])).toEqual([
      ['深化安全生产攻坚战', ['区安委会各成员单位', '扬子洲镇'], '2024-06-30'],
      ['推进老旧小区改造。', ['区住建局'], null],
    ]);
  });

  it('page numbers left by a PDF conversion are not text; a numeral alone on its line opens the next', () => {
    const plan = parse(`方案
一、
任务
1.推进项目建设，确保按期完成。（责任单位：区财政局、

— 2 —

区发改委）
2.做好统计工作。（责任单位：区统计局）
`);
    expect(plan.tasks.map((t) => t.units.map((u) => u.rawName))).toEqual([['区财政局', '区发改委'], ['区统计局']]);
    expect(plan.tasks[0]!.sections).toEqual(['任务']);
  });

  it('an item without markup among tasks is kept as a task, with a warning', () => {
    const plan = parse(`工作方案
一、任务
1.任务甲。（责任单位：区财政局）
2.任务乙没有写单位。
3.任务丙。（责任单位：区发改委）
`);
    expect(plan.tasks.map((t) => t.no)).toEqual(['1', '2', '3']);
    expect(plan.warnings.find((w) => w.code === 'untasked_item')).toMatchObject({ line: 4 });
  });

  it('markup on a heading applies to the items under it; numbering that restarts per section stays unique', () => {
    const plan = parse(`2024年民生实事推进方案
（一）教育提质（牵头领导：徐志勇（副区长）；责任单位：区财政局，2024年9月底前完成）
1.新建学校2所。
2.新增学位5000个。（责任单位：区住建局）
（二）医疗提升
1.建设社区医院。（责任单位：区发改委；完成时限：年底前）
`);
    expect(plan.tasks.map((t) => [t.no, t.sections, t.leaders, t.units.map((u) => u.rawName), t.deadline.date])).toEqual([
      ['一.1', ['教育提质'], ['徐志勇'], ['区财政局'], '2024-09-30'],
      ['一.2', ['教育提质'], ['徐志勇'], ['区住建局'], '2024-09-30'],
      ['二.1', ['医疗提升'], [], ['区发改委'], '2024-12-31'],
    ]);
    expect(plan.tasks[0]!.deadline.text).toBe('2024年9月底前完成');
    expect(plan.warnings.map((w) => w.code)).toEqual(['numbering']);
  });

  it('tab-separated ledger text with a header row and section rows', () => {
    const text = ['重点任务台账', '序号\t任务内容\t牵头单位\t责任单位\t完成时限', '一、项目建设\t\t\t\t', '1\t推进学校建设。完成主体工程。\t区公建中心\t区财政局、区发该委\t2024年6月底', '2\t做好资金保障\t\t区财政局\t年底前'].join('\n');
    const plan = parsePlanSource(sourceFromText(text, 'ledger.txt'), { directory, year: 2024 });
    expect(toPlanJson(plan).tasks.map((t) => [t.no, t.sections, t.leadUnits, t.responsibleUnits, t.deadline])).toEqual([
      ['1', ['项目建设'], ['区公建中心'], ['区财政局', '区发该委'], '2024-06-30'],
      ['2', ['项目建设'], [], ['区财政局'], '2024-12-31'],
    ]);
    expect(plan.title).toBe('重点任务台账');
    const w = plan.warnings.find((x) => x.code === 'unit_suggestion')!;
    expect(w.message).toContain('是否为 “区发展和改革委员会”');
    expect(w.cell).toBe('第4行第2列');
  });

  it('splits unit lists the way the genre writes them', () => {
    expect(splitUnitList('区政数局、区财政局、区税务局，各镇、街办、管理处')).toEqual(['区政数局', '区财政局', '区税务局', '各镇、街办、管理处']);
    expect(splitUnitList('区委组织部（人才办）、区人社局；各相关街道、镇、集聚区')).toEqual(['区委组织部（人才办）', '区人社局', '各相关街道、镇、集聚区']);
    expect(splitUnitList('扬子洲镇、扬农管理处')).toEqual(['扬子洲镇', '扬农管理处']);
    // "区城管局等部门": the 等 closes the list.
    expect(splitUnitList('区城管局、区财政局等相关部门')).toEqual(['区城管局', '区财政局']);
    expect(splitUnitList('各行业主管部门、项目相关责任单位')).toEqual(['各行业主管部门', '项目相关责任单位']);
    expect(splitUnitList('**区公建中心**')).toEqual(['区公建中心']);
    expect(splitUnitList('区财政局、区发改委等')).toEqual(['区财政局', '区发改委']);
    expect(splitUnitList('各镇（街道）、管理处，区直各单位')).toEqual(['各镇（街道）、管理处', '区直各单位']);
  });
});

describe('unit resolution', () => {
  it('exact, alias, then suggestions', () => {
    expect(resolveUnitName('区财政局', index).resolved).toMatchObject({ name: '区财政局', via: 'exact' });
    expect(resolveUnitName('区公建中心', index).resolved).toMatchObject({ name: '区重点公共建设项目管理中心', via: 'alias' });
    expect(resolveUnitName('区发该委', index)).toEqual({ resolved: null, collective: false, suggestions: ['区发展和改革委员会'] });
    expect(resolveUnitName('区气象局', index)).toEqual({ resolved: null, collective: false, suggestions: [] });
    expect(resolveUnitName('各镇、街办、管理处', index)).toEqual({ resolved: null, collective: true, suggestions: [] });
  });

  it('expandCollective: kinds named in the phrase', () => {
    const names = (raw: string) => expandCollective(raw, directory.units).map((u) => u.name);
    expect(names('各镇、街办、管理处')).toEqual(['扬子洲镇', '扬农管理处', '洪都街道', '豫章街道']);
    expect(names('各相关街道、镇')).toEqual(['扬子洲镇', '洪都街道', '豫章街道']);
    expect(names('区直各单位')).toEqual(['区发展和改革委员会', '区财政局', '区重点公共建设项目管理中心', '区住房和城乡建设局', '区政府办公室', '区安全生产委员会']);
    expect(names('区安委会各成员单位')).toContain('区财政局');
    expect(names('各项目牵头单位')).toEqual([]);
  });
});

describe('rosters written other ways', () => {
  it('role：name title on one line, name（title）, and names only', () => {
    const plan = parse(`关于成立城市更新工作领导小组的通知
组  长：胡俊峰 区委副书记、区政府区长
副组长：杨峰（区政府副区长）、夏辉（区政府副区长）
成  员：张三、李四
成  员：区委办公室、区政府办公室
`);
    expect(plan.roster).toEqual([
      { name: '胡俊峰', role: '组长', title: '区委副书记、区政府区长' },
      { name: '杨峰', role: '副组长', title: '区政府副区长' },
      { name: '夏辉', role: '副组长', title: '区政府副区长' },
      { name: '张三', role: '成员', title: null },
      { name: '李四', role: '成员', title: null },
    ]);
  });

  it('a scrape that lost the opening bracket of （一） still finds the level', () => {
    const plan = parse(`方案
一、任务
一)项目建设
1.加快建设。(责任单位:区财政局)
二)民生保障
2.做好保障。(责任单位:区发改委)
`);
    expect(plan.tasks.map((t) => [t.no, t.sections])).toEqual([
      ['1', ['任务', '项目建设']],
      ['2', ['任务', '民生保障']],
    ]);
  });
});
