import type { ChatPort, ChatStatus, OutgoingMessage } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';

export interface RecordedMessage extends OutgoingMessage {
  at: Date;
}

/** A chat that delivers into a list: for `duban simulate`, tests and benches. */
export function createRecordingChat(clock: Clock): ChatPort & { sent: RecordedMessage[] } {
  const sent: RecordedMessage[] = [];
  let status: ChatStatus = 'logged_in';
  return {
    channel: 'recording',
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
    },
    onMessage() {},
    onStatus() {},
  };
}
