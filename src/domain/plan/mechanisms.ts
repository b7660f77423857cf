/**
 * Named cadence mechanisms (周督查、旬会商、月通报, 一周一调度, 逐月调度, 一月一汇报 …) so the bot's
 * cadences can be set from the plan. Mechanisms that are not cadences (六级调度机制, 四单, 闭环) are
 * not matched: every form here names a period.
 */

const PERIOD = '(?:日|周|旬|月|季|季度|年|双周|半月)';
const ACT = '(?:调度会|会商会|推进会|调度|通报|会商|督查|督导|汇报|报告|例会|研判|点评|讲评|考核|晾晒|排名|申请|报送|通报会|分析会)';
const FORMS = [
  `一${PERIOD}一[\\u4e00-\\u9fa5]{2}`,
  `逐${PERIOD}${ACT}`,
  `每${PERIOD}${ACT}`,
  // Bare 周督查 / 月通报: only as a listed name, between quotes or separators.
  `(?<=^|[“"‘、，,；;（(\\s]|落实|实行|建立|坚持|推行|执行|用好|完善|健全|开展)${PERIOD}${ACT}(?=[”"’、，,。；;）)\\s]|机制|制度|等|$)`,
];
const RE = new RegExp(FORMS.join('|'), 'g');

export function findMechanisms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(RE)) if (!out.includes(m[0])) out.push(m[0]);
  // "实行周调度、月通报……每周调度重点任务": 每周调度 restates the named 周调度.
  return out.filter((m) => !(m.startsWith('每') && out.includes(m.slice(1))));
}
