import type { ReplyStatus } from './reply-types.ts';

const NOT_STARTED = /(未启动|尚未启动|还未启动|还没启动|没有启动|未开始|尚未开始|还没开始|没开始|未开工|尚未开工|还没开工|暂未启动|暂未开展|尚未开展|未开展)/;
const BLOCKED = /(滞后|停滞|停工|受阻|卡住|搁置|进展缓慢|推进缓慢|进度缓慢|落后于|暂停|无法推进|推不动|延误|延期)/;
const NOT_DONE = /(未完成|没完成|没有完成|尚未完成|还未完成|未能完成|无法完成|完不成)/;
const DONE = /(已完成|全部完成|已经完成|完成了|已办结|办结|已竣工|竣工验收|已建成|已落实|全部落实|已全面落实|落实到位|已完工|完工|已交付|已结束|已全面完成|已圆满完成)/;
const IN_PROGRESS = /(推进中|正在推进|进行中|正在实施|正在办理|正在建设|正在施工|正在开展|有序推进|稳步推进|加快推进|持续推进|按计划推进|按序时推进|已启动|已开工|施工中|办理中|推进|开展中|实施中|建设中|已开展|在建|筹备中|准备中|对接中|洽谈中|谋划中|基本完成|正在做|进展顺利|进展正常|进度正常|进展良好|顺利推进|按计划|按期推进|序时推进|按序时)/;

/**
 * The task status a clause states. `percent` is the completion share found in the same part of the
 * message: "已完成60%" is progress, not completion.
 */
export function detectStatus(text: string, percent: number | null): ReplyStatus | null {
  if (NOT_STARTED.test(text)) return 'not_started';
  if (BLOCKED.test(text) && !/(不滞后|无滞后|未滞后|没有滞后|不存在滞后)/.test(text)) return 'blocked';
  if (percent === 100) return 'done';
  if (percent !== null) return percent === 0 ? 'not_started' : 'in_progress';
  if (NOT_DONE.test(text)) return 'in_progress';
  const done = DONE.exec(text);
  // "已完成征收" is done, "已完成3个" is a count of something, not the task.
  if (done && !/^\s*\d/.test(text.slice(done.index + done[0].length))) return 'done';
  if (IN_PROGRESS.test(text) || done) return 'in_progress';
  return null;
}
