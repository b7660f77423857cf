import { CN_NUMERAL_CLASS, parseNumeral } from './chinese-number.ts';
import { compactTitle, GENERIC, longestCommon } from './match-task-keywords.ts';
import { PART_WORKS_WORD, PART_WORD, STEP_STAGE_WORD } from './progress-stages.ts';

export interface PercentFinding {
  value: number;
  index: number;
  /** False for a share that is not the task's completion, or one outside 0–100. */
  valid: boolean;
  reason?: 'out_of_range' | 'not_completion' | 'part';
  raw: string;
}

const CN = `[${CN_NUMERAL_CLASS}]`;
const FORMS: { re: RegExp; read: (m: RegExpMatchArray) => number | null }[] = [
  { re: /(负|减|-)?\s*(\d{1,4}(?:\.\d+)?)\s*%/g, read: (m) => Number(m[2]) * (m[1] ? -1 : 1) },
  { re: new RegExp(`(负)?(?<!百分之)(${CN}{1,4})\\s*%`, 'g'), read: (m) => signed(m[1], num(m[2])) },
  { re: new RegExp(`(负)?百分之\\s*(\\d{1,4}(?:\\.\\d+)?|${CN}{1,5})`, 'g'), read: (m) => signed(m[1], num(m[2])) },
  { re: new RegExp(`(?<![${CN_NUMERAL_CLASS}\\d])(${CN}|\\d)成(?![果功立为本绩效都员交型熟就长])`, 'g'), read: (m) => tenth(m[1]) },
  { re: /(过半|一半)/g, read: () => 50 },
  { re: new RegExp(`(${CN})分之(${CN})`, 'g'), read: (m) => fraction(m[1], m[2]) },
];

function num(s: string | undefined): number | null {
  if (!s) return null;
  return /^\d/.test(s) ? Number(s) : parseNumeral(s);
}
function signed(neg: string | undefined, v: number | null): number | null {
  return v === null ? null : neg ? -v : v;
}
function tenth(s: string | undefined): number | null {
  const v = num(s);
  return v === null || v > 10 ? null : v * 10;
}
function fraction(den: string | undefined, nom: string | undefined): number | null {
  const d = num(den);
  const n = num(nom);
  if (!d || n === null || n > d) return null;
  return (n / d) * 100;
}

// A share of something other than the task's completion: growth, ratios, rates of other things,
// averages of somewhere else ("全省平均6.3%"), the gap to the schedule ("高于时序进度1.55%").
// Growth words count only right before the figure: "道路提升工程已完成70%" is a completion, "同比增长8%" is not.
const GROWTH_NEAR = /(增长|增速|增幅|下降|降幅|上升|上涨|提高|提升|增加|减少|降低|回落)[了达为到至约近超]{0,2}\s*$/;
const NOT_COMPLETION =
  /(增速|增幅|同比|环比|降幅|占比|占全|比重|利率|税率|贡献率|剩余|剩下|还差|尚余|未完成|拉动|超过去年|较上年|较去年|预计|计划|争取|力争|目标是|目标为|下一步|下步|确保|平均|均值|(?:高于|低于|快于|慢于|超过?|落后|领先)于?(?:时序|序时|时间|计划)?进度)/;
// "占年度计划的52%", "完成年度投资计划的29.1%", "为年度计划投资的13.86%": the share of the plan achieved.
const SHARE_OF_PLAN = /(?:占|完成|为|达)[^，,。；;]{0,10}计划[^，,。；;]{0,18}$/;
const RATE = /(?<!完成|执行|进度|建设|完工)率/;
// "完成地下段主体结构施工的85%", "完成阶段目标任务的100%": the share of a part or a step, not of the task.
const SHARE_OF_PART = new RegExp(`完成(?![^，,。；;]*(?:总|全部|整体|年度|全年|计划|投资|工程量|总量))[^，,。；;]{0,16}(?:${PART_WORD}|${STEP_STAGE_WORD})[^，,。；;]{0,8}的\\s*$`);

// "施工电梯已拆除80%", "主体结构施工已完成80%", "土方开挖进度达70%", "土方开挖已完成总量的70%": the figure follows a part of the works.
const SHARE_OF_WORKS = new RegExp(`(${PART_WORKS_WORD})(?:工程|工作|作业|施工)?(?:目前|当前)?(?:形象)?(?:进度)?(?:已经?|正在|累计)?(?:完成|完工|施工)?(?:进度)?(?:总?(?:工程)?量的)?(?:了|约|近|达到?|至|为)?\\s*$`);
// "一期完成100%", "二期已完成60%", "6号楼完成80%", "A区工程完成60%": the share of a part named as such.
const SHARE_OF_NAMED_PART = new RegExp(`(${PART_WORD})[\\p{Script=Han}]{0,5}?(?:工程|项目)?(?:已经?|目前)?(?:完成|完工|建成)?(?:了|约|近|达到?|至|为)?\\s*$`, 'u');

/**
 * Whether the works a figure follows are a part of the task, not the task itself: the task is not
 * named for those works ("违建拆除已完成80%" of 违建拆除整治), nor is the thing worked on the task's
 * own ("污水管网铺设完成60%" of 推进污水管网改造).
 */
function isPartOfWorks(before: string, works: string, taskLabel: string | null | undefined): boolean {
  if (!taskLabel) return true;
  const name = compactTitle(taskLabel);
  if (name.includes(works)) return false;
  // The task's own words right before the works ("污水管网|铺设", "管网|铺设"), not somewhere earlier ("老旧小区改造|外墙|保温").
  const subject = before.slice(0, before.lastIndexOf(works));
  const common = longestCommon(subject, name);
  const own = common.length >= 3 || (common.length === 2 && subject.replace(/^第[^项条]{1,6}[项条][:：\s]*/, '') === common);
  return !own || GENERIC.test(common) || !subject.endsWith(common);
}

/**
 * Every percent-like figure in a clause of a reply, marked valid only when it can be the
 * completion share of a task (0–100 and not a growth rate or another ratio). `taskLabel`, when the
 * task is known, keeps a figure about works the task itself is named for ("违建拆除已完成80%" of
 * 违建拆除整治) as the task's.
 */
export function extractPercents(text: string, taskLabel?: string | null): PercentFinding[] {
  const out: PercentFinding[] = [];
  const seen: [number, number][] = [];
  for (const { re, read } of FORMS) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (seen.some(([a, b]) => start < b && end > a)) continue;
      seen.push([start, end]);
      const v = read(m);
      if (v === null || Number.isNaN(v)) continue;
      const value = Math.round(v);
      const clauseStart = Math.max(
        text.lastIndexOf('，', start), text.lastIndexOf(',', start), text.lastIndexOf('。', start),
        text.lastIndexOf(';', start), text.lastIndexOf('；', start), text.lastIndexOf('\n', start), -1,
      );
      // The clause up to the figure; its last 60 characters are enough, and bound the cost of a long one.
      const before = text.slice(Math.max(clauseStart + 1, start - 60), start);
      const after = text.slice(end, end + 4);
      const f: PercentFinding = { value, index: start, valid: true, raw: m[0] };
      // "由40%提升到60%": the figure after 到/至 is the new completion share.
      const toTarget = /(到|至|达到|达)\s*$/.test(before) && /(由|从)/.test(before);
      const ofPlan = SHARE_OF_PLAN.test(before) && !/(?:预计|争取|力争|确保|下一步|下步)/.test(before);
      const works = SHARE_OF_WORKS.exec(before)?.[1];
      const ofWorks = !!works && !NOT_COMPLETION.test(before) && isPartOfWorks(before, works, taskLabel);
      // A part the task is named for ("城市更新一期" of 城市更新一期工程) is the task.
      const part = SHARE_OF_NAMED_PART.exec(before)?.[1];
      const ofPart = !!part && !taskLabel?.includes(part);
      if (!toTarget && (SHARE_OF_PART.test(before) || ofPart || ofWorks)) {
        // Progress all the same, but of a step: the task's share is not known.
        f.valid = false;
        f.reason = 'part';
      } else if (!toTarget && ((!ofPlan && (NOT_COMPLETION.test(before) || GROWTH_NEAR.test(before))) || RATE.test(before) || /^(的?增长|的?增幅|以上的企业)/.test(after))) {
        f.valid = false;
        f.reason = 'not_completion';
      } else if (/^\s*(提升|提高|增加|推进|上升)?\s*(到|至)/.test(text.slice(end, end + 6))) {
        // the old figure of "由40%提升到60%"
        f.valid = false;
        f.reason = 'not_completion';
      } else if (/^(过半|一半)$/.test(m[0]) && /^[数\p{Script=Han}]/u.test(after) && !/^(以上|了|左右|多)/.test(after)) {
        // "过半工程项目没有开工", "超过半数": a count of things, not a share of the work.
        f.valid = false;
        f.reason = 'not_completion';
      } else if (value < 0 || value > 100) {
        f.valid = false;
        f.reason = 'out_of_range';
      }
      out.push(f);
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
