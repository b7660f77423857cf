/**
 * Time is a port so the cadence engine can run a simulated month in seconds.
 * `now()` is the wall time; `sleep()` resolves when the clock reaches now+ms.
 */
export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => (clearTimeout(t), resolve());
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock that only moves when told to. Sleepers wake, in time order, as `advance()` passes them.
 */
export class ManualClock implements Clock {
  private t: number;
  private sleepers: { at: number; wake: () => void }[] = [];

  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      // A sleeper woken by advance() drops its abort listener: a long-lived signal (a sender's stop)
      // otherwise gathers one per sleep, and Node warns of a leak on the user's terminal.
      const sleeper = {
        at: this.t + ms,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time to `to` (or by ms), waking sleepers in order and letting their work settle. */
  async advance(byOrTo: number | Date): Promise<void> {
    const target = typeof byOrTo === 'number' ? this.t + byOrTo : byOrTo.getTime();
    for (;;) {
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > target) break;
      this.sleepers.shift();
      this.t = Math.max(this.t, next.at);
      next.wake();
      await new Promise((r) => setImmediate(r));
    }
    this.t = Math.max(this.t, target);
  }

  /** When the earliest sleeper wakes, so a test can move time only while the code under test waits. */
  nextWake(): Date | undefined {
    if (!this.sleepers.length) return undefined;
    return new Date(Math.min(...this.sleepers.map((s) => s.at)));
  }

  set(to: Date | string): void {
    this.t = new Date(to).getTime();
  }
}
