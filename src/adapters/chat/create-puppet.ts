import type { Puppet } from 'wechaty-puppet';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { ConfigError } from '../../errors.ts';

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
      const { PuppetService } = await import('wechaty-puppet-service');
      return new PuppetService({ token: opts.token }) as unknown as Puppet;
    }
  }
}

export function createMockPuppet(mocker: mock.Mocker): Puppet {
  return new PuppetMock({ mocker }) as unknown as Puppet;
}
