import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toPlanJson, type PlanJson } from '../../src/domain/plan/plan-json.ts';
import { importPlanFile, parsePlanSource } from '../../src/import/import-plan-file.ts';
import { sourceFromText } from '../../src/import/read-plan-file.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';
import { compareWithGold, formatScores } from './gold-compare.ts';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const SEEDS = path.join(SHARED, 'seeds');
const GOLD = path.join(SHARED, 'gold');
const directory = loadUnitDirectory(path.resolve(import.meta.dirname, '../../config/units.json'));

function seedFile(prefix: string, dir: string, ext: string): string {
  const f = fs.readdirSync(dir).find((x) => x.startsWith(prefix) && x.endsWith(ext));
  if (!f) throw new Error(`no ${prefix}*${ext} in ${dir}`);
  return path.join(dir, f);
}

async function run(seed: string): Promise<{ got: PlanJson; gold: PlanJson }> {
  const plan = await importPlanFile(seedFile(seed, SEEDS, '.txt'), { directory });
  const gold = JSON.parse(fs.readFileSync(seedFile(seed, GOLD, '.json'), 'utf8')) as PlanJson;
  const got = toPlanJson(plan);
  process.stdout.write(formatScores(seed, compareWithGold(got, gold)));
  return { got, gold };
}

const pick = (j: PlanJson, f: keyof PlanJson['tasks'][number]) => j.tasks.map((t) => t[f]);

describe('import against gold', () => {
  for (const seed of ['000', '002', '003']) {
    it(`seed ${seed} matches gold field by field`, async () => {
      const { got, gold } = await run(seed);
      expect(got.tasks.length).toBe(gold.tasks.length);
      for (const f of ['no', 'leaders', 'leadUnits', 'responsibleUnits', 'participatingUnits', 'deadline', 'deadlineText', 'title', 'sections', 'textStartsWith'] as const) {
        expect(pick(got, f), f).toEqual(pick(gold, f));
      }
      expect({ title: got.title, issuer: got.issuer, docNumber: got.docNumber, issuedOn: got.issuedOn }).toEqual({
        title: gold.title,
        issuer: gold.issuer,
        docNumber: gold.docNumber,
        issuedOn: gold.issuedOn,
      });
      expect(got.roster).toEqual(gold.roster);
      expect(got.mechanisms).toEqual(gold.mechanisms);
    });
  }

  it('seed 001 (damaged scrape) yields the same 23 tasks with ≥98% of unit entries right', async () => {
    const { got, gold } = await run('001');
    expect(got.tasks.length).toBe(23);
    expect(pick(got, 'no')).toEqual(pick(gold, 'no'));
    const units = compareWithGold(got, gold).find((s) => s.field === 'units (all roles)')!;
    expect(units.recall).toBeGreaterThanOrEqual(0.98);
    expect(units.precision).toBeGreaterThanOrEqual(0.98);
    // Aim higher than the bar: everything else the gold states.
    expect(got).toMatchObject({ title: gold.title, issuer: gold.issuer, docNumber: gold.docNumber, issuedOn: gold.issuedOn, mechanisms: gold.mechanisms });
    for (const f of ['sections', 'title', 'textStartsWith', 'leaders', 'deadline'] as const) expect(pick(got, f), f).toEqual(pick(gold, f));
  });

  it('seed 004 (a work report without markup) imports without crashing and says why there are no tasks', async () => {
    const plan = await importPlanFile(seedFile('004', SEEDS, '.txt'), { directory });
    expect(plan.tasks.length).toBeLessThanOrEqual(3);
    expect(plan.warnings.some((w) => w.code === 'no_tasks')).toBe(true);
    expect(plan.title).toContain('政府工作报告');
  });
});

describe('robustness: seed 003 damaged in the ways real copies are', () => {
  const text = fs.readFileSync(seedFile('003', SEEDS, '.txt'), 'utf8').replace('[bookmark: _GoBack]', '');
  const gold = JSON.parse(fs.readFileSync(seedFile('003', GOLD, '.json'), 'utf8')) as PlanJson;
  const parse = (t: string) => toPlanJson(parsePlanSource(sourceFromText(t, gold.document), { directory }));

  it('hard-wrapped every 28 characters with blank lines between (like 000) → identical to gold', () => {
    const wrapped = text
      .split('\n')
      .flatMap((line) => {
        const parts: string[] = [];
        for (let s = line; ; s = s.slice(28)) {
          parts.push(s.slice(0, 28), '');
          if (s.length <= 28) break;
        }
        return parts;
      })
      .join('\n');
    const got = parse(wrapped);
    process.stdout.write(formatScores('003 hard-wrapped', compareWithGold(got, gold)));
    for (const f of ['no', 'sections', 'textStartsWith', 'leaders', 'leadUnits', 'responsibleUnits', 'participatingUnits', 'deadline', 'deadlineText'] as const) {
      expect(pick(got, f), f).toEqual(pick(gold, f));
    }
    expect(got.title).toBe(gold.title);
    expect(got.mechanisms).toEqual(gold.mechanisms);
  });

  it('scraped: 〔 lost, ASCII punctuation, opening quotes lost, page furniture → same tasks and responsibilities', () => {
    const scraped = ['• 微信', '  • 微博', '    索引号: i0001 发布机构: 区人民政府 生成日期: 2024-03-01'].concat(
      text
        .replace(/〔/g, '')
        .replace(/〕/g, ')')
        .replace(/：/g, ':')
        .replace(/；/g, ';')
        .replace(/，/g, ',')
        .replace(/“/g, '')
        .split('\n')
        .map((l) => `    ${l}`),
      ['    关联稿件', '    版权所有:区人民政府'],
    );
    const got = parse(scraped.join('\n'));
    const scores = compareWithGold(got, gold);
    process.stdout.write(formatScores('003 scraped', scores));
    for (const f of ['no', 'leaders', 'leadUnits', 'responsibleUnits', 'participatingUnits', 'deadline', 'deadlineText'] as const) {
      expect(pick(got, f), f).toEqual(pick(gold, f));
    }
    expect(got.mechanisms).toEqual(gold.mechanisms);
  });
});
