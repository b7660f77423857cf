/**
 * Splitting the lists printed after 责任单位：/牵头领导： into single names, following the genre:
 * 、，； (and ASCII , ;) separate names, brackets protect what they hold (区委组织部（人才办）), and a
 * collective phrase such as 各镇、街办、管理处 stays whole because its parts after the first are
 * bare kinds of unit, not names.
 */

const OPEN = '（(〔[【';
const CLOSE = '）)〕]】';

/** Bare unit kinds that continue a collective phrase: 各镇、街办、管理处 / 各街道、镇、集聚区. */
const KIND_WORDS = new Set([
  '镇', '乡', '乡镇', '街道', '街办', '管理处', '集聚区', '园区', '开发区', '社区', '村', '村（社区）', '场', '农场',
  '部门', '单位', '企业', '学校', '医院', '区直单位', '垂管单位', '人民团体',
]);

/** Splits on separators outside brackets. */
function splitOutsideBrackets(s: string, seps: RegExp): { part: string; sep: string }[] {
  const out: { part: string; sep: string }[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (OPEN.includes(ch)) depth++;
    else if (CLOSE.includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && seps.test(ch)) {
      out.push({ part: cur, sep: ch });
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push({ part: cur, sep: '' });
  return out;
}

function clean(name: string): string {
  return name
    .replace(/\*\*/g, '')
    // "区财政局等" — the 等 closes the list, it is not part of the name.
    .replace(/(?<=[局委办部室处心院司队所府会站位门区镇道])\s*等(?:相关|有关)?(?:部门|单位)?$/, '')
    .replace(/^[\s"“”'‘’:：]+|[\s"“”'‘’。.]+$/g, '')
    .replace(/^(?:和|及|以及|与)(?=\S{2,})/, '')
    .trim();
}

/** Unit names as printed, collective phrases kept whole. */
export function splitUnitList(text: string): string[] {
  const pieces = splitOutsideBrackets(text.replace(/\*\*/g, ''), /[、，,；;]/);
  const names: string[] = [];
  pieces.forEach(({ part }, k) => {
    const name = clean(part);
    if (!name) return;
    const sepBefore = k > 0 ? pieces[k - 1]!.sep : '';
    const last = names.length > 0 ? names[names.length - 1]! : null;
    if (last !== null && sepBefore === '、' && isCollectiveHead(last) && KIND_WORDS.has(name)) {
      names[names.length - 1] = `${last}、${name}`;
    } else {
      names.push(name);
    }
  });
  return names;
}

/** "各镇", "各相关街道", "各镇（街道）" — the start of a collective phrase. */
function isCollectiveHead(name: string): boolean {
  const m = /^各(?:相关|有关)?(.+)$/.exec(name.split('、')[0]!);
  return m != null && m[1]!.split(/[（）()]/).filter(Boolean).every((w) => KIND_WORDS.has(w));
}

/** Names that stand for a group of units rather than one unit. */
export function isCollectiveName(name: string): boolean {
  return (
    /^各/.test(name) ||
    /(各|相关|有关)(成员)?单位$/.test(name) ||
    /成员单位$/.test(name) ||
    /(责任|牵头|主管|配合|参加)单位$/.test(name) ||
    /主管部门$/.test(name) ||
    /^区直/.test(name) ||
    /^(相关|有关)/.test(name)
  );
}

const TITLE_WORD = '(?:区长|县长|市长|镇长|书记|主任|部长|主席|局长|委员|常委|调研员|巡视员|秘书长|院长|检察长|政委|指挥长|组长)';
const TITLE_ONLY = new RegExp(`^(?:常务)?副?(?:区委|市委|县委|区政府|县政府|市政府|区|市|县|镇|乡|街道)?(?:常委|副书记|${TITLE_WORD})$`);
// 王强副区长 → 王强: a 2–3 character name glued to its title.
const NAME_THEN_TITLE = new RegExp(`^([\u4e00-\u9fa5]{2,3}?)((?:区委|县委|市委)?(?:常务)?副?(?:区|县|市|镇)?${TITLE_WORD})$`);

/**
 * 牵头领导：徐志勇、杨峰 → two names; 陈 兰 → 陈兰; 张三 李四 → two names; 杨峰（副区长）, 王五 副区长,
 * 王强副区长 and 常务副区长 李明 → the name alone.
 */
export function splitPersonList(text: string): string[] {
  const names: string[] = [];
  for (const { part } of splitOutsideBrackets(text.replace(/\*\*/g, ''), /[、，,；;]/)) {
    // The bracket is a title, not part of the name.
    const words = clean(part).replace(/[（(][^）)]*[）)]$/, '').replace(/同志$/, '').trim().split(/\s+/).filter(Boolean);
    // Title words around the name, separated by spaces ("王五 副区长", "常务副区长 李明").
    const kept = words.filter((w) => !TITLE_ONLY.test(w) && !/^(区委|县委|市委)?常委$/.test(w));
    if (kept.length === 0) continue;
    // Two names of two or more characters side by side are two people; 陈 兰 is one name spaced out.
    const people = kept.length > 1 && kept.every((w) => [...w].length >= 2 && [...w].length <= 4) ? kept : [kept.join('')];
    for (const p of people) {
      const glued = NAME_THEN_TITLE.exec(p);
      names.push(glued ? glued[1]! : p);
    }
  }
  return names;
}

const LEAD_MARK = /[（(〔［\[【]\s*牵头(单位)?\s*[）)〕］\]】]$|(?<=[局委办部室处心院司队所府会站])\s*牵头$/;
const HELP_MARK = /[（(〔［\[【]\s*(配合|参与|协助|协同|协办)(单位)?\s*[）)〕］\]】]$|(?<=[局委办部室处心院司队所府会站位门区镇道])\s*(配合|参与|协助|协同|协办)$/;

/**
 * "区发改委（牵头）" / "区发改委牵头" → the unit leads; "区财政局配合" → it participates. The marker is
 * not part of the name.
 */
export function stripLeadMarker(name: string): { name: string; lead: boolean; helps?: boolean } {
  if (LEAD_MARK.test(name)) return { name: name.replace(LEAD_MARK, '').trim(), lead: true };
  if (HELP_MARK.test(name)) return { name: name.replace(HELP_MARK, '').trim(), lead: false, helps: true };
  return { name, lead: false };
}
