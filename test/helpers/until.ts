import { vi } from 'vitest';

/** Polls `fn` until it gives something truthy, and returns that (fails the test after `timeout` ms). */
export const until = <T>(fn: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeout = 10_000, interval = 20) =>
  vi.waitFor(
    async () => {
      const v = await fn();
      if (!v) throw new Error('not yet');
      return v;
    },
    { timeout, interval },
  );
