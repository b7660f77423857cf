/**
 * Kinds of message that are not read for figures: "没有新进展" (a report of no change), a question
 * to the office, a file named for tasks, an instruction or plan addressed to others. Phrase lists are
 * data here, one home each.
 */

// "这周没有新进展", "第3项本周无新进展", "进展同上周", "本周暂无变化".
const NO_CHANGE = new RegExp([
  '(?:没有|没|无|暂无|尚无|未有)(?:什么|任何|明显)?(?:新的?|新增)(?:进展|进度|变化|情况|动态|内容)',
  '(?:进展|进度|情况)?(?:暂无|没有|没|无)(?:变化|更新|变动)',
  '(?:进展|进度|情况|内容)(?:同上周|同上期|同上次|与上周相同|与上期相同|与上次相同|未变|不变|没变|持平)',
  '(?:与|同|和)上(?:周|期|次|月)(?:相同|一样|持平|无变化|没有变化)',
  '^(?:同上周|同上期|无变化|没有变化|无更新)',
].join('|'));

/** Whether the message says nothing moved since the last report. */
export function saysNoChange(text: string): boolean {
  return NO_CHANGE.test(text.replace(/\s+/g, ''));
}

// "能不能", "怎么填", "什么时候交": a question, with or without a question mark.
const QUESTION_WORD = /(能不能|能否|可不可以|可否|是否可以|是不是|要不要|需不需要|怎么|怎样|如何|什么时候|何时|哪里|哪个|哪些|为什么|为何|几号|请问|咨询一下|问一下)/;
const QUESTION_END = /[?？]\s*$|[吗呢么嘛]\s*[。.!！]?\s*$/;

/** Whether the message asks something (of the office) rather than stating. */
export function asksQuestion(text: string): boolean {
  const t = text.trim();
  if (QUESTION_END.test(t)) return true;
  // Without a mark, only a short message led or carried by a question word: "这个表怎么填".
  return t.length <= 40 && QUESTION_WORD.test(t);
}

/** `[文件] X局第2项、第5项进展.docx`: how a shared file reaches the reader (channels render it so). */
const FILE_LINE = /^\s*(?:\[(?:文件|附件|file)\]|【(?:文件|附件)】)\s*(.+?)\s*$/i;
const FILE_NAME = /^[^\n]{1,120}\.(?:docx?|wps|xlsx?|et|csv|pdf|pptx?|ofd|zip|rar|7z|jpe?g|png)$/i;

/** The file name when the message is a shared file (or only a file name); else null. */
export function sharedFileName(text: string): string | null {
  const t = text.trim();
  const m = FILE_LINE.exec(t);
  const name = m ? m[1]! : t;
  return FILE_NAME.test(name) && !/\n/.test(name) ? name : null;
}

// An instruction or a plan written to others ("请各单位加快推进", "下一步要强化督导", "4月份计划：…").
const DIRECTIVE_LEAD = /^(?:请各|请有关|请相关|各(?:单位|部门|镇|街道|乡镇|牵头单位|责任单位|相关)|要求|下一步|下步|(?:\d{1,2}月份?|下周|下月|本周|本月)?(?:工作)?计划[:：])/;
const DIRECTIVE_VERB = /将对|(?:进行|开展)(?:重点|专项)?督查|(?:要|应|须|必须|务必|需要|需)(?:切实|进一步|认真|强化|加强|加快|加大|抓紧|确保|按时|及时|全力|高度|尽快|明确|查明|落实|做好|形成|积极)/;
// Evidence that the text states what has happened: a perfective or a progressive, or a date of record.
// A status said as a predicate ("进度有所滞后") is a fact too; "进度滞后的项目" only names some.
const STATES_FACT = /(已|正在|正抓紧|目前|现已|截至|截止|累计|完成了|\d+(?:\.\d+)?%|(?:滞后|缓慢|停工|受阻)(?![的项事]))/;

/** Whether the message only tells others what to do or plans to do, stating nothing done. */
export function isDirective(text: string): boolean {
  const t = text.trim().replace(/^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})[.、]\s*/, '');
  if (STATES_FACT.test(t)) return false;
  return DIRECTIVE_LEAD.test(t) || DIRECTIVE_VERB.test(t) || /^(?:对|针对)[^，,]{1,20}(?:项目|事项|任务)[，,]/.test(t);
}
