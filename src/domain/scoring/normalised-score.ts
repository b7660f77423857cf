/**
 * Seed 002's scoring rule (东办发〔2024〕1号): the highest 本地值 scores 10, the lowest 6, the rest
 * (本地值 − 最小值) / (最大值 − 最小值) × 4 + 6; units with nothing to score are not scored.
 */
export const MAX_SCORE = 10;
export const MIN_SCORE = 6;

export interface ScoreEntry<K> {
  key: K;
  /** 本地值; null = nothing to score (未有项目的单位不计分). */
  value: number | null;
}

export interface ScoredEntry<K> {
  key: K;
  value: number | null;
  /** Rounded to two decimals; null when not scored. */
  score: number | null;
  /** 1 = best; tied values share a rank and the next rank skips (1, 1, 3). Null when not scored, or when all are equal (nothing to rank). */
  rank: number | null;
}

export type ScoreCase = 'empty' | 'single' | 'all_equal' | 'spread';

export interface ScoreResult<K> {
  /** Scored entries best first (ties in input order), then the unscored ones. */
  entries: ScoredEntry<K>[];
  min: number | null;
  max: number | null;
  case: ScoreCase;
  /** The rule as printed under the ranking, including how this case was handled. */
  rule: string;
}

export const SCORE_FORMULA = '得分 =（本地值 − 最小值）÷（最大值 − 最小值）× 4 + 6';

export function normalisedScores<K>(items: readonly ScoreEntry<K>[]): ScoreResult<K> {
  const scored = items.filter((i): i is ScoreEntry<K> & { value: number } => i.value !== null && Number.isFinite(i.value));
  const unscored = items.filter((i) => !(i.value !== null && Number.isFinite(i.value)));
  const base = `${SCORE_FORMULA}，本地值最高的计${MAX_SCORE}分、最低的计${MIN_SCORE}分；本地值相同的得分相同、名次并列；无任务的单位不计分。`;
  if (scored.length === 0) {
    return { entries: unscored.map((i) => ({ key: i.key, value: null, score: null, rank: null })), min: null, max: null, case: 'empty', rule: `${base}本期无可计分单位。` };
  }
  const values = scored.map((i) => i.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const kase: ScoreCase = scored.length === 1 ? 'single' : max === min ? 'all_equal' : 'spread';
  // With one unit, or all equal, every unit is at once the highest and the lowest; the rule gives
  // the highest 10, and dividing by max − min = 0 is undefined, so all score 10.
  const scoreOf = (v: number): number => (kase === 'spread' ? round2(((v - min) / (max - min)) * (MAX_SCORE - MIN_SCORE) + MIN_SCORE) : MAX_SCORE);
  const sorted = scored.map((i, idx) => ({ i, idx })).sort((a, b) => b.i.value - a.i.value || a.idx - b.idx);
  const entries: ScoredEntry<K>[] = [];
  sorted.forEach(({ i }, pos) => {
    const prev = entries[pos - 1];
    // All equal: a "tied 1st" for everyone would praise units that did nothing; there is no order to give.
    const rank = kase === 'all_equal' ? null : prev && prev.value === i.value ? prev.rank : pos + 1;
    entries.push({ key: i.key, value: i.value, score: scoreOf(i.value), rank });
  });
  for (const u of unscored) entries.push({ key: u.key, value: null, score: null, rank: null });
  const note =
    kase === 'single' ? `本期仅1个单位参与计分，最大值等于最小值，按最高计${MAX_SCORE}分。` : kase === 'all_equal' ? `本期各单位本地值相同（最大值等于最小值），均计${MAX_SCORE}分，不排名次。` : `本期最大值${fmt(max)}、最小值${fmt(min)}。`;
  return { entries, min, max, case: kase, rule: base + note };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function fmt(x: number): string {
  return String(round2(x));
}
