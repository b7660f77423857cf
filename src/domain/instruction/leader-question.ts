/** What a leader asks the bot privately about the work, as opposed to a 批示. */
export type LeaderQuestion =
  /** 第3项怎么样了 / 政府工作报告第3项进展如何 */
  | { kind: 'task'; ref: string }
  /** 区住建局的任务 / 住建局怎么样了 */
  | { kind: 'unit'; name: string }
  /** 逾期的 / 哪些逾期了 */
  | { kind: 'overdue' }
  /** 我的批示 / 批示落实情况 */
  | { kind: 'instructions' };

const REF = '((?:《[^》]{1,30}》)?\\s*(?:[\\u4e00-\\u9fa5A-Za-z][\\u4e00-\\u9fa5A-Za-z0-9]{1,17}?)?\\s*第?\\s*[0-9一二三四五六七八九十百两]{1,6}\\s*[项号条]?)';
const HOW = '(?:怎么样了?|怎样了?|如何了?|进展如何|进展怎么样了?|进展情况|情况如何|情况怎么样|什么情况|到哪了|到哪一步了?|进度如何|进度)';

/** Reads a leader's private question; null when it is not one of the questions the bot answers. */
export function readLeaderQuestion(raw: string): LeaderQuestion | null {
  const text = raw.normalize('NFKC').replace(/[\u2005\u3000]/g, ' ').trim().replace(/[。.!！~～]+$/, '');
  if (/^(哪些|有哪些|有没有|查询|看看|看一下)?\s*(逾期|超期|超时限)(的|了的|了)?(任务|事项)?(有哪些|有没有)?[？?]?$/.test(text)) return { kind: 'overdue' };
  if (/^(我的批示|批示落实情况|批示情况|批示反馈|我的批示落实情况)[？?]?$/.test(text)) return { kind: 'instructions' };
  let m = new RegExp(`^(?:请问|查询|查一下|看看)?\\s*${REF}\\s*(?:的)?\\s*${HOW}\\s*[呢啊呀]?[？?]*$`).exec(text);
  if (m) return { kind: 'task', ref: m[1]!.trim() };
  m = /^(?:请问|查询|查一下|看看)?\s*([\u4e00-\u9fa5（）()]{2,20}?)(?:的)?(?:任务|工作|情况|任务情况|任务进展|进展)(?:怎么样了?|如何|情况)?[呢啊]?[？?]*$/.exec(text);
  if (m && !/^(我的|本周|逾期|所有|全部|这周|本单位)/.test(m[1]!)) return { kind: 'unit', name: m[1]! };
  m = new RegExp(`^([\\u4e00-\\u9fa5（）()]{3,20}?)${HOW}[呢啊]?[？?]*$`).exec(text);
  if (m && /(局|委|办|中心|街道|镇|室|院|部|处|所|队|集聚区|公司)$/.test(m[1]!)) return { kind: 'unit', name: m[1]! };
  return null;
}
