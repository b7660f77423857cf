import { statesLag, withoutDeniedStatus } from './detect-status.ts';
import { isHeadingOnly } from './outline-headings.ts';

/** Sentences of a reply, each split into its clauses. */
export function sentences(text: string): string[][] {
  return text
    .split(/[。;；!！?？\n]/)
    .map((s) => s.split(/[,，]/).map((c) => c.trim()).filter(Boolean))
    .filter((s) => s.length > 0);
}

// 问题 only when one is stated: "存在…问题", "问题是…", "需协调解决…问题" — not in a name like "历史遗留问题化解项目".
const STATED_ISSUE = '(?:存在|遇到|面临|出现|发现|仍有|还有|尚有|另有)[^，,。；;]{0,12}问题|有(?:个|一个|些|一些|几个|两个|不少)问题|问题(?:是|为|在于|主要|较多|突出|较大|严重|[:：])|(?:主要|突出|存在的|遇到的|面临的|困难和)问题|(?:需要?|请|请求|亟需|亟待|待|协调)解决[^，,。；;]{0,10}问题';
const PROBLEM = new RegExp(`(${STATED_ISSUE}|困难|缺口|短缺|不足|难点|瓶颈|障碍|制约|受阻|卡点|矛盾|需.{0,8}协调|请求协调|请.{0,6}协调|需.{0,8}支持|未到位|不到位|没到位|滞后|缓慢|偏慢|较慢|延误|落后于|阻力|风险|纠纷|紧张|难度大|难度较大|压力大|难以|缺乏|缺少|短板|堵点|未批复|未获批|原因是|原因为|未办结|尚未办结|待审批|审批慢|手续(?:未|不|尚未|还未|还没|没有|办理慢|不全|缺)|未能及时|未达(?:到)?(?:序时|时序|计划|时间)?进度|低于(?:时序|序时|时间)进度|慢于(?:时序|序时|时间)进度)`);
// "存在问题：无", "需协调事项：暂无": an outline heading answered with nothing.
const NO_PROBLEM_ANSWER = /(?:问题|困难|协调事项|协调解决事项|需协调|建议)[^:：]{0,6}[:：]\s*(?:无|没有|暂无|暂时没有)[。.]?\s*$/;
const NO_PROBLEM = /(无(?:重大|明显|突出|较大)?问题|没有问题|没问题|暂无问题|暂无困难|无困难|没有困难|不存在问题|未发现问题|无明显问题|暂未发现|一切顺利|无需协调|无滞后|不滞后|未滞后|没有滞后|不存在滞后|无明显滞后|未出现滞后|没有出现滞后|未见滞后)/;
const NEXT = /^(下一步|下步|接下来|下阶段|下一阶段|后续|计划|拟|将于|将在|预计|争取|力争|下周|下月|近期将|下一步将|我们将)/;

// A clause that only names a status ("滞后", "进展缓慢") is already the status; the problem is the reason given.
const STATUS_ONLY = /^(目前|当前|进度|进展|工作|项目)?(严重|明显|有所|略有|稍有)?(滞后|缓慢|偏慢|较慢|进展缓慢|推进缓慢|进度滞后|进度缓慢|进度偏慢)了?$/;

export interface Notes {
  problems: string | null;
  nextSteps: string | null;
}

/** The problems raised and the next steps announced, each as the clauses that state them. */
export function extractNotes(text: string): Notes {
  const problems: string[] = [];
  const next: string[] = [];
  for (const sentence of sentences(text)) {
    let inNext = false;
    for (const c of sentence) {
      const own = c.replace(/^\s*(第\s*\S{1,4}?\s*[项条]|\(?\d{1,3}[.、)]|\(?[一二三四五六七八九十]{1,3}[、)]|任务\s*\d+|\d+号(任务)?)[:\s]*/, '');
      const lead = own.replace(/^\s*(但|但是|目前|同时|另外|此外)\s*/, '');
      // "下一步，将加快征收": the clauses after the marker belong to it.
      if (inNext || NEXT.test(lead)) {
        inNext = true;
        next.push(c);
      } else {
        const stated = withoutDeniedStatus(c);
        if ((PROBLEM.test(stated) || statesLag(stated)) && !NO_PROBLEM.test(c) && !NO_PROBLEM_ANSWER.test(c) && !isHeadingOnly(c)) problems.push(own || c);
      }
    }
  }
  const reasons = problems.filter((p) => !STATUS_ONLY.test(p.replace(/\s+/g, '')));
  if (reasons.length && reasons.length < problems.length) problems.splice(0, problems.length, ...reasons);
  return {
    problems: problems.length ? problems.join('；').slice(0, 500) : null,
    nextSteps: next.length ? next.join('；').slice(0, 500) : null,
  };
}
