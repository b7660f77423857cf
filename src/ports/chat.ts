/**
 * The chat channel as the bot needs it. Wechaty (mock, wechat4u, service token) is one adapter;
 * an official WeCom channel can be another. Nothing outside src/adapters/chat knows Wechaty.
 */
export type ChatTarget =
  /** A group chat, by room id or exact topic. */
  | { kind: 'group'; ref: string }
  /** A private chat with a person, by chat id. */
  | { kind: 'person'; ref: string };

export interface OutgoingMessage {
  target: ChatTarget;
  text: string;
  /** Chat ids of group members to @-mention. */
  mentions?: string[];
  /** A local file (image, docx, xlsx) sent after the text. */
  attachment?: string;
}

export interface IncomingMessage {
  /** The channel's message id; inbound messages are deduplicated by it. */
  id: string;
  channel: string;
  roomId?: string;
  roomTopic?: string;
  talkerId: string;
  talkerName: string;
  text: string;
  type: 'text' | 'image' | 'file' | 'other';
  sentAt: Date;
  /** The bot was @-mentioned. */
  mentionsSelf: boolean;
  /** For image/file messages: saves the attachment into `dir`, returns its path. */
  saveAttachment?(dir: string): Promise<string>;
}

export type ChatStatus = 'starting' | 'waiting_scan' | 'logged_in' | 'logged_out' | 'stopped';

export interface ChatPort {
  readonly channel: string;
  start(): Promise<void>;
  /** Safe to call twice. */
  close(): Promise<void>;
  status(): ChatStatus;
  /** Delivers one message; throws ChatError when it cannot (not logged in, unknown room, refused). */
  send(msg: OutgoingMessage): Promise<void>;
  onMessage(handler: (m: IncomingMessage) => Promise<void>): void;
  onStatus(handler: (s: ChatStatus, detail?: string) => void): void;
}
