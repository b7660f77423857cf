import { describe, expect, it } from 'vitest';
import { normalisedScores } from '../../src/domain/scoring/index.ts';

describe('normalisedScores (seed 002 formula)', () => {
  it('scores max 10, min 6, others by (v − min)/(max − min) × 4 + 6', () => {
    const r = normalisedScores([
      { key: 'A', value: 50 },
      { key: 'B', value: 90 },
      { key: 'C', value: 10 },
      { key: 'D', value: 30 },
    ]);
    expect(r.case).toBe('spread');
    expect(r.entries.map((e) => [e.key, e.score, e.rank])).toEqual([
      ['B', 10, 1],
      ['A', 8, 2],
      ['D', 7, 3],
      ['C', 6, 4],
    ]);
    expect(r.rule).toContain('最大值90、最小值10');
  });

  it('gives tied values the same score and rank, the next rank skips', () => {
    const r = normalisedScores([
      { key: 'A', value: 70 },
      { key: 'B', value: 100 },
      { key: 'C', value: 70 },
      { key: 'D', value: 40 },
    ]);
    expect(r.entries.map((e) => [e.key, e.score, e.rank])).toEqual([
      ['B', 10, 1],
      ['A', 8, 2],
      ['C', 8, 2],
      ['D', 6, 4],
    ]);
  });

  it('rounds to two decimals', () => {
    const r = normalisedScores([{ key: 'a', value: 0 }, { key: 'b', value: 1 }, { key: 'c', value: 3 }]);
    expect(r.entries.find((e) => e.key === 'b')?.score).toBe(7.33);
  });

  it('one unit scores 10 and says so', () => {
    const r = normalisedScores([{ key: 'only', value: 42 }]);
    expect(r.case).toBe('single');
    expect(r.entries).toEqual([{ key: 'only', value: 42, score: 10, rank: 1 }]);
    expect(r.rule).toContain('仅1个单位');
  });

  it('max = min: all score 10, no ranks (nothing sets them apart), no division by zero', () => {
    const r = normalisedScores([{ key: 'a', value: 5 }, { key: 'b', value: 5 }, { key: 'c', value: 5 }]);
    expect(r.case).toBe('all_equal');
    expect(r.entries.map((e) => [e.score, e.rank])).toEqual([[10, null], [10, null], [10, null]]);
    expect(r.rule).toContain('不排名次');
    expect(r.rule).toContain('最大值等于最小值');
  });

  it('does not score units with nothing to score, and lists them last', () => {
    const r = normalisedScores([{ key: 'none', value: null }, { key: 'a', value: 1 }, { key: 'b', value: 2 }]);
    expect(r.entries.map((e) => [e.key, e.score, e.rank])).toEqual([['b', 10, 1], ['a', 6, 2], ['none', null, null]]);
    const empty = normalisedScores([{ key: 'x', value: null }]);
    expect(empty.case).toBe('empty');
    expect(empty.entries[0]?.score).toBeNull();
  });
});
