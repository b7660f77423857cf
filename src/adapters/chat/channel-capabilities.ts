import { FULL_CAPABILITIES, type ChannelCapabilities } from '../../ports/chat.ts';
import type { Config } from '../../config/config-schema.ts';
import { CHAT_TEXT_LIMIT } from './split-long-text.ts';

/**
 * What each configured channel can do, without loading its SDK: the adapters declare these, and
 * `duban doctor` reads them without connecting.
 */

/**
 * A personal WeChat account sees every group message and can @ anyone natively; what it cannot
 * promise is staying logged in. Pace is the account's safety, not a documented platform limit.
 */
export const WECHATY_CAPABILITIES: ChannelCapabilities = { ...FULL_CAPABILITIES, maxTextLength: CHAT_TEXT_LIMIT };

/**
 * WeCom 智能机器人: group messages reach the bot only when they @ it; a chat — a group, or one
 * person's private chat — can be pushed to only after it has messaged the bot; mentions are native;
 * ~30 messages a minute per chat; markdown of at most 4096 bytes, so ~1300 Chinese characters.
 */
export const WECOM_CAPABILITIES: ChannelCapabilities = {
  mentions: 'native',
  groupMedia: true,
  receivesGroupMedia: false,
  seesUnmentioned: false,
  pushToSilentChat: false,
  groupsByTopic: false,
  perChatPerMinute: 30,
  perAccountPerMinute: null,
  maxTextLength: 1200,
};

/**
 * DingTalk enterprise robot: group messages that @ the robot arrive over Stream mode; pushes go
 * through the robot API (to any group it is in, and privately to any staff member), which cannot
 * @ anyone, so mentions work only in the reply window.
 */
export const DINGTALK_CAPABILITIES: ChannelCapabilities = {
  mentions: 'reply-window',
  groupMedia: true,
  receivesGroupMedia: false,
  seesUnmentioned: false,
  pushToSilentChat: true,
  groupsByTopic: false,
  perChatPerMinute: 20,
  perAccountPerMinute: null,
  maxTextLength: 2000,
};

export function channelCapabilities(channel: Config['channel']): ChannelCapabilities {
  return { wechaty: WECHATY_CAPABILITIES, wecom: WECOM_CAPABILITIES, dingtalk: DINGTALK_CAPABILITIES }[channel];
}
