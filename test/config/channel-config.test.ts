import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { ConfigError } from '../../src/errors.ts';

const load = (env: Record<string, string>) => loadConfig({ env });

describe('channel configuration', () => {
  it('defaults to Wechaty with the office send window', () => {
    const c = load({});
    expect(c.channel).toBe('wechaty');
    expect(c.sendWindow).toBe('08:30-18:00');
    expect(c.deliveryPolicy).toEqual({});
  });

  it('takes the four fixed WeCom names', () => {
    const c = load({ DUBAN_CHANNEL: 'wecom', WECOM_BOT_ID: 'bot', WECOM_BOT_SECRET: 's', WECOM_WS_URL: 'wss://ws.gov.example:8443' });
    expect(c).toMatchObject({ channel: 'wecom', wecomBotId: 'bot', wecomBotSecret: 's', wecomWsUrl: 'wss://ws.gov.example:8443' });
  });

  it('names the missing variable for a channel, in Chinese', () => {
    const e = (() => {
      try {
        load({ DUBAN_CHANNEL: 'wecom', WECOM_BOT_ID: 'bot' });
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toContain('WECOM_BOT_SECRET');
    expect(() => load({ DUBAN_CHANNEL: 'dingtalk', DINGTALK_CLIENT_ID: 'x' })).toThrow(/DINGTALK_CLIENT_SECRET/);
  });

  it('reads per-kind delivery policy as JSON and refuses a bad window', () => {
    const c = load({ DUBAN_DELIVERY_POLICY: '{"weekly_digest":{"window":"08:30-20:00","staleAfterMinutes":60}}', DUBAN_SEND_WINDOW: 'always' });
    expect(c.deliveryPolicy).toEqual({ weekly_digest: { window: '08:30-20:00', staleAfterMinutes: 60 } });
    expect(c.sendWindow).toBe('always');
    expect(() => load({ DUBAN_SEND_WINDOW: '8点到18点' })).toThrow(/08:30-18:00/);
    expect(() => load({ DUBAN_DELIVERY_POLICY: '{oops' })).toThrow(/JSON/);
  });
});
