import type { AssignmentRole } from './plan-types.ts';

/**
 * What the genre writes before a colon to say who answers for a task and by when — one table, read
 * by the running-text parser (牵头单位：… in brackets or on lines of their own) and by the table
 * parser (the same words as column headers). Each entry has an example the tests parse.
 */
export type LabelRole = 'leaders' | AssignmentRole | 'deadline';

export interface LabelEntry {
  label: string;
  role: LabelRole;
}

const entries = (role: LabelRole, labels: string[]): LabelEntry[] => labels.map((label) => ({ label, role }));

/** 牵头领导 and its county / city / town forms (牵头县领导, 责任市领导 …). */
const LEADER_WORDS = ['牵头', '责任', '分管', '联系', '挂点', '包保', '督办', '挂帅', '领衔', '牵头负责', '分管负责'];
const LEVELS = ['', '区', '县', '市', '镇', '乡', '街道', '州', '省'];

export const RESPONSIBILITY_LABELS: readonly LabelEntry[] = [
  ...entries('leaders', LEADER_WORDS.flatMap((k) => LEVELS.map((level) => `${k}${level}领导`))),
  ...entries('leaders', ['责任领导同志', '牵头领导同志', '领导小组组长']),
  ...entries('lead', [
    '牵头单位', '主责单位', '牵头部门', '主责部门', '牵头责任单位', '主要责任单位', '牵头负责单位', '牵头处室', '总牵头单位', '牵头责任部门',
    '主办单位', '牵头科室',
  ]),
  ...entries('responsible', [
    '责任单位', '承办单位', '落实单位', '责任部门', '实施单位', '责任主体', '具体责任单位', '责任科室', '实施主体', '责任处室', '承办部门',
    '建设单位', '业主单位', '责任股室', '具体落实单位',
  ]),
  ...entries('participating', [
    '参加单位', '配合单位', '协办单位', '参与单位', '协助单位', '配合部门', '参加部门', '协办部门', '协同单位', '协同责任单位', '配合责任单位',
    '其他责任单位', '协同部门', '参与部门', '协作单位', '协同配合单位', '配合科室',
  ]),
  ...entries('deadline', [
    '完成时限', '时间节点', '完成时间', '时限要求', '办结时限', '截止时间', '完成期限', '时限', '完成节点', '计划完成时间', '完成时间节点',
    '进度安排', '时间安排', '完成时序',
  ]),
];

export const LABEL_ROLE: ReadonlyMap<string, LabelRole> = new Map(RESPONSIBILITY_LABELS.map((e) => [e.label, e.role]));

/** Every label as one alternation, longest first so 协同责任单位 wins over 责任单位 at the same place. */
export const LABEL_SOURCE = [...LABEL_ROLE.keys()].sort((a, b) => b.length - a.length).join('|');

/** The labels of one role, for the table parser's header names. */
export function labelsOf(role: LabelRole): string[] {
  return RESPONSIBILITY_LABELS.filter((e) => e.role === role).map((e) => e.label);
}

/**
 * Markup written as clauses without labels: "区住建局牵头，各街道配合", "X、Y牵头，Z按职责分工负责".
 * Each clause is a subject (unit names) and one of these endings; the ending says the role.
 */
export interface ClauseEnding {
  ending: RegExp;
  role: AssignmentRole;
  example: string;
}

export const CLAUSE_ENDINGS: readonly ClauseEnding[] = [
  { ending: /(?:共同|联合)?牵头(?:抓总|负责)?$/, role: 'lead', example: '区住建局牵头' },
  { ending: /按(?:各自)?职责(?:分工)?(?:负责|落实|抓好落实)$/, role: 'responsible', example: '各县市区政府按职责分工负责' },
  { ending: /(?:分别|共同|具体)?负责(?:落实)?$/, role: 'responsible', example: '区城管局负责' },
  { ending: /(?:按职责)?(?:配合|参与|协助|协办|协同|协同配合)$/, role: 'participating', example: '各街道配合' },
];
