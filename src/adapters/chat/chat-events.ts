import type { Logger } from '../../log/create-logger.ts';
import type { ChatPort, ChatStatus, IncomingMessage } from '../../ports/chat.ts';

/** The status and handler bookkeeping every official-channel adapter shares. */
export function createChatEvents(logger: Logger) {
  let state: ChatStatus = 'stopped';
  const messageHandlers: ((m: IncomingMessage) => Promise<void>)[] = [];
  const statusHandlers: ((s: ChatStatus, detail?: string) => void)[] = [];
  return {
    status: (): ChatStatus => state,
    setStatus(s: ChatStatus, detail?: string): void {
      if (state === s) return;
      state = s;
      for (const h of statusHandlers) {
        try {
          h(s, detail);
        } catch (e) {
          logger.error({ err: e }, 'chat status handler failed');
        }
      }
    },
    onMessage: ((h) => void messageHandlers.push(h)) as ChatPort['onMessage'],
    onStatus: ((h) => void statusHandlers.push(h)) as ChatPort['onStatus'],
    /** Hands a message to every handler in turn; a failure is logged, never thrown back into the SDK. */
    async dispatch(m: IncomingMessage): Promise<void> {
      try {
        for (const h of messageHandlers) await h(m);
      } catch (e) {
        logger.error({ event: 'chat_inbound_failed', err: e, messageId: m.id }, 'handling an inbound message failed');
      }
    },
  };
}

/** Where an inbound attachment is kept: `<dir>/<message id>-<safe name>`. */
export function attachmentPath(dir: string, messageId: string, name: string): string {
  const safe = name.replace(/[^\w.\-\u4e00-\u9fa5]/g, '_').slice(-80);
  return `${dir.replace(/\/$/, '')}/${messageId.replace(/[^\w-]/g, '_')}-${safe}`;
}
