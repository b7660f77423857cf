import { describe, expect, it } from 'vitest';
import { splitForWeChat, WECHAT_TEXT_LIMIT } from '../../src/reports/index.ts';

describe('splitForWeChat', () => {
  it('keeps a short text as one message', () => {
    expect(splitForWeChat('一、总体情况\n二、排名')).toEqual(['一、总体情况\n二、排名']);
  });

  it('splits at line breaks, every part within the limit, nothing lost', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `${i + 1}. 〔${i}〕某某重点任务推进情况说明，进度${i % 100}%`);
    const parts = splitForWeChat(lines.join('\n'));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(WECHAT_TEXT_LIMIT);
    expect(parts.join('\n')).toBe(lines.join('\n'));
    // no line is cut in half
    for (const p of parts) for (const l of p.split('\n')) expect(lines).toContain(l);
  });

  it('cuts a single over-long line hard', () => {
    const parts = splitForWeChat('字'.repeat(4500), 2000);
    expect(parts.map((p) => p.length)).toEqual([2000, 2000, 500]);
  });
});
