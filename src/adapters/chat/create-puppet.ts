import type { Puppet } from 'wechaty-puppet';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import https from 'node:https';
import { ChatError, ConfigError } from '../../errors.ts';

export type PuppetKind = 'mock' | 'wechat4u' | 'service';

/**
 * The Wechaty puppet for the configured kind. Real puppets are imported only when chosen, so the
 * mock (demo, tests) never loads their protocol stacks.
 */
export async function createPuppet(kind: PuppetKind, opts: { token?: string }): Promise<Puppet> {
  switch (kind) {
    case 'mock':
      return createMockPuppet(new mock.Mocker());
    case 'wechat4u': {
      const { PuppetWechat4u } = await import('wechaty-puppet-wechat4u');
      return new PuppetWechat4u() as unknown as Puppet;
    }
    case 'service': {
      if (!opts.token) {
        throw new ConfigError(
          '配置项 puppetToken 为空：puppet 选择了 service，需要服务令牌',
          '在配置文件写 puppetToken，或设置环境变量 WECHATY_PUPPET_SERVICE_TOKEN',
        );
      }
      // Without this check, an unreachable discovery service makes wechaty log the token in its
      // warnings and then crash on an unhandled TypeError inside its gRPC resolver.
      await discoverService(opts.token);
      const { PuppetService } = await import('wechaty-puppet-service');
      return new PuppetService({ token: opts.token }) as unknown as Puppet;
    }
  }
}

export function createMockPuppet(mocker: mock.Mocker): Puppet {
  return new PuppetMock({ mocker }) as unknown as Puppet;
}

/**
 * Asks the Wechaty discovery service (WECHATY_PUPPET_SERVICE_AUTHORITY, default api.chatie.io)
 * where the token's puppet service runs, as wechaty itself would, and refuses to start with a clear
 * message — the token masked — when it cannot tell. Skipped when an endpoint is configured directly.
 */
export async function discoverService(token: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 5_000): Promise<void> {
  if (env.WECHATY_PUPPET_SERVICE_ENDPOINT) return;
  const authority = env.WECHATY_PUPPET_SERVICE_AUTHORITY || 'api.chatie.io';
  const masked = token.length > 8 ? `${token.slice(0, 4)}…${token.slice(-2)}` : '***';
  const hint = '检查本机能否访问 Wechaty 服务发现（或设置 WECHATY_PUPPET_SERVICE_ENDPOINT 直连 puppet 服务），并确认令牌有效';
  const found = await new Promise<{ ok: boolean; why: string }>((resolve) => {
    const req = https.get(`https://${authority}/v0/hosties/${encodeURIComponent(token)}`, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c) => (body += String(c)));
      res.on('end', () => {
        const ok = res.statusCode === 200 && /"host"\s*:\s*"[^"]+"/.test(body) && !/"host"\s*:\s*"0\.0\.0\.0"/.test(body);
        resolve({ ok, why: ok ? '' : res.statusCode === 200 ? '令牌不存在或服务未上线' : `HTTP ${res.statusCode}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ ok: false, why: (e as NodeJS.ErrnoException).code ?? e.message }));
  });
  if (!found.ok) throw new ChatError('CHAT_UNAVAILABLE', `无法通过 ${authority} 找到 puppet 服务（令牌 ${masked}）：${found.why}`, hint);
}
