import { ChatRateLimitedError, ChatRejectedError } from '../errors.ts';

export type SendFailure =
  /** The platform asked to slow down: wait, do not count an attempt. */
  | { kind: 'rate_limited'; retryAfterMs: number; scope: 'chat' | 'account'; message: string; ownPacing: boolean }
  /** It will never succeed (unknown group, bot removed): stop at once, list it for admins. */
  | { kind: 'permanent'; message: string }
  /** Anything else: retry with backoff until attempts run out. */
  | { kind: 'transient'; message: string };

/** What a failed send means for the outbox, from the chat port's error classes. */
export function classifySendFailure(e: unknown): SendFailure {
  const message = String((e as Error)?.message ?? e).slice(0, 500);
  if (e instanceof ChatRateLimitedError) return { kind: 'rate_limited', retryAfterMs: e.retryAfterMs, scope: e.scope, message, ownPacing: e.ownPacing };
  if (e instanceof ChatRejectedError) return { kind: 'permanent', message };
  return { kind: 'transient', message };
}
