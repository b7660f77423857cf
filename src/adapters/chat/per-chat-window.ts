import { ChatRateLimitedError } from '../../errors.ts';

/**
 * Counts what went to each chat in the last minute, so an adapter refuses the push that would
 * break a platform's per-chat limit before the platform does (a refused push waits in the outbox
 * without counting as a failure). Time comes from `now`, so tests run on the injected clock.
 */
export function createPerChatWindow(perMinute: number | null, now: () => number) {
  const sent = new Map<string, number[]>();
  return {
    /** Throws ChatRateLimitedError when `chat` may not take `n` more messages now. */
    check(chat: string, n = 1): void {
      if (!perMinute) return;
      const t = now();
      const recent = (sent.get(chat) ?? []).filter((at) => at > t - 60_000);
      sent.set(chat, recent);
      if (recent.length + n > perMinute) {
        const waitMs = Math.max(1_000, recent[Math.max(0, recent.length + n - perMinute - 1)]! + 60_000 - t);
        throw new ChatRateLimitedError(`本群一分钟内已发送 ${recent.length} 条，达到平台上限 ${perMinute} 条/分钟，稍后再发`, waitMs, { ownPacing: true }, 'chat');
      }
    },
    record(chat: string): void {
      if (!perMinute) return;
      const list = sent.get(chat) ?? [];
      list.push(now());
      sent.set(chat, list);
    },
  };
}
