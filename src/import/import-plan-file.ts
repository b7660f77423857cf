import path from 'node:path';
import { parsePlanTable } from '../domain/plan/parse-plan-table.ts';
import { parsePlanText } from '../domain/plan/parse-plan-text.ts';
import { resolvePlanUnits } from '../domain/plan/resolve-plan-units.ts';
import { indexDirectory, type UnitDirectory } from '../domain/plan/unit-directory.ts';
import type { ParsedPlan } from '../domain/plan/plan-types.ts';
import { loadPlanJson } from './load-plan-json.ts';
import { readPlanFile, type PlanSource } from './read-plan-file.ts';

export interface ImportOptions {
  year?: number | null | undefined;
  directory: UnitDirectory;
}

/** Parses what a file holds and resolves its units; never touches the database. */
export function parsePlanSource(source: PlanSource, opts: ImportOptions): ParsedPlan {
  const parsed =
    source.kind === 'text'
      ? parsePlanText(source.lines, { document: source.document, year: opts.year })
      : parsePlanTable(source.rows, { document: source.document, year: opts.year, cellName: source.cellName, title: source.title });
  return resolvePlanUnits(parsed, indexDirectory(opts.directory));
}

export async function importPlanFile(file: string, opts: ImportOptions): Promise<ParsedPlan> {
  // A plan kept as structured data (demo/plan.json, or what `duban import --json` printed and an admin edited).
  if (path.extname(file).toLowerCase() === '.json') return loadPlanJson(file, { directory: opts.directory });
  return parsePlanSource(await readPlanFile(file), opts);
}
