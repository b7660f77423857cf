/**
 * The vocabulary of progress: the stages a task passes through on its way to completion, as data.
 * A stage that is reached ("已封顶", "钢结构正在吊装", "二层主体已开建", "监理招标已结束") says the
 * work is moving; it never says the task is complete. One table, read by the status reader
 * (detect-status.ts) both to recognise a report and to tell a finished step from a finished task.
 */
export interface ProgressStage {
  word: string;
  /** procedure: paperwork before building; works: on site; milestone: a point on the way. */
  kind: 'procedure' | 'works' | 'milestone';
}

const stages = (kind: ProgressStage['kind'], words: string): ProgressStage[] => words.split(/\s+/).filter(Boolean).map((word) => ({ word, kind }));

export const PROGRESS_STAGES: readonly ProgressStage[] = [
  ...stages('procedure', `
    立项 可研 初设 初步设计 施工图 图审 审图 设计 方案 规划 选址 用地预审 预审 勘察 勘探 地勘 测绘 环评 能评 稳评 安评 水保
    招标 投标 开标 评标 定标 中标 挂网 比选 采购 询价 签约 签订 合同 批复 审批 获批 核准 备案 许可 施工许可 报批 报建
    征地 腾退 供地 摘牌 挂牌 出让 清表 场平 平整 三通一平 手续 论证 评审 审查 编制 报告 调研 摸底 对接`),
  ...stages('works', `
    进场 开工 开建 复工 动工 施工 开挖 土方 桩基 打桩 基础 垫层 主体 结构 钢结构 浇筑 砌筑 砌体 吊装 安装 调试 铺设 摊铺
    管网 管线 迁改 防水 保温 幕墙 外立面 外墙 装修 装饰 亮化 硬化 拆除 清运`),
  // Policy work: "已印发实施方案", "正在起草", "已召开推进会", "已兑现资金".
  ...stages('procedure', `印发 出台 制定 起草 修订 召开 组织 举办 走访 梳理 上报 报送 提交 下达 拨付 发放 兑现 建立 成立 培训 宣传 宣讲 排查 整治 督导 检查`),
  ...stages('milestone', `封顶 封闭 出地面 正负零 通水 通电 通气 试运行 试生产 验收 竣工 完工 交付 投用 投产 通车 收尾`),
];

const alternation = (words: readonly string[]) =>
  [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

/** Any stage word, longest first. */
export const STAGE_WORD = alternation(PROGRESS_STAGES.map((s) => s.word));

/** Stages that are steps of a task (all but the final ones: 竣工, 完工, 交付, 投用… end a task when said of it). */
export const STEP_STAGE_WORD = alternation(
  PROGRESS_STAGES.filter((s) => !['竣工', '完工', '交付', '投用', '投产', '通车', '验收'].includes(s.word)).map((s) => s.word),
);

/**
 * A stage reached or under way: "正在吊装", "已封顶", "已开建", "进场施工", "吊装中", "进入收尾阶段",
 * "施工至第12层". Completion words (完成, 竣工) are read elsewhere; these only say the work moves.
 */
export const STAGE_REACHED = new RegExp(
  [
    `(?:已经|已|正在|正|现已|目前已|开始|陆续|全面|加快|加紧|抓紧|继续|顺利|基本)(?:进行|开展|推进|实施|组织|启动)?(?:${STAGE_WORD})`,
    `(?:${STAGE_WORD})(?:中|工作中|阶段|已开始|已启动|已展开|全面展开|有序推进|正在进行|进行中|已到位|到位|完毕|已结束|结束|已完成|完成|已过半)`,
    `(?:进入|处于|转入)[^，,。；;]{0,16}(?:阶段|环节|收尾)`,
    `(?:${STAGE_WORD})至第?[\\d零一二两三四五六七八九十]+层`,
    '(?:开工|开复工)建设', '进场施工', '办理完结', '中标公示', '主体(?:结构)?(?:封顶|封闭)',
    // "累计开工87项", "已建成收纳仓4栋": a stage reached so many times.
    `(?:${STAGE_WORD})[\\d零一二两三四五六七八九十百千]+\\s*(?:个|项|宗|座|栋|家|处|套|户|公里|米)`,
  ].join('|'),
);

/** Said of the future, the stage is not reached: "计划8月开工", "预计年底封顶". */
export const STAGE_FUTURE = /(计划|预计|拟|将于|将在|将|争取|力争|确保|准备|有望|待|尚未|未|没有|还没)[^，,。；;]{0,8}$/;

/**
 * One part of a project's works, or of clearing its site — not the whole: a figure said of it
 * ("施工电梯已拆除80%", "主体结构完成80%", "土方开挖完成70%") is that part's share. The general works
 * words (施工, 开工, 复工…) describe the whole project and are left out.
 */
export const PART_WORKS_WORD = alternation(
  PROGRESS_STAGES.filter((s) => s.kind === 'works' && !['进场', '开工', '开建', '复工', '动工', '施工'].includes(s.word))
    .map((s) => s.word)
    .concat(['征地', '腾退', '清表', '场平', '土建', '敷设', '暖通', '电气', '给排水', '消防', '绿化', '门窗', '墙面', '地面', '外架', '设备']),
);

/**
 * A thing with its own number ("1号停车场", "3#厂房"): the complement of a task named by 号, which is
 * followed by 任务, punctuation, a figure or a status word ("3号已完成", "3号 80%"). A document's
 * number (〔2024〕5号, 5号文) is neither.
 */
export const NUMBERED_THING = '(?<![〕\\]\\d])\\d+(?:号(?!任务|事项|文|令|\\s|[,，:：;；。、\\d]|$|已|正在|完成|推进|进展|进度|目前|现已|和|及|与|均|都)|#)';

/** Parts of a whole: what is said of them is said of a step ("一期已竣工", "第一批12个小区已完工", "地下段的85%", "1号停车场已建成", "A片区完成60%"). */
export const PART_WORD = '一期|二期|三期|首期|部分|(?<![现目前当])阶段|局部|分项|子项|前期|单体|标段|第[一二三四五六七八九十\\d]+批|首批|批次|地下段|地上段|主线|支线|片区|区块|地块|号楼|[A-Za-z]区|' + NUMBERED_THING;
