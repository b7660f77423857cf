import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toPlanJson } from '../../src/domain/plan/plan-json.ts';
import { importPlanFile } from '../../src/import/import-plan-file.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';

const DIR = path.resolve(import.meta.dirname, '../fixtures/conventions');
const directory = loadUnitDirectory(path.resolve(import.meta.dirname, '../../config/units.json'));
const FIELDS = ['sections', 'title', 'leaders', 'leadUnits', 'responsibleUnits', 'participatingUnits', 'deadline', 'deadlineKind'] as const;

type Expected = Record<string, unknown> & {
  tasks: Array<Record<string, unknown> & { no: string; textStartsWith?: string; milestoneDates?: string[]; textContains?: string[]; textMustNotContain?: string[] }>;
  roster?: unknown[];
};

const eq = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const first = (s: string, n: number) => [...s].slice(0, n).join('');

describe('plans in conventions the seeds do not use', () => {
  const docs = fs.readdirSync(path.join(DIR, 'docs')).sort();
  const totals = { fields: 0, ok: 0, tasks: 0, found: 0, extra: 0 };
  const rows: Record<string, string>[] = [];

  it.each(docs)('%s', async (doc) => {
    const name = doc.replace(/\.[^.]+$/, '');
    const exp = JSON.parse(fs.readFileSync(path.join(DIR, 'expected', `${name}.json`), 'utf8')) as Expected;
    const got = toPlanJson(await importPlanFile(path.join(DIR, 'docs', doc), { directory, year: 2026 }));
    const diffs: string[] = [];
    let fields = 0;
    let ok = 0;
    const check = (what: string, want: unknown, have: unknown) => {
      fields++;
      if (eq(want, have)) ok++;
      else diffs.push(`${what}: ${JSON.stringify(have)} ≠ ${JSON.stringify(want)}`);
    };
    for (const k of ['title', 'issuer', 'docNumber', 'issuedOn', 'roster', 'mechanisms'] as const) if (k in exp) check(k, exp[k], got[k]);
    const used = new Set<number>();
    for (const [i, e] of exp.tasks.entries()) {
      const at = e.textStartsWith ? got.tasks.findIndex((g, j) => !used.has(j) && first(g.textStartsWith, 6) === first(e.textStartsWith!, 6)) : i;
      const g = got.tasks[at];
      if (!g || used.has(at)) {
        diffs.push(`task ${e.no} missing`);
        fields += FIELDS.filter((f) => f in e).length + 1;
        continue;
      }
      used.add(at);
      // 二.1 for the second "1." of a document: the importer keeps numbers unique this way.
      check(`#${e.no} no`, true, g.no === e.no || g.no.endsWith(`.${e.no}`));
      for (const f of FIELDS) if (f in e) check(`#${e.no} ${f}`, e[f], g[f]);
      if (e.textStartsWith) check(`#${e.no} text`, first(e.textStartsWith, 10), first(g.textStartsWith, 10));
      if (e.milestoneDates) check(`#${e.no} milestones`, e.milestoneDates, (g.milestones ?? []).map((m) => m.dueOn));
      for (const s of e.textContains ?? []) check(`#${e.no} text has ${s}`, true, (g.text ?? '').includes(s));
      for (const s of e.textMustNotContain ?? []) check(`#${e.no} text free of ${s}`, false, (g.text ?? '').includes(s));
    }
    const extra = got.tasks.filter((_, j) => !used.has(j));
    for (const g of extra) diffs.push(`extra task ${g.no} ${g.textStartsWith}`);
    totals.fields += fields;
    totals.ok += ok;
    totals.tasks += exp.tasks.length;
    totals.found += used.size;
    totals.extra += extra.length;
    rows.push({ document: name, tasks: `${used.size}/${exp.tasks.length}${extra.length ? ` +${extra.length}` : ''}`, fields: `${ok}/${fields}`, diffs: diffs.join('; ').slice(0, 160) });
    // Every document imports exactly (d12's ①② under an item with markup are that task's steps).
    expect(diffs).toEqual([]);
  });

  it('prints the accuracy over the whole set', () => {
    console.table(rows);
    const accuracy = totals.ok / totals.fields;
    process.stdout.write(`conventions set: tasks found ${totals.found}/${totals.tasks} (+${totals.extra} extra), fields right ${totals.ok}/${totals.fields} = ${(accuracy * 100).toFixed(1)}%\n`);
    expect(totals.found / totals.tasks).toBeGreaterThanOrEqual(0.98);
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
  });
});
