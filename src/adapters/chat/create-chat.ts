import type { Config } from '../../config/config-schema.ts';
import type { Logger } from '../../log/create-logger.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { Clock } from '../../ports/clock.ts';
import { createDingtalkChat } from './create-dingtalk-chat.ts';
import { createWechatyChat, type WechatyChat } from './create-wechaty-chat.ts';
import { createWecomChat } from './create-wecom-chat.ts';

export type AppChat = ChatPort & { mocker?: WechatyChat['mocker'] };

/** The chat adapter the config names (DUBAN_CHANNEL). Required settings were checked at config load. */
export function createChat(config: Config, logger: Logger, clock: Clock): AppChat {
  const now = () => clock.now().getTime();
  switch (config.channel) {
    case 'wecom':
      return createWecomChat({ botId: config.wecomBotId!, secret: config.wecomBotSecret!, ...(config.wecomWsUrl ? { wsUrl: config.wecomWsUrl } : {}), botName: config.botName, logger, now });
    case 'dingtalk':
      return createDingtalkChat({
        clientId: config.dingtalkClientId!, clientSecret: config.dingtalkClientSecret!, robotCode: config.dingtalkRobotCode ?? config.dingtalkClientId!,
        ...(config.dingtalkGatewayUrl ? { gatewayUrl: config.dingtalkGatewayUrl } : {}),
        ...(config.dingtalkApiUrl ? { apiUrl: config.dingtalkApiUrl } : {}),
        ...(config.dingtalkOapiUrl ? { oapiUrl: config.dingtalkOapiUrl } : {}),
        botName: config.botName, logger, now,
      });
    case 'wechaty':
      return createWechatyChat({ puppet: config.puppet, token: config.puppetToken, botName: config.botName, dataDir: config.dataDir, logger });
  }
}
