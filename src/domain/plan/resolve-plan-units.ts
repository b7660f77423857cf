import { resolveUnitName, type DirectoryIndex } from './unit-directory.ts';
import type { ImportWarning, ParsedPlan } from './plan-types.ts';

/**
 * Resolves every unit name of the plan against the directory. Unknown names stay on the task as
 * written (unitId null later) and each gets a warning — with suggestions when one is close.
 */
export function resolvePlanUnits(plan: ParsedPlan, index: DirectoryIndex): ParsedPlan {
  const warnings: ImportWarning[] = plan.warnings.filter((w) => w.code !== 'unit_unknown' && w.code !== 'unit_suggestion');
  const tasks = plan.tasks.map((t) => ({
    ...t,
    units: t.units.map((u) => {
      const r = resolveUnitName(u.rawName, index);
      if (!r.resolved && !r.collective) {
        const where = { line: t.line ?? undefined, ...(t.cell ? { cell: t.cell } : {}) };
        warnings.push(
          r.suggestions.length > 0
            ? { ...where, code: 'unit_suggestion', message: `任务 ${t.no}：单位“${u.rawName}”不在单位目录中，是否为 ${r.suggestions.map((s) => `“${s}”`).join('或')}？已按原文保存，未关联单位` }
            : { ...where, code: 'unit_unknown', message: `任务 ${t.no}：单位“${u.rawName}”不在单位目录中，已按原文保存，未关联单位（可在单位目录文件中补充该单位或别名）` },
        );
      }
      return { ...u, collective: r.collective, resolved: r.resolved, suggestions: r.suggestions };
    }),
  }));
  return { ...plan, tasks, warnings };
}
