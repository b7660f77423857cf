import { compactTitle, GENERIC, longestCommon } from './match-task-keywords.ts';
import { PART_WORD, STAGE_FUTURE, STAGE_REACHED, STEP_STAGE_WORD } from './progress-stages.ts';
import type { ReplyStatus } from './reply-types.ts';
import { asksQuestion, saysNoChange } from './classify-message.ts';

const NOT_STARTED = /((?:未|尚未|还未|还没|没有|暂未|没)(?:正式|全面)?(?:启动|开始|开工|开展))/;
// "60个未开工", "尚未开工建设的项目15项": a count of parts not started, not the state of the task.
const COUNTED_BEFORE = /(?<![第\d零〇一二两三四五六七八九十百千])[\d零〇一二两三四五六七八九十百千]+\s*(?:个|项|宗|家|处|座|件)[^，,。；;]{0,4}$/;
const COUNTED_AFTER = /^[^，,。；;]{0,8}?[\d零〇一二两三四五六七八九十百千]+\s*(?:个|项|宗|家|处|座|件)/;

function statesNotStarted(text: string): boolean {
  for (const m of text.matchAll(new RegExp(NOT_STARTED.source, 'g'))) {
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 14);
    if (!COUNTED_BEFORE.test(before) && !COUNTED_AFTER.test(after)) return true;
  }
  return false;
}

// 受阻: the work is stuck and will not move without help.
const BLOCKED = new RegExp([
  '受阻', '阻工', '卡住', '卡壳', '停滞', '停工', '停摆', '搁置', '暂停', '暂缓', '中止',
  '无法推进', '推不动', '推进不动', '难以推进', '推进不下去',
  '无法(?:开工|施工|实施|开展|进行|进场|落地|继续)',
  // "因资金未到位无法开工" — but "因…无法按期完成" is only late.
  '因[^，,。；;!！?？\\n]{1,20}?(?:无法|不能)(?!按期|如期|按时|按计划|按序时)',
].join('|'));

// 滞后: behind schedule, but still moving.
const LAGGING = new RegExp([
  '滞后', '落后于', '(?:进度|进展|明显|有所|严重|略有)落后', '延误', '拖期', '慢于',
  '(?:进展|推进|进度|建设|施工|实施|办理|工作)(?:较为|相对|比较|十分|非常|明显|有些|有点|稍显|略显|略|稍)?(?:缓慢|偏慢|较慢|慢)',
  // 延期 / 推迟 / 逾期 of the work, not "贷款延期" or "逾期贷款".
  '(?:工期|进度|项目|工程|任务|活动|时间|日期|已经?|需要?|将|申请|只能|不得不|可能|出现|被迫)(?:延期|推迟|延后)',
  '(?:延期|推迟|延后)(?:开工|竣工|完工|完成|投用|投产|交付|开业|举办|启动|实施|开展)',
  '(?:已|出现)(?:逾期|超期)', '(?:逾期|超期)未',
  '(?:未能|无法|不能|难以|未)(?:按期|如期|按时|按计划|按序时)',
  // "低于时序进度", "慢于时间进度", "未达到序时进度", "进度慢序时", "进展较缓"
  '(?:低于|慢于|落后)(?:时序|序时|时间|计划)进度', '未达(?:到)?(?:序时|时序|计划|时间)?进度', '进度慢(?:于)?序时', '慢序时',
  '(?:进展|推进|进度|建设|施工)(?:较为|相对|比较|明显)?较?缓(?!解)',
].join('|'));

// "无滞后", "未出现停工现象": a status word that is denied is not stated (and says the work is on track).
const NEGATED = /(?<!得)(?:不存在|没有出现|未出现|未发生|无明显|并未|并无|暂无|尚无|均无|不会|杜绝|防止|避免|没有|没|不|无|未)(?:明显|出现|发生|任何|较大|严重)?的?(?:滞后|延误|延期|落后|停滞|受阻|停工|卡住|卡壳|搁置|逾期|超期)(?:现象|情况|问题)?/g;

const NOT_DONE = /((?:未|没|没有|尚未|还未|还没|并未|未能|无法|不能)(?:全部|全面|完全|整体|按期|如期|按时)?完成|完不成)/;
// "已完成，仍有3户未签约": what is left over says the task is not finished.
const REMAINING = /(剩余|还剩|尚余|剩下|(?:尚有|仍有|还有)[^，,。；;]{0,8}(?:未|没有|待))/;

const IN_PROGRESS = /(达到(?:时间|序时|时序)进度|完成(?:了)?(?:序时|时序|时间)进度|(?:进度|进展)(?:较快|加快|快)|(?:累计|共计|已累计)?完成投资[\d.]|累计完成|超(?:过)?(?:时间|序时|时序)进度|快于(?:时间|序时|时序)进度|较计划提前|进展加快|进度加快|已开始|继续(?:进行|施工|推进|协调|开展)|出[^，,。；;]{0,6}结果|推进中|正在|正抓紧|进行中|有序推进|稳步推进|加快推进|持续推进|按计划推进|按序时推进|已启动|已开工|施工中|办理中|推进|开展中|实施中|建设中|已开展|在建|筹备中|准备中|对接中|洽谈中|谋划中|基本完成|基本建成|进展顺利|进展正常|进度正常|进展良好|顺利推进|按计划|按期推进|序时推进|按序时|封顶|已进场|已通过|已批复|已获批|已立项|已签约|已摘牌|已取得|已备案|待验收|待竣工验收|即将完成|接近完成|接近尾声|收尾)/;

// A completion word with what may stand before it: 已/均已/已于6月底, and 全部/全面/圆满/整体.
const PERFECTIVE = '(?:已经|均已|都已|现已|已)(?:于[^，,。；;!！?？\\n]{1,12}?)?';
const INTENSIFIER = '(?:全部|全面|圆满|整体|顺利|如期|按期|按时|提前|超额){1,2}';
const COMPLETION_WORD = '(?:通过(?:竣工|整体|最终)?验收|完成了|完成|办结|竣工验收|竣工|完工|建成|落实到位|落实|交付|结束)';
const COMPLETION = new RegExp(`(${PERFECTIVE})?(${INTENSIFIER})?(${COMPLETION_WORD})`, 'g');
// Without 已, only these words state a completion ("第3项完成60%" and "确保完成" do not).
const SELF_PERFECTIVE = /^(完成了|办结|竣工|完工|落实到位|通过.*验收)$/;
const WHOLE = /(全部|全面|圆满|整体)/;
// "超额完成", "提前完成": said only of what is finished.
const SELF_INTENSIFIER = /(超额|提前)/;

// What stands right before the completion word when it is denied, expected or only near.
const NOT_YET_BEFORE = /(未|没|没有|不|未能|不能|无法|难以|尚未|还未|还没|并未|待|尚待|即将|将|将于|基本|接近|有望|争取|力争|确保|计划|预计|拟|能否|是否|要|需|需要|应|应当|必须|准备|正在|已经基本|已基本)\s*$/;
// Said of the future anywhere earlier in the clause, when the word has no 已.
const FUTURE = /(预计|计划|争取|力争|确保|拟|有望|预期|将于|将在|下一步|下步|下周|下月|明年|年底前|月底前|底前|之前|以前|要求)/;

const CLAUSE_BREAK = /[，,。；;!！?？\n：:、()（）【】[\]]/;

// Steps of a task: a completion of one of these is progress, not the end of the task.
const STEP_NOUN = '(?:' + STEP_STAGE_WORD + '|调查|评估|挂网|审计|试运行|设计|初设|施工图|图审|审图|招标|投标|开标|评标|定标|比选|采购|询价|批复|审批|审查|审核|评审|论证|申报|勘探|勘察|测绘|测量|许可|签约|签订|选址|立项|备案|核准|报批|报建|环评|能评|稳评|安评|水保|规划|方案|可研|清表|场平|平整|三通一平|征地|供地|摘牌|挂牌|出让|拍卖|公示|公告|招商|谈判|对接|调研|摸底|排查|注册|登记|放线|打桩|桩基|基础|主体|结构|封顶|拆除|清运|腾退|合同|资金|用地|土地|指标|证照|材料|人员|设备|场地|图纸|预算|概算|评估|测评|监理|验收|进场|手续|证|证书)';
const STEP_AT_END = new RegExp(`${STEP_NOUN}(?:等)?(?:相关)?(?:工作|手续|环节|阶段|程序|流程|事项|期|工程|层|部分)?$`);
const STEP_IN = new RegExp(STEP_NOUN);
// Parts of the whole: "一期工程已完工", "主体已完工".
const PART = new RegExp(`(${PART_WORD})`);
const WHOLE_ACCEPTANCE = /(竣工|整体|总体|最终|终)验收(?:工作|手续)?$/;
const COUNT = /[\d零〇一二两三四五六七八九十百千万]+\s*(?:个|座|家|户|项|处|栋|幢|间|公里|千米|米|平方米|平方|亩|套|台|辆|所|条|批|宗|笔|次|场|人|名|万元|亿元|元|期|km)/;

// The task as the subject of 结束: nothing but its number, or a word for the whole.
const TASK_REF = /^(?:关于)?(?:第\(?[\d零〇一二两三四五六七八九十百千]{1,4}\)?[项条]|任务\d{1,4}|事项\d{1,4}|\d{1,4}号(?:任务)?|\d{1,3}[.、]?)/;
const TASK_SUBJECT = /^(?:$|.*(?:项目|工程|任务|工作|活动|该项|本项|此项)$)/;

const COUNTED_PARTS = /[\d零〇一二两三四五六七八九十百千万]+\s*(?:个|座|家|户|处|栋|幢|间|套|台|辆|所|条|批|宗|笔|期|单元|公里|千米|米)/;

// "已走访企业50家": a count of what is done so far.
const DONE_SO_FAR = new RegExp(`已[^，,。；;!！?？\\n]{1,10}?(?<![第\\d零〇一二两三四五六七八九十百千万])${COUNT.source}`);

// "建成收纳仓4栋", "本月新增停车位300个", "累计改造老旧小区15个": a count of what was done, said
// without 已. Not a target: a clause that plans or requires it ("计划建成4栋", "全年完成改造12个") is not.
const DONE_COUNT = new RegExp(`(建成|完成|改造|新建|新增|安装|发放|培训|走访|整治|拆除|签约|引进|开工|铺设|累计)(?!后)[^，,。；;!！?？\\n]{0,10}?(?<![第\\d零〇一二两三四五六七八九十百千万.])${COUNT.source.replace(']+\\s*', ']+(?:\\.\\d+)?\\s*')}`, 'g');
// Before the count, words of a plan, a target or a scope ("12.31前建成", "明年新增", "建设内容为新建道路3公里").
const TARGET_BEFORE = /(预计|计划|规划|争取|力争|确保|拟|有望|将|需|需要|应|须|(?<![主重需])要|要求|目标|任务|全年|年内|明年|下月|下周|下步|下一步|下阶段|(?<![目当此提])前|之后|以后|共需|总共|合计需|建设内容|主要内容|内容为|内容包括|规模)/;
// Verbs that also describe a project's scope ("该项目新建保障房12栋", "建设内容：改造片区5个"): a count
// after them is progress only when said of a time ("本月新建…", "截至目前改造…") or a running total.
const SCOPE_VERB = /^(?:新建|改造|新增)$/;
const SAID_OF_TIME = /(本周|本月|本季度|本年度|今年以来|年初以来|以来|截至|截止|目前|当前|已|累计|共计|实际)/;
// A project's description in the same sentence ("总投资1.5亿元，新建停车位300个", "项目概况：…").
const DESCRIPTION = /(总投资|计划投资|建设内容|项目概况|概况|建筑面积|占地面积|用地面积|建设规模|主要建设)/;

/**
 * Whether the text counts what was done. Not beside a question ("建成5座了，还需要上传照片吗？" stays a
 * question for the office) nor beside "no news" ("本周无新进展，累计改造小区12个" restates the total).
 */
function statesDoneCount(text: string): boolean {
  if (asksQuestion(text) || saysNoChange(text)) return false;
  for (const m of text.matchAll(DONE_COUNT)) {
    const before = text.slice(Math.max(0, m.index - 20), m.index);
    const clause = before.slice(lastBreak(before) + 1);
    const sentence = before.slice(Math.max(before.lastIndexOf('。'), before.lastIndexOf('\n'), before.lastIndexOf('；')) + 1);
    if (TARGET_BEFORE.test(clause) || DESCRIPTION.test(sentence)) continue;
    if (SCOPE_VERB.test(m[1]!) && !SAID_OF_TIME.test(clause)) continue;
    return true;
  }
  return false;
}

// The task itself as the object of the completion word: "已完成年度目标任务", "已建成投用".
const CLOSING = '(?:(?:本项|该项|此项|全部|全年|年度|本年度|今年|全年度|各项|既定|预定|计划|规定|所有|整体|全部建设|建设|年度建设)?的?(?:目标)?(?:任务|工作|目标|目标任务|工作任务|建设任务|任务目标|建设内容|建设|施工)|(?:竣工|整体|总体|最终)?验收|整改|销号)';
const IN_USE = '(?:投用|投产|投入使用|交付使用|使用|通车|运营|移交)';
const ENDING = new RegExp(`^(?:${CLOSING})?(?:并|且)?${IN_USE}?$`);
// After the completion word, words that close the report: "已完成，请复核", "已完成并通过验收".
const AFTERWORD = /^(请|望|烦请|特此|谢谢|并|且)/;

/** Whether a stage of the work is reached or under way ("正在吊装", "已封顶"), not only planned. */
export function reachesStage(text: string): boolean {
  const re = new RegExp(STAGE_REACHED.source, 'g');
  for (const m of text.matchAll(re)) {
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    if (!STAGE_FUTURE.test(before.slice(lastBreak(before) + 1))) return true;
  }
  return false;
}

/** The text with denied status words ("不滞后", "未出现停工") blanked out. */
export function withoutDeniedStatus(text: string): string {
  return text.replace(NEGATED, ' ').replace(OVERCOME, ' ');
}

// "克服疫情导致的进度滞后困难", "先后经历工人短缺等诸多困难": a difficulty overcome is not the state now.
export const OVERCOME = /(克服|战胜|攻克|化解了|解决了|经历了?|先后经历)[^，,。；;]{0,30}?(困难|问题|难题|瓶颈|障碍)/g;

/** Whether the text says the work is behind schedule (滞后, 延误, 进度偏慢), denials left out. */
export function statesLag(text: string): boolean {
  return LAGGING.test(withoutDeniedStatus(text));
}

type Completion = 'task' | 'step';

/**
 * Whether the object of a completion word is the task itself, named by words of its title
 * ("征收拆迁" of 推动重大项目征收拆迁) — all of it, not a step named after it ("惠企政策宣讲").
 */
function namesTask(object: string, title: string | null | undefined): boolean {
  if (!title) return false;
  const named = object.replace(/的?(?:各项|全部)?(?:工作|任务)$/, '');
  const common = longestCommon(named, compactTitle(title));
  return common.length >= 3 && named.length - common.length <= 1 && !GENERIC.test(common);
}

/** Each completion word of the text, read as the end of the task or the end of one of its steps. */
function completions(text: string, title?: string | null): Completion[] {
  const out: Completion[] = [];
  for (const m of text.matchAll(COMPLETION)) {
    const [, perfective, intensifier, word] = m as unknown as [string, string | undefined, string | undefined, string];
    const start = m.index;
    const end = start + m[0].length;
    // The clause up to the word; its last few dozen characters are enough to judge it.
    const before = text.slice(Math.max(0, start - 40), start);
    const pre = before.slice(lastBreak(before) + 1);
    if (NOT_YET_BEFORE.test(pre)) continue;
    if (!perfective && !(intensifier && (WHOLE.test(intensifier) || SELF_INTENSIFIER.test(intensifier))) && !SELF_PERFECTIVE.test(word)) continue;
    if (!perfective && FUTURE.test(pre)) continue;
    const rest = text.slice(end, end + 40);
    const cut = rest.search(CLAUSE_BREAK);
    const rawPost = (cut < 0 ? rest : rest.slice(0, cut)).trim();
    // "完工后", "完成的": a time or an attribute, not a statement.
    if (/^(后|前|之后|以后|之前|以前|时|的)(?!期|续|台)/.test(rawPost)) continue;
    const post = rawPost.replace(/^[了啦喽咯]+/, '').replace(/[^\p{Script=Han}\p{L}\p{N}%]/gu, '');
    // "已完成60%": the share is read elsewhere.
    if (/^\d+(\.\d+)?%/.test(post)) continue;
    const subject = pre.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '');
    const stepSubject =
      (STEP_AT_END.test(subject) && !WHOLE_ACCEPTANCE.test(subject)) ||
      PART.test(subject) ||
      // "5个项目已完成", "第一批12个小区已完工": some of the parts, not the task.
      // (项 is left out: "第1、2项已完成" names tasks.)
      COUNTED_PARTS.test(subject.replace(/^(?:关于)?第[^项条]{1,6}[项条]/, '')) ||
      // "推进会已结束": 结束 ends the task only when said of the task ("第5项已结束", "活动已结束").
      (word === '结束' && !TASK_SUBJECT.test(subject.replace(TASK_REF, '')));
    if (ENDING.test(post) || AFTERWORD.test(post)) {
      out.push(stepSubject || !taskLikeSubject(subject, title) ? 'step' : 'task');
    } else if (
      ((intensifier && WHOLE.test(intensifier)) || namesTask(post, title)) &&
      !stepSubject && !STEP_IN.test(post) && !COUNT.test(post) && !PART.test(post)
    ) {
      // "已全面完成征收拆迁", or the task's own name after the word ("第5项已完成消费促进活动").
      out.push('task');
    } else out.push('step');
  }
  return out;
}

// Words before the subject that say nothing about what it is ("目前", "该项目", "经过5个多月的建设").
const SUBJECT_LEAD = /^(?:目前|当前|现在|现|截至目前|截止目前|至今|今年|本周|本月|该|本|此|我们|我局|我单位|我县|我区|我市|项目|整体|总体|全部|均|都|已经|已|于|\d{4}年|\d{1,2}月(?:底|末|份|中旬|上旬|下旬)?|\d{1,2}[日号])+/;

/**
 * Whether the thing said to be complete is the task: nothing but its number, a word for the whole
 * ("项目", "工程", "任务"), or words of its title. Anything else ("地块强夯", "新建学生宿舍楼") is a part
 * of the work whose completion is progress; a unit that means the whole task says so, or is asked.
 */
function taskLikeSubject(subject: string, title?: string | null): boolean {
  const s = subject.replace(TASK_REF, '').replace(SUBJECT_LEAD, '');
  // "第1、2项已完成": the clause after 、 starts at the last number of the list.
  if (s === '' || TASK_SUBJECT.test(s) || /^[\d零一二两三四五六七八九十百]{1,4}[项条]$/.test(subject)) return true;
  if (!title) return false;
  const common = longestCommon(s, compactTitle(title));
  return common.length >= 3 && !GENERIC.test(common);
}

function lastBreak(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (CLAUSE_BREAK.test(s[i]!)) return i;
  return -1;
}

/**
 * The task status a clause states. `percent` is the completion share found in the same part of the
 * message: "已完成60%" is progress, not completion. Stuck (受阻) wins over late (滞后); a finished
 * step ("已完成招标", "监理招标已结束", "已建成5座") is progress, only the task's own completion is done.
 * `taskTitle`, when the task is known, lets "已完成<the task's own name>" read as done.
 */
export function detectStatus(text: string, percent: number | null, taskTitle?: string | null): ReplyStatus | null {
  const stated = withoutDeniedStatus(text);
  const denied = stated !== text;
  const done = completions(text, taskTitle);
  const stepDone = done.includes('step');
  const notStarted = statesNotStarted(stated);
  // "已完成选址，尚未开工": a finished step is already progress.
  if (notStarted && !stepDone) return 'not_started';
  if (BLOCKED.test(stated)) return 'blocked';
  if (percent === 100) return 'done';
  const taskDone = done.includes('task') && !NOT_DONE.test(text) && !REMAINING.test(text);
  if (taskDone && percent === null) return 'done';
  if (LAGGING.test(stated)) return 'lagging';
  if (percent !== null) return percent === 0 ? 'not_started' : 'in_progress';
  if (notStarted || NOT_DONE.test(text) || stepDone || denied || IN_PROGRESS.test(stated) || DONE_SO_FAR.test(stated) || statesDoneCount(stated) || reachesStage(stated)) return 'in_progress';
  return null;
}
