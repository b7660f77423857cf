/**
 * Collective phrases: names that stand for a group of units (各镇、街办、管理处; 各县（市、区）人民政府;
 * 市级各有关部门) rather than one unit. One table of patterns, each with an example the tests check;
 * the unit-list splitter keeps a match whole (its 、 do not separate names), and the directory
 * marks it collective instead of looking it up as a unit.
 */

/** Bare kinds of unit that a 各… phrase lists: 各园区、乡（镇）, 各县（市、区）. */
export const KIND_WORDS: readonly string[] = [
  '县', '市', '区', '县市区', '县区', '区县', '市县', '县市', '市区', '乡', '镇', '乡镇', '镇街', '街镇', '街道', '街办', '办事处', '管理处', '集聚区',
  '园区', '开发区', '功能区', '新区', '高新区', '经开区', '社区', '村', '村（社区）', '场', '农场', '林场', '部门', '单位', '企业', '学校', '医院',
  '区直单位', '垂管单位', '人民团体', '片区', '管委会',
];

/** What may follow the kinds: 各县（市、区）人民政府, 各园区管委会, 各乡镇党委. */
const BODY_SUFFIX = '(?:人民政府|政府|管委会|党委|党工委|办事处|人民政府（管委会）|政府（管委会）)';
const kind = `(?:${[...KIND_WORDS].sort((a, b) => b.length - a.length).map((w) => w.replace(/[（）]/g, (c) => `\\${c}`)).join('|')})`;
const kindList = `${kind}(?:[（(]${kind}(?:[、，,]${kind})*[）)])?`;

export interface CollectivePattern {
  pattern: RegExp;
  example: string;
}

export const COLLECTIVE_PATTERNS: readonly CollectivePattern[] = [
  // 各镇、街办、管理处 / 各园区、乡（镇） / 各县（市、区）人民政府 / 各县、市、区政府 / 各县市区政府
  { pattern: new RegExp(`^各(?:相关|有关)?${kindList}(?:、${kindList})*${BODY_SUFFIX}?$`), example: '各县（市、区）人民政府' },
  // 市级各有关部门 / 区直各部门 / 市直各单位 / 县政府各部门 / 全区经济运行各专班
  { pattern: /^(?:[市区县镇]|全[市区县])[\u4e00-\u9fa5]{0,8}?各(?:有关|相关)?(?:部门|单位|专班|成员单位|工作组|机构)$/, example: '市级各有关部门' },
  // 市政府有关部门 / 区直相关单位 / 县直有关部门
  { pattern: /^[市区县](?:政府|级|直|委)?(?:有关|相关)(?:部门|单位)$/, example: '市政府有关部门' },
  // 各有关部门 / 各相关单位 / 各成员单位 / 各行业主管部门 / 各项目牵头单位
  { pattern: /^各[\u4e00-\u9fa5]{0,8}(?:部门|单位|企业|专班)$/, example: '各相关单位' },
  // 区直各单位 / 区直相关部门 / 区直单位
  { pattern: /^区直/, example: '区直各单位' },
  // 有关部门 / 相关单位 / 相关镇（街道）
  { pattern: /^(?:相关|有关)/, example: '相关单位' },
  // X领导小组成员单位 / 联席会议成员单位
  { pattern: /成员单位$/, example: '区安委会成员单位' },
  // 项目责任单位 / 各牵头单位 / 主管部门
  { pattern: /(?:各|相关|有关)(?:成员)?单位$|(?:责任|牵头|主管|配合|参加)单位$|主管部门$/, example: '项目相关责任单位' },
  // Any other 各…: 各学区, 各村
  { pattern: /^各/, example: '各学区' },
];

export function isCollectiveName(name: string): boolean {
  return COLLECTIVE_PATTERNS.some((p) => p.pattern.test(name));
}

/**
 * The longest collective phrase that starts at `at` in a unit list (so 各县、市、区政府 is not split
 * at its 、), or 0. Only 各… phrases list kinds with 、; the others contain no separator.
 */
export function collectiveLengthAt(text: string, at: number): number {
  if (text[at] !== '各') return 0;
  const m = COLLECTIVE_AT.exec(text.slice(at, at + 60));
  return m ? m[0].length : 0;
}

const COLLECTIVE_AT = new RegExp(`^各(?:相关|有关)?${kindList}(?:、${kindList})*${BODY_SUFFIX}?(?![\\u4e00-\\u9fa5])`);
