import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock, type Clock } from '../../src/ports/clock.ts';

// Shared behaviour of every Clock; each adapter supplies how time passes.
const adapters: [string, () => { clock: Clock; pass: (ms: number) => Promise<void> }][] = [
  ['system', () => ({ clock: systemClock, pass: (ms) => new Promise((r) => setTimeout(r, ms + 5)) })],
  [
    'manual',
    () => {
      const clock = new ManualClock('2026-05-11T01:00:00Z');
      return { clock, pass: (ms) => clock.advance(ms) };
    },
  ],
];

describe.each(adapters)('clock conformance: %s', (_name, make) => {
  it('moves forward and wakes a sleeper once its time has passed', async () => {
    const { clock, pass } = make();
    const t0 = clock.now().getTime();
    let woke = false;
    const p = clock.sleep(20).then(() => (woke = true));
    await pass(30);
    await p;
    expect(woke).toBe(true);
    expect(clock.now().getTime() - t0).toBeGreaterThanOrEqual(20);
  });

  it('leaves no abort listener behind on a long-lived signal once a sleep has ended', async () => {
    const { clock, pass } = make();
    const ac = new AbortController();
    for (let i = 0; i < 20; i++) {
      const p = clock.sleep(5, ac.signal);
      await pass(10);
      await p;
    }
    // Node counts an AbortSignal's listeners here; more than ten prints a leak warning to the user.
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('resolves a sleep at once when aborted', async () => {
    const { clock } = make();
    const ac = new AbortController();
    const p = clock.sleep(3_600_000, ac.signal);
    ac.abort();
    await expect(p).resolves.toBeUndefined();
  });
});

describe('ManualClock', () => {
  it('wakes sleepers in time order and stops at the target', async () => {
    const clock = new ManualClock('2026-05-11T00:00:00Z');
    const order: string[] = [];
    void clock.sleep(3000).then(() => order.push(`b@${clock.now().toISOString().slice(17, 19)}`));
    void clock.sleep(1000).then(() => order.push(`a@${clock.now().toISOString().slice(17, 19)}`));
    await clock.advance(2000);
    expect(order).toEqual(['a@01']);
    await clock.advance(5000);
    expect(order).toEqual(['a@01', 'b@03']);
    expect(clock.now().toISOString()).toBe('2026-05-11T00:00:07.000Z');
  });
});
