// Builds demo/plan.json: seed 003 through the importer, every year moved forward by two
// (2024年12月底 → 2026年12月底, 2024-12-31 → 2026-12-31) so the demo's deadlines are live in 2026.
// Usage: npx tsx scripts/make-demo-plan.ts [seed file] [out file]
import fs from 'node:fs';
import path from 'node:path';
import { planJsonSchema, toPlanJson } from '../src/domain/plan/plan-json.ts';
import { importPlanFile } from '../src/import/import-plan-file.ts';
import { loadUnitDirectory } from '../src/import/load-unit-directory.ts';
import { shiftPlanYears } from '../src/import/shift-plan-years.ts';

export const DEMO_YEAR_SHIFT = 2;
const seed = process.argv[2] ?? path.resolve('../shared/seeds/003_4dfd9a9cc1e4fe81.txt');
const out = process.argv[3] ?? 'demo/plan.json';

const plan = await importPlanFile(seed, { directory: loadUnitDirectory('config/units.json') });
const json = planJsonSchema.parse(shiftPlanYears(toPlanJson(plan), DEMO_YEAR_SHIFT, `demo-${path.basename(seed)}`));
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
console.log(`${out}: ${json.tasks.length} tasks, year ${json.year}, first deadline ${json.tasks[0]?.deadline}`);
