import { FULL_CAPABILITIES, type ChannelCapabilities, type ChatPort, type ChatStatus, type IncomingMessage, type OutgoingMessage } from '../../ports/chat.ts';
import type { Clock } from '../../ports/clock.ts';

export interface DeliveredMessage extends OutgoingMessage {
  at: Date;
}

/** The rehearsal chat stands in for the best channel: Wechaty's capabilities, without its text limit. */
export const REHEARSAL_CAPABILITIES: ChannelCapabilities = { ...FULL_CAPABILITIES, maxTextLength: 100_000 };

/**
 * A chat that lives in the process: what the bot sends is kept in order with the time it left, and
 * `deliver` hands a message to the bot as a channel would. For `duban rehearse`, `duban simulate`
 * and tests; the bot behind it (inbound handler, engine, outbox) is the real one.
 */
export function createRehearsalChat(clock: Clock): ChatPort & { sent: DeliveredMessage[]; deliver(m: IncomingMessage): Promise<void> } {
  const sent: DeliveredMessage[] = [];
  const handlers: Array<(m: IncomingMessage) => Promise<void>> = [];
  // A chat in the process is reachable from the start; close() stops it like a logout would.
  let status: ChatStatus = 'logged_in';
  return {
    channel: 'rehearsal',
    capabilities: REHEARSAL_CAPABILITIES,
    sent,
    async start() {
      status = 'logged_in';
    },
    async close() {
      status = 'stopped';
    },
    status: () => status,
    async send(msg) {
      sent.push({ ...msg, at: clock.now() });
      return { degraded: [] };
    },
    onMessage(h) {
      handlers.push(h);
    },
    onStatus() {},
    async deliver(m) {
      for (const h of handlers) await h(m);
    },
  };
}
