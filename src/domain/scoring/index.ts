export { normalisedScores, SCORE_FORMULA, MAX_SCORE, MIN_SCORE } from './normalised-score.ts';
export type { ScoreEntry, ScoredEntry, ScoreResult, ScoreCase } from './normalised-score.ts';
