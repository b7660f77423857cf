import { expandCollectiveNames, resolveUnitName, type DirectoryIndex } from './unit-directory.ts';
import type { ImportWarning, ParsedPlan, UnitAssignment } from './plan-types.ts';

/** Warnings this step writes; a plan resolved again (loadPlanJson, re-import) gets them afresh. */
const RESOLUTION_CODES = new Set<ImportWarning['code']>(['unit_unknown', 'unit_suggestion', 'collective_empty']);

/**
 * Resolves every unit name of the plan against the directory. Unknown names stay on the task as
 * written (unitId null later) and each gets a warning — with suggestions when one is close.
 * Collective phrases (各街道、镇、集聚区, 区直相关单位) stay as written too, with `expandsTo`: the
 * directory units they stand for; a phrase that reaches no unit is a warning, since nobody would be
 * reminded of that part of the task.
 */
export function resolvePlanUnits(plan: ParsedPlan, index: DirectoryIndex): ParsedPlan {
  const warnings: ImportWarning[] = plan.warnings.filter((w) => !RESOLUTION_CODES.has(w.code));
  const expansions = new Map<string, string[]>();
  const expand = (phrase: string): string[] => {
    let names = expansions.get(phrase);
    if (!names) expansions.set(phrase, (names = expandCollectiveNames(phrase, index)));
    return [...names];
  };
  // A name is looked up once per plan: an unknown name costs an edit distance to every directory
  // name, and a 5,000-task plan repeats its few dozen names thousands of times.
  const resolved = new Map<string, ReturnType<typeof resolveUnitName>>();
  const resolve = (raw: string) => resolved.get(raw) ?? resolved.set(raw, resolveUnitName(raw, index)).get(raw)!;
  const tasks = plan.tasks.map((t) => ({
    ...t,
    units: t.units.map((u): UnitAssignment => {
      const r = resolve(u.rawName);
      const where = { line: t.line ?? undefined, ...(t.cell ? { cell: t.cell } : {}) };
      const { expandsTo: _previous, ...rest } = u;
      const out: UnitAssignment = { ...rest, collective: r.collective, resolved: r.resolved, suggestions: [...r.suggestions] };
      if (r.collective) {
        out.expandsTo = expand(u.rawName);
        if (out.expandsTo.length === 0) {
          warnings.push({
            ...where,
            code: 'collective_empty',
            message: `任务 ${t.no}：统称“${u.rawName}”在单位目录中找不到对应单位，未分派到任何单位，请在单位目录中补充或在台账中指定单位`,
          });
        }
      } else if (!r.resolved) {
        warnings.push(
          r.suggestions.length > 0
            ? { ...where, code: 'unit_suggestion', message: `任务 ${t.no}：单位“${u.rawName}”不在单位目录中，是否为 ${r.suggestions.map((s) => `“${s}”`).join('或')}？已按原文保存，未关联单位` }
            : { ...where, code: 'unit_unknown', message: `任务 ${t.no}：单位“${u.rawName}”不在单位目录中，已按原文保存，未关联单位（可在单位目录文件中补充该单位或别名）` },
        );
      }
      return out;
    }),
  }));
  return { ...plan, tasks, warnings };
}
