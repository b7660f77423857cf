import type { ReportTask } from './report-data.ts';

/** Names in a report cell: all of them when few, else the first two and the count (区住建局、区发改委等5个单位). */
export function shortenUnits(names: readonly string[], max = 3, keep = 2): string {
  if (names.length <= max) return names.join('、');
  return `${names.slice(0, keep).join('、')}等${names.length}个单位`;
}

/**
 * Who answers for a task, as the reports print it: its 牵头单位 when the plan names one, else its
 * 责任单位 — all of them, as the directory knows them, else as the document prints them (各项目相关责任单位).
 * "未明确" only when the plan names no lead or responsible unit at all.
 */
export function answerableUnits(t: Pick<ReportTask, 'leadUnits' | 'dutyUnits' | 'printedUnits'>, nameOf: (u: { id: number; name: string }) => string = (u) => u.name): { role: '牵头' | '责任' | null; names: string[] } {
  if (t.leadUnits.length) return { role: '牵头', names: t.leadUnits.map(nameOf) };
  if (t.printedUnits?.lead.length) return { role: '牵头', names: t.printedUnits.lead };
  if (t.dutyUnits.length) return { role: '责任', names: t.dutyUnits.map(nameOf) };
  if (t.printedUnits?.responsible.length) return { role: '责任', names: t.printedUnits.responsible };
  return { role: null, names: [] };
}

/** 牵头：区商务局 / 责任：区住建局等3个单位 / 牵头：未明确 */
export function answerableLabel(t: Pick<ReportTask, 'leadUnits' | 'dutyUnits' | 'printedUnits'>): string {
  const a = answerableUnits(t);
  return a.role ? `${a.role}：${shortenUnits(a.names)}` : '牵头：未明确';
}

/** The units alone, for a table cell or a group heading (`nameOf`: e.g. short names in a picture). */
export function answerableNames(t: Pick<ReportTask, 'leadUnits' | 'dutyUnits' | 'printedUnits'>, nameOf?: (u: { id: number; name: string }) => string): string {
  const a = answerableUnits(t, nameOf);
  return a.role ? shortenUnits(a.names) : '未明确';
}

/**
 * A unit's short name for a picture's narrow column: its shortest alias that reads as a name of the
 * same body (区发展和改革委员会 → 区发改委), else its name.
 */
export function shortUnitName(units: ReadonlyMap<number, { name: string; aliases?: string[] }>): (u: { id: number; name: string }) => string {
  return (u) => {
    const aliases = (units.get(u.id)?.aliases ?? []).filter((a) => a.length >= 3 && a.length < u.name.length && a[0] === u.name[0] && !/[（(]/.test(a));
    return aliases.sort((a, b) => a.length - b.length)[0] ?? u.name;
  };
}
