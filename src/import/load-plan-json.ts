import fs from 'node:fs';
import { InputError } from '../errors.ts';
import { fromPlanJson, planJsonSchema } from '../domain/plan/plan-json.ts';
import { resolvePlanUnits } from '../domain/plan/resolve-plan-units.ts';
import { indexDirectory, type UnitDirectory } from '../domain/plan/unit-directory.ts';
import type { ParsedPlan } from '../domain/plan/plan-types.ts';
import { loadUnitDirectory } from './load-unit-directory.ts';

/**
 * Reads a plan in the `duban import --json` schema (demo/plan.json) into what savePlan takes,
 * resolving unit names against the directory (config/units.json unless given).
 */
export function loadPlanJson(file: string, opts: { directory?: UnitDirectory; unitsFile?: string } = {}): ParsedPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError('IMPORT_INVALID', `无法读取计划文件 ${file}：${(e as Error).message}`, '确认文件存在且是有效的 JSON', { cause: e });
  }
  const parsed = planJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError('IMPORT_INVALID', `计划文件 ${file} 的 ${issue.path.join('.')} 不正确：${issue.message}`, '该文件应符合 duban import --json 的输出格式');
  }
  const directory = opts.directory ?? loadUnitDirectory(opts.unitsFile ?? 'config/units.json');
  return resolvePlanUnits(fromPlanJson(parsed.data), indexDirectory(directory));
}
