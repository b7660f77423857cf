import path from 'node:path';
import { hasTraditional, joinBrokenWords, normaliseText, originalFinder } from '../domain/plan/normalise-text.ts';
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

/**
 * Parses what a file holds and resolves its units; never touches the database. The parsers read
 * the normalised text (simplified characters, half-width digits); each task's text and title are
 * then given back as printed (with words a PDF's line breaks split joined again).
 */
export function parsePlanSource(source: PlanSource, opts: ImportOptions): ParsedPlan {
  const { normalised, restore } = normaliseSource(source);
  const parsed =
    normalised.kind === 'text'
      ? parsePlanText(normalised.lines, { document: normalised.document, year: opts.year })
      : parsePlanTable(normalised.rows, { document: normalised.document, year: opts.year, cellName: normalised.cellName, title: normalised.title });
  // Only where lines were broken by the layout: a space a plan printed ("打通断头路 畅通微循环") stays.
  const join = source.kind === 'table' && source.rewrapped ? joinBrokenWords : (s: string) => s;
  for (const t of parsed.tasks) {
    t.text = join(restore(t.text));
    if (t.title) t.title = join(restore(t.title));
  }
  // Headings and the title as printed too (looked up once each: many tasks share a heading).
  const asPrinted = new Map<string, string>();
  const heading = (s: string) => asPrinted.get(s) ?? asPrinted.set(s, restore(s)).get(s)!;
  parsed.title = heading(parsed.title);
  for (const sec of parsed.sections) sec.title = heading(sec.title);
  for (const t of parsed.tasks) t.sections = t.sections.map(heading);
  if (source.kind === 'table') parsed.warnings.push(...(source.notes ?? []));
  return resolvePlanUnits(parsed, indexDirectory(opts.directory));
}

function normaliseSource(source: PlanSource): { normalised: PlanSource; restore: (s: string) => string } {
  const original = source.kind === 'text' ? source.lines.map((l) => l.text).join('\n') : source.rows.map((r) => r.cells.join('\n')).join('\n');
  // Decided for the whole document: a heading may hold no character that tells.
  const traditional = hasTraditional(original);
  const norm = (s: string) => normaliseText(s, traditional);
  if (source.kind === 'text') {
    // Converted in one call (the converter's cost is per call as much as per character); one
    // character for one, so the lines split back where they were.
    const whole = norm(original);
    const texts = whole.length === original.length ? whole.split('\n') : source.lines.map((l) => norm(l.text));
    const lines = source.lines.map((l, i) => ({ no: l.no, text: texts[i] ?? norm(l.text) }));
    return { normalised: { ...source, lines }, restore: originalFinder(original, lines.map((l) => l.text).join('\n')) };
  }
  const rows = source.rows.map((r) => ({ row: r.row, cells: r.cells.map(norm) }));
  const title = source.title == null ? undefined : norm(source.title);
  const restore = originalFinder(original + (source.title ? `\n${source.title}` : ''), rows.map((r) => r.cells.join('\n')).join('\n') + (title ? `\n${title}` : ''));
  return { normalised: { ...source, rows, ...(title != null ? { title } : {}) }, restore };
}

export async function importPlanFile(file: string, opts: ImportOptions): Promise<ParsedPlan> {
  // A plan kept as structured data (demo/plan.json, or what `duban import --json` printed and an admin edited).
  if (path.extname(file).toLowerCase() === '.json') return loadPlanJson(file, { directory: opts.directory });
  return parsePlanSource(await readPlanFile(file), opts);
}
