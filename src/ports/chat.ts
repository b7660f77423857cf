/**
 * The chat channel as the bot needs it, for every platform: Wechaty (mock, wechat4u, service
 * token), the official WeCom 智能机器人 and DingTalk Stream bots, and the in-process rehearsal chat.
 * Nothing outside src/adapters/chat knows a platform SDK.
 *
 * The model (after koishi/Satori and NoneBot): a channel kind; a chat reference (a group by id —
 * or by topic where the platform has topics — or a person by platform user id); an actor (the
 * platform user id and display name of who spoke); message parts (text, mentions, one image or
 * file); and the channel's capabilities. An adapter renders what its platform can and degrades the
 * rest (a mention it cannot make natively becomes the name in text), and says what it degraded in
 * the receipt, so the outbox can keep it with the message.
 */
export type ChannelKind = 'wechaty' | 'wecom' | 'dingtalk' | 'rehearsal';

export type ChatTarget =
  /** A group chat, by room id (WeCom chatid, DingTalk openConversationId) or exact topic (WeChat only). */
  | { kind: 'group'; ref: string }
  /** A private chat with a person, by platform user id. */
  | { kind: 'person'; ref: string };

export interface OutgoingMessage {
  target: ChatTarget;
  text: string;
  /** Platform user ids of group members to @-mention. */
  mentions?: string[];
  /** Display names for `mentions` (by id), for channels that can only write the name in text. */
  mentionNames?: Record<string, string>;
  /** A local file (image, docx, xlsx) sent after the text. */
  attachment?: string;
}

/** What the adapter did with a message it accepted. */
export interface SendReceipt {
  /** Platform message ids, when the platform returns them. */
  ids?: string[];
  /** Human-readable notes on parts the platform could not carry as asked (Chinese, for admins). */
  degraded: string[];
}

export interface IncomingMessage {
  /** The channel's message id; inbound messages are deduplicated by it. */
  id: string;
  channel: string;
  /** The chat reference: the group's id on its platform; absent for a private chat. */
  roomId?: string;
  roomTopic?: string;
  /** The actor: platform user id and display name (the user id again when the platform gives no name). */
  talkerId: string;
  talkerName: string;
  text: string;
  type: 'text' | 'image' | 'file' | 'other';
  sentAt: Date;
  /** The bot was @-mentioned. On channels that only see @-messages in groups, always true there. */
  mentionsSelf: boolean;
  /** For image/file messages: saves the attachment into `dir`, returns its path. */
  saveAttachment?(dir: string): Promise<string>;
}

/**
 * What a channel can do. The outbox, the binding ritual and the conformance suite read this rather
 * than the channel's name.
 */
export interface ChannelCapabilities {
  /** native: the platform renders a real @; reply-window: only when answering a recent message; text: the name in text. */
  mentions: 'native' | 'reply-window' | 'text';
  /** Images and files can be pushed into a group. */
  groupMedia: boolean;
  /** Images and files sent in a group reach the bot. */
  receivesGroupMedia: boolean;
  /** The bot sees group messages that do not @ it. */
  seesUnmentioned: boolean;
  /** The bot may push to a chat that has never spoken to it (else a group is bound by an @ first). */
  pushToSilentChat: boolean;
  /** A group can be addressed by its topic (name) as well as its id. */
  groupsByTopic: boolean;
  /** Platform limits; null where none is documented. Pacing keeps below them. */
  perChatPerMinute: number | null;
  perAccountPerMinute: number | null;
  /** Longest text in one message, in characters; longer texts are split. */
  maxTextLength: number;
}

/** A channel with no limits of its own (personal WeChat, the in-process rehearsal chat): adapters spread it and override. */
export const FULL_CAPABILITIES: ChannelCapabilities = {
  mentions: 'native',
  groupMedia: true,
  receivesGroupMedia: true,
  seesUnmentioned: true,
  pushToSilentChat: true,
  groupsByTopic: true,
  perChatPerMinute: null,
  perAccountPerMinute: null,
  maxTextLength: 2000,
};

export type ChatStatus = 'starting' | 'waiting_scan' | 'logged_in' | 'logged_out' | 'stopped';

export interface ChatPort {
  readonly channel: ChannelKind;
  readonly capabilities: ChannelCapabilities;
  start(): Promise<void>;
  /** Safe to call twice. */
  close(): Promise<void>;
  status(): ChatStatus;
  /**
   * Delivers one message. Throws ChatError when it cannot: ChatRejectedError when it never will
   * (unknown or removed group), ChatRateLimitedError when the platform asks to slow down, plain
   * ChatError when it may later (not connected).
   */
  send(msg: OutgoingMessage): Promise<SendReceipt | void>;
  onMessage(handler: (m: IncomingMessage) => Promise<void>): void;
  onStatus(handler: (s: ChatStatus, detail?: string) => void): void;
}
