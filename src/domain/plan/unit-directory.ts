import { isCollectiveName } from './split-names.ts';
import type { UnitResolution } from './plan-types.ts';

/** The admin-editable directory of units (config/units.json), already validated. */
export const UNIT_KINDS = ['department', 'town', 'street', 'office', 'committee', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface DirectoryUnit {
  name: string;
  aliases: string[];
  kind: UnitKind;
}

export interface UnitDirectory {
  units: DirectoryUnit[];
}

export interface ResolveResult {
  resolved: UnitResolution | null;
  collective: boolean;
  suggestions: string[];
}

/** Spaces and bracket widths vary between printings of the same name. */
export function normaliseUnitName(name: string): string {
  return name.replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）').replace(/\*\*/g, '');
}

export interface DirectoryIndex {
  byName: Map<string, { unit: DirectoryUnit; via: 'exact' | 'alias' }>;
  all: { key: string; unit: DirectoryUnit }[];
  /** The directory's units in file order, for expanding collective phrases. */
  units: readonly DirectoryUnit[];
}

export function indexDirectory(dir: UnitDirectory): DirectoryIndex {
  const byName = new Map<string, { unit: DirectoryUnit; via: 'exact' | 'alias' }>();
  const all: { key: string; unit: DirectoryUnit }[] = [];
  for (const unit of dir.units) {
    byName.set(normaliseUnitName(unit.name), { unit, via: 'exact' });
    all.push({ key: normaliseUnitName(unit.name), unit });
  }
  for (const unit of dir.units) {
    for (const a of unit.aliases) {
      const key = normaliseUnitName(a);
      if (!byName.has(key)) byName.set(key, { unit, via: 'alias' });
      all.push({ key, unit });
    }
  }
  return { byName, all, units: dir.units };
}

/** Levenshtein distance, small strings only. */
export function editDistance(a: string, b: string): number {
  const A = [...a];
  const B = [...b];
  let prev = Array.from({ length: B.length + 1 }, (_, j) => j);
  for (let i = 1; i <= A.length; i++) {
    const cur = [i];
    for (let j = 1; j <= B.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (A[i - 1] === B[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[B.length]!;
}

/**
 * Exact name, then alias; otherwise close directory names as suggestions ("区发该委" → 区发改委).
 * Collective phrases (各镇、街办、管理处, 区直各单位) are not units and resolve to nothing, on purpose.
 */
export function resolveUnitName(raw: string, index: DirectoryIndex): ResolveResult {
  const key = normaliseUnitName(raw);
  const hit = index.byName.get(key);
  if (hit) {
    return {
      resolved: { name: hit.unit.name, kind: hit.unit.kind, aliases: hit.unit.aliases, via: hit.via },
      collective: false,
      suggestions: [],
    };
  }
  if (isCollectiveName(raw)) return { resolved: null, collective: true, suggestions: [] };
  const limit = [...key].length <= 4 ? 1 : 2;
  const scored = new Map<string, number>();
  for (const { key: k, unit } of index.all) {
    const d = editDistance(key, k);
    if (d <= limit && d < (scored.get(unit.name) ?? Infinity)) scored.set(unit.name, d);
    // 区住建局（旧改办） style: a known name with a bracketed office after it.
    else if (key.startsWith(`${k}（`) && !scored.has(unit.name)) scored.set(unit.name, limit + 1);
  }
  const suggestions = [...scored.entries()].sort((a, b) => a[1] - b[1]).slice(0, 3).map(([n]) => n);
  return { resolved: null, collective: false, suggestions };
}

/** Which units a word inside a collective phrase stands for. */
function matcherFor(word: string): ((u: { name: string; kind: string }) => boolean) | null {
  switch (word) {
    case '镇':
    case '乡':
    case '乡镇':
      return (u) => u.kind === 'town' && /[镇乡]$/.test(u.name);
    case '街道':
    case '街办':
      return (u) => u.kind === 'street';
    // 各镇街 / 各街镇: towns and streets together.
    case '镇街':
    case '街镇':
      return (u) => u.kind === 'street' || (u.kind === 'town' && /[镇乡]$/.test(u.name));
    case '管理处':
      return (u) => u.name.endsWith('管理处');
    case '集聚区':
    case '园区':
    case '开发区':
      return (u) => u.name.endsWith(word);
    case '部门':
      return (u) => u.kind === 'department';
    default:
      return null;
  }
}

/**
 * The directory units a collective phrase stands for: 各镇、街办、管理处 → every town, street and
 * 管理处; 区直各单位 → the district departments, offices and committees. Phrases that name no kind
 * (各项目牵头单位) expand to nothing — the caller must ask a person.
 */
export function expandCollective<U extends { name: string; kind: string }>(rawName: string, units: readonly U[]): U[] {
  const name = normaliseUnitName(rawName);
  if (/^区直|^区(政府|委)各部门/.test(name)) {
    return units.filter((u) => u.kind === 'department' || u.kind === 'office' || u.kind === 'committee');
  }
  if (/成员单位$/.test(name) || /^各(相关|有关)?(行业主管)?部门$/.test(name)) return units.filter((u) => u.kind === 'department');
  const m = /^各(?:相关|有关)?(.+)$/.exec(name);
  if (!m) return [];
  const matchers = m[1]!
    // 各镇（街道） / 各乡镇(街道) name their kinds in brackets too.
    .split(/[、，,（）()]/)
    .map((w) => matcherFor(w.trim()))
    .filter((f): f is NonNullable<typeof f> => f != null);
  if (matchers.length === 0) return [];
  return units.filter((u) => matchers.some((f) => f(u)));
}

/**
 * The canonical names of the directory units a collective phrase stands for, in directory order;
 * empty when the phrase names no kind the directory has (the import warns: collective_empty).
 */
export function expandCollectiveNames(rawName: string, index: DirectoryIndex): string[] {
  return expandCollective(rawName, index.units).map((u) => u.name);
}
