import { describe, expect, it } from 'vitest';
import { reviewReason } from '../../src/chat/review-replies.ts';
import { readRecordForm } from '../../src/console/pages/inbox-replies.ts';

const form = (fields: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of fields) f.append(k, v);
  return f;
};

describe('the inbox record form', () => {
  it('reads the chosen parts and the figures; an empty percent or status is “not said”', () => {
    expect(readRecordForm(form([['work', '7'], ['work', '9'], ['percent', '60'], ['status', 'lagging'], ['problems', ' 资金未到位 ']]))).toEqual({
      ids: [7, 9], facts: { percent: 60, status: 'lagging', problems: '资金未到位' },
    });
    expect(readRecordForm(form([['work', '7'], ['percent', ''], ['status', ''], ['problems', '']]))).toEqual({ ids: [7], facts: { percent: null, status: null, problems: null } });
  });
  it('refuses a percent out of range, a made-up status, and no task, in Chinese', () => {
    expect(readRecordForm(form([['work', '7'], ['percent', '120']]))).toEqual({ error: '进度须为 0 到 100 的整数，收到“120”。' });
    expect(readRecordForm(form([['work', '7'], ['percent', '3.5']]))).toEqual({ error: '进度须为 0 到 100 的整数，收到“3.5”。' });
    expect(readRecordForm(form([['work', '7'], ['status', 'closed']]))).toEqual({ ids: [7], facts: { percent: null, status: null, problems: null } });
    expect(readRecordForm(form([['work', 'x'], ['percent', '10']]))).toEqual({ error: '请至少选择一项任务。' });
  });
});

describe('why a reply waits for an admin', () => {
  it('is read from the note the chat kept', () => {
    expect(reviewReason('NEEDS_ADMIN: question forwarded to admins')).toBe('question');
    expect(reviewReason('NEEDS_ADMIN: file report awaiting review: 《测试》第2项: x.docx')).toBe('file');
    expect(reviewReason('NEEDS_ADMIN: asked back: 请问这是哪一项任务的进展？')).toBe('asked');
    expect(reviewReason('NEEDS_ADMIN: not understood')).toBe('not_understood');
    expect(reviewReason('PERMISSION_DENIED: 路人甲 (x) is not a unit contact')).toBe('unknown_sender');
    expect(reviewReason(null)).toBe('other');
  });
});
