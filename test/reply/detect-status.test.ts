import { describe, expect, it } from 'vitest';
import { detectStatus } from '../../src/domain/reply/detect-status.ts';

// Each row: the text of one task's part of a reply, the completion share read from it, the status.
type Row = [text: string, percent: number | null, status: ReturnType<typeof detectStatus>];

const expectStatus = (text: string, percent: number | null, status: Row[2]) => expect(detectStatus(text, percent)).toBe(status);

describe('detectStatus: 滞后 (lagging) and 受阻 (blocked) are different', () => {
  it.each<Row>([
    ['进度滞后', null, 'lagging'],
    ['进展缓慢', null, 'lagging'],
    ['推进缓慢，正在加紧调度', null, 'lagging'],
    ['进度缓慢', null, 'lagging'],
    ['进度偏慢', null, 'lagging'],
    ['已落后于序时进度', null, 'lagging'],
    ['工期延误半个月', null, 'lagging'],
    ['开工日期推迟到下月', null, 'lagging'],
    ['未能按期完成', null, 'lagging'],
    ['因审批周期长，无法按期完工', null, 'lagging'],
  ])('%s (percent %s) → %s', expectStatus);

  it.each<Row>([
    ['施工受阻', null, 'blocked'],
    ['项目卡住了', null, 'blocked'],
    ['停滞不前', null, 'blocked'],
    ['已停工', null, 'blocked'],
    ['方案被搁置', null, 'blocked'],
    ['暂停实施', null, 'blocked'],
    ['无法推进', null, 'blocked'],
    ['推不动', null, 'blocked'],
    ['因用地指标未落实无法开工', null, 'blocked'],
  ])('%s (percent %s) → %s', expectStatus);

  it('keeps the percent and reads the parenthesis: 进度35%（明显滞后）', () => {
    expect(detectStatus('进度35%（明显滞后）', 35)).toBe('lagging');
    expect(detectStatus('进度35%(明显滞后)', 35)).toBe('lagging');
    expect(detectStatus('进度35%（正常）', 35)).toBe('in_progress');
  });

  it('calls a message that is both stuck and behind blocked, whichever comes first', () => {
    expect(detectStatus('进度滞后，目前已停工', null)).toBe('blocked');
    expect(detectStatus('因资金问题卡住了，进度明显滞后', null)).toBe('blocked');
    expect(detectStatus('完成30%，受阻，严重滞后', 30)).toBe('blocked');
  });

  it.each<Row>([
    ['不滞后', null, 'in_progress'],
    ['无滞后，按计划推进', null, 'in_progress'],
    ['未滞后', null, 'in_progress'],
    ['没有滞后', null, 'in_progress'],
    ['不存在滞后', null, 'in_progress'],
    ['完成55%，无明显滞后', 55, 'in_progress'],
    ['推进中，未出现停工', null, 'in_progress'],
    ['没有受阻', null, 'in_progress'],
  ])('a denial is not the status: %s (percent %s) → %s', (text, percent, status) => {
    expect(detectStatus(text, percent)).toBe(status);
  });

  it('does not take 逾期/延期 of loans or 落后产能 for a late task', () => {
    expect(detectStatus('逾期贷款清收推进中', null)).toBe('in_progress');
    expect(detectStatus('淘汰落后产能工作推进中', null)).toBe('in_progress');
    expect(detectStatus('为企业办理贷款延期还本', null)).toBeNull();
    expect(detectStatus('申请延期', null)).toBe('lagging');
  });
});

describe('detectStatus: a finished step is progress, a finished task is done', () => {
  it.each<Row>([
    ['第9项专项债项目储备已完成申报', null, 'in_progress'],
    ['第二项已办结施工许可', null, 'in_progress'],
    ['已完成初步设计批复', null, 'in_progress'],
    ['监理招标已结束，正在深化设计', null, 'in_progress'],
    ['已完成地质勘探', null, 'in_progress'],
    ['已完成招标', null, 'in_progress'],
    ['已建成充电站5座（目标6座）', null, 'in_progress'],
    ['已完成环评', null, 'in_progress'],
    ['地块已完成土地摘牌', null, 'in_progress'],
    ['主体封顶', null, 'in_progress'],
    ['已封顶', null, 'in_progress'],
    ['初步设计已全部完成', null, 'in_progress'],
    ['一期已完工，二期在建', null, 'in_progress'],
    ['已全部完成申报', null, 'in_progress'],
    ['公示期已结束', null, 'in_progress'],
    ['完成了3个片区的征收', null, 'in_progress'],
    ['已完成选址，尚未开工', null, 'in_progress'],
    ['拆迁已完成，剩余2户正在做工作', null, 'in_progress'],
  ])('%s (percent %s) → %s', expectStatus);

  it.each<Row>([
    ['第3项已完成', null, 'done'],
    ['第3项已全部完成', null, 'done'],
    ['任务已完成', null, 'done'],
    ['已完成年度目标任务', null, 'done'],
    ['该项工作已全面完成', null, 'done'],
    ['已办结。', null, 'done'],
    ['已竣工验收', null, 'done'],
    ['项目已完工', null, 'done'],
    ['100%', 100, 'done'],
    ['完成100%', 100, 'done'],
    ['已完成，请复核', null, 'done'],
    ['已通过竣工验收', null, 'done'],
    ['已完成并投入使用', null, 'done'],
    ['已于6月底按期完成', null, 'done'],
    ['已全面完成征收拆迁', null, 'done'],
    ['第3项✅已完成🎉', null, 'done'],
  ])('%s (percent %s) → %s', expectStatus);

  it('keeps 已完成60% as progress with its percent', () => {
    expect(detectStatus('已完成60%', 60)).toBe('in_progress');
    expect(detectStatus('已完成60%，进度滞后', 60)).toBe('lagging');
  });

  it('does not read a plan, a denial or a near miss as done', () => {
    expect(detectStatus('预计6月底全面完成', null)).toBeNull();
    expect(detectStatus('力争年底前完工', null)).toBeNull();
    expect(detectStatus('尚未全部完成', null)).toBe('in_progress');
    expect(detectStatus('基本完成', null)).toBe('in_progress');
    expect(detectStatus('即将完成', null)).toBe('in_progress');
    expect(detectStatus('正在准备竣工验收', null)).toBe('in_progress');
    // a step not yet finished says nothing about the task's status, and certainly not done
    expect(detectStatus('用地手续未办结', null)).toBeNull();
  });

  it('reads the task named after the completion word as the task when its title is known', () => {
    const title = '推动重大项目征收拆迁';
    expect(detectStatus('已完成征收拆迁', null)).toBe('in_progress');
    expect(detectStatus('已完成征收拆迁', null, title)).toBe('done');
    expect(detectStatus('已完成征收拆迁工作', null, title)).toBe('done');
    expect(detectStatus('已完成征收拆迁补偿评估', null, title)).toBe('in_progress');
    expect(detectStatus('已完成惠企政策宣讲', null, '加快惠企政策落实落地')).toBe('in_progress');
  });

  it('lets a finished task win over a delay it reports, but not over being stuck', () => {
    expect(detectStatus('已于6月底全部完成，较原计划滞后一个月', null)).toBe('done');
    expect(detectStatus('已完成招标，但进度滞后', null)).toBe('lagging');
    expect(detectStatus('土地摘牌已完成，因规划调整停工', null)).toBe('blocked');
  });
});

describe('detectStatus: the other statuses are unchanged', () => {
  it.each<Row>([
    ['尚未启动', null, 'not_started'],
    ['完成0%', 0, 'not_started'],
    ['推进中', null, 'in_progress'],
    ['没有完成', null, 'in_progress'],
    ['今天天气不错', null, null],
  ])('%s (percent %s) → %s', expectStatus);
});

describe('detectStatus: a count of what was done, said without 已, is progress; a target is not', () => {
  it.each<Row>([
    ['建成收纳仓4栋', null, 'in_progress'],
    ['截至目前，建成收纳仓4栋', null, 'in_progress'],
    ['本月新增停车位300个', null, 'in_progress'],
    ['累计改造老旧小区15个', null, 'in_progress'],
    ['本周走访企业15家', null, 'in_progress'],
    ['计划建成收纳仓4栋', null, null],
    ['全年完成改造小区12个', null, null],
    ['年底前建成充电桩20个', null, null],
    ['需新增停车位300个', null, null],
    ['任务是完成改造小区12个', null, null],
    ['铺设管网3.2公里', null, 'in_progress'],
    ['今年以来完成改造小区12个', null, 'in_progress'],
    ['12.31前建成充电站12座', null, null],
    ['春节前建成充电站12座', null, null],
    ['明年新增停车位300个', null, null],
    ['建设内容为新建道路3公里', null, null],
    ['新增停车位300个', null, null],
    ['该项目新建保障房12栋', null, null],
    ['总投资1.5亿元，新建停车位300个', null, null],
    ['建成后可提供停车位300个', null, null],
  ])('%s (percent %s) → %s', expectStatus);
});
