/**
 * The headings of a report's own outline, as data: "一、工作进展", "二、存在问题及建议", "三、下一步工作".
 * A number opening one numbers the writer's outline, not a task; a heading standing alone names no
 * problem — what follows it does.
 */
const PROGRESS = [
  '工作进展', '进展情况', '推进情况', '完成情况', '工作完成情况', '主要做法', '主要工作', '工作开展情况', '工作推进情况', '项目进展', '进度情况',
  '本周工作', '本周进展', '本月工作', '本月进展', '工作情况', '总体进展', '总体情况', '基本情况',
];
const SECTION = [
  '存在问题及建议', '存在的问题', '存在问题', '问题及困难', '问题和困难', '问题与困难', '困难和问题', '困难与问题', '困难及问题',
  '问题及建议', '问题和建议', '意见建议', '有关建议', '需协调解决的问题', '需协调解决事项', '需协调事项', '需要协调的事项', '协调事项',
  '下一步工作计划', '下一步工作打算', '下一步计划', '下一步工作', '下一步', '下步工作', '下步', '工作计划', '工作打算',
];
const alt = (words: string[]) => [...words].sort((a, b) => b.length - a.length).join('|');

/** A heading of what was done: a task's own number may open it ("5、推进情况：完成70%"). */
export const PROGRESS_HEADING = new RegExp(`^\\s*(?:${alt(PROGRESS)})`);
/** A heading of problems, requests or next steps: no task's number opens one. */
export const SECTION_HEADING = new RegExp(`^\\s*(?:${alt(SECTION)})`);

// Looser than a list's BARE_MARKER on purpose: any number in front of a heading ("1)", "(一、") is its outline's.
const MARKER = /^\s*(?:\(?[\d一二三四五六七八九十]{1,3}[、.)]\s*)?/;
const ALONE = new RegExp(`^(?:${alt(PROGRESS)}|${alt(SECTION)})\\s*[:：]?\\s*$`);

/** Whether a clause is a heading and nothing more ("二、存在问题", "问题与困难："). */
export function isHeadingOnly(clause: string): boolean {
  return ALONE.test(clause.replace(MARKER, '').trim());
}
