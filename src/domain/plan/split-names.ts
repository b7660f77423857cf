/**
 * Splitting the lists printed after 责任单位：/牵头领导： into single names, following the genre:
 * 、，； (and ASCII , ;) separate names, brackets protect what they hold (区委组织部（人才办）), and a
 * collective phrase such as 各镇、街办、管理处 stays whole because its parts after the first are
 * bare kinds of unit, not names.
 */

import { collectiveLengthAt, isCollectiveName } from './collectives.ts';

const OPEN = '（(〔[【';
const CLOSE = '）)〕]】';

/**
 * Splits on separators outside brackets; a collective phrase (各县、市、区政府) is taken whole where
 * a name starts, so its 、 do not separate names.
 */
function splitOutsideBrackets(s: string, seps: RegExp, keepCollectives = false): { part: string; sep: string }[] {
  const out: { part: string; sep: string }[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (keepCollectives && depth === 0 && cur.trim() === '') {
      const n = collectiveLengthAt(s, i);
      if (n > 0) {
        cur += s.slice(i, i + n);
        i += n - 1;
        continue;
      }
    }
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

const UNIT_END = /[局委办部室处心院司队所府会站位门区镇道乡村组班]$|[（(][^）)]*[）)]$/;
/** A name that reads as a unit: ends like one (局, 委, 办, 镇, 街道 …) or is a collective phrase. */
export const looksLikeUnit = (name: string): boolean => UNIT_END.test(name) || isCollectiveName(name);

function clean(name: string): string {
  return name
    .replace(/\*\*/g, '')
    // "区财政局等" — the 等 closes the list, it is not part of the name.
    .replace(/(?<=[局委办部室处心院司队所府会站位门区镇道])\s*等(?:相关|有关)?(?:部门|单位)?$/, '')
    .replace(/^[\s"“”'‘’:：]+|[\s"“”'‘’。.]+$/g, '')
    .replace(/^(?:和|及|以及|与)(?=\S{2,})/, '')
    .trim();
}

/** "市级各有关部门及各县市区政府" → two names; "区教育和体育局" stays one (区教育 is no unit). */
function splitConjunction(name: string): string[] {
  const m = /^(.{2,}?)(?:以及|及|和|与)(.{2,})$/.exec(name);
  if (m && looksLikeUnit(m[1]!) && looksLikeUnit(m[2]!)) return [...splitConjunction(m[1]!), ...splitConjunction(m[2]!)];
  return [name];
}

/** Unit names as printed, collective phrases kept whole. */
export function splitUnitList(text: string): string[] {
  const names: string[] = [];
  for (const { part } of splitOutsideBrackets(text.replace(/\*\*/g, ''), /[、，,；;]/, true)) {
    const name = clean(part);
    if (name) names.push(...splitConjunction(name));
  }
  return names;
}

export { isCollectiveName };

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
