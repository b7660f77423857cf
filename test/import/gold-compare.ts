import type { PlanJson } from '../../src/domain/plan/plan-json.ts';

/** Precision and recall of one field: list fields count entries, scalar fields count values. */
export interface FieldScore {
  field: string;
  tp: number;
  predicted: number;
  gold: number;
  precision: number;
  recall: number;
}

type GoldTask = PlanJson['tasks'][number];
const LIST_FIELDS = ['sections', 'leaders', 'leadUnits', 'responsibleUnits', 'participatingUnits'] as const;
const SCALAR_FIELDS = ['no', 'title', 'textStartsWith', 'deadline', 'deadlineText'] as const;

function multisetOverlap(a: string[], b: string[]): number {
  const left = [...b];
  let n = 0;
  for (const x of a) {
    const i = left.indexOf(x);
    if (i >= 0) {
      n++;
      left.splice(i, 1);
    }
  }
  return n;
}

function score(field: string, tp: number, predicted: number, gold: number): FieldScore {
  return { field, tp, predicted, gold, precision: predicted ? tp / predicted : gold ? 0 : 1, recall: gold ? tp / gold : 1 };
}

/** Tasks are paired by position (the gold lists them in document order). */
export function compareWithGold(got: PlanJson, gold: PlanJson): FieldScore[] {
  const out: FieldScore[] = [];
  const pairs = gold.tasks.map((g, i) => [got.tasks[i], g] as [GoldTask | undefined, GoldTask]);
  out.push(score('tasks', Math.min(got.tasks.length, gold.tasks.length), got.tasks.length, gold.tasks.length));
  for (const f of SCALAR_FIELDS) {
    let tp = 0;
    for (const [p, g] of pairs) if (p && p[f] === g[f]) tp++;
    out.push(score(f, tp, got.tasks.length, gold.tasks.length));
  }
  for (const f of LIST_FIELDS) {
    let tp = 0;
    let predicted = 0;
    let goldN = 0;
    got.tasks.forEach((p) => (predicted += p[f].length));
    for (const [p, g] of pairs) {
      goldN += g[f].length;
      if (p) tp += multisetOverlap(p[f], g[f]);
    }
    out.push(score(f, tp, predicted, goldN));
  }
  const units = (t: GoldTask) => [...t.leadUnits.map((u) => `L:${u}`), ...t.responsibleUnits.map((u) => `R:${u}`), ...t.participatingUnits.map((u) => `P:${u}`)];
  {
    let tp = 0;
    let predicted = 0;
    let goldN = 0;
    got.tasks.forEach((p) => (predicted += units(p).length));
    for (const [p, g] of pairs) {
      goldN += units(g).length;
      if (p) tp += multisetOverlap(units(p), units(g));
    }
    out.push(score('units (all roles)', tp, predicted, goldN));
  }
  for (const f of ['title', 'issuer', 'docNumber', 'issuedOn'] as const) {
    const ok = got[f] === gold[f] ? 1 : 0;
    out.push(score(`doc.${f}`, ok, 1, 1));
  }
  const roster = (j: PlanJson) => j.roster.map((r) => `${r.name}|${r.role}|${r.title}`);
  out.push(score('roster', multisetOverlap(roster(got), roster(gold)), got.roster.length, gold.roster.length));
  const mechOrder = JSON.stringify(got.mechanisms) === JSON.stringify(gold.mechanisms);
  out.push(score(`mechanisms${mechOrder ? '' : ' (order differs)'}`, multisetOverlap(got.mechanisms, gold.mechanisms), got.mechanisms.length, gold.mechanisms.length));
  return out;
}

export function formatScores(seed: string, scores: FieldScore[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const lines = scores.map((s) => `  ${s.field.padEnd(22)} P ${pct(s.precision)}  R ${pct(s.recall)}   (${s.tp}/${s.predicted} pred, ${s.tp}/${s.gold} gold)`);
  return `gold comparison ${seed}\n${lines.join('\n')}\n`;
}
