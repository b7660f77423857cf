import { filesDir } from '../../config/files-dir.ts';
import type { Config } from '../../config/config-schema.ts';
import type { Logger } from '../../log/create-logger.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { Clock } from '../../ports/clock.ts';
import type { WechatyChat } from './create-wechaty-chat.ts';

export type AppChat = ChatPort & { mocker?: WechatyChat['mocker'] };

/**
 * The chat adapter the config names (DUBAN_CHANNEL). Required settings were checked at config load.
 * Each adapter is imported only when chosen: wechaty alone takes seconds to load, and an office on
 * WeCom never needs it.
 */
export async function createChat(config: Config, logger: Logger, clock: Clock): Promise<AppChat> {
  const now = () => clock.now().getTime();
  switch (config.channel) {
    case 'wecom': {
      const { createWecomChat } = await import('./create-wecom-chat.ts');
      return createWecomChat({ botId: config.wecomBotId!, secret: config.wecomBotSecret!, ...(config.wecomWsUrl ? { wsUrl: config.wecomWsUrl } : {}), botName: config.botName, logger, now });
    }
    case 'dingtalk': {
      const { createDingtalkChat } = await import('./create-dingtalk-chat.ts');
      return createDingtalkChat({
        clientId: config.dingtalkClientId!, clientSecret: config.dingtalkClientSecret!, robotCode: config.dingtalkRobotCode ?? config.dingtalkClientId!,
        ...(config.dingtalkGatewayUrl ? { gatewayUrl: config.dingtalkGatewayUrl } : {}),
        ...(config.dingtalkApiUrl ? { apiUrl: config.dingtalkApiUrl } : {}),
        ...(config.dingtalkOapiUrl ? { oapiUrl: config.dingtalkOapiUrl } : {}),
        botName: config.botName, logger, now,
      });
    }
    case 'wechaty': {
      const { createWechatyChat } = await import('./create-wechaty-chat.ts');
      return createWechatyChat({ puppet: config.puppet, token: config.puppetToken, botName: config.botName, dataDir: filesDir(config.dataDir), logger, now });
    }
  }
}
