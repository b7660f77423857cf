import { describe, expect, it } from 'vitest';
import { createPuppet } from '../../src/adapters/chat/create-puppet.ts';
import { ChatError } from '../../src/errors.ts';

// puppet=service with no way to reach the discovery service: a clear Chinese refusal, the token
// masked, and no unhandled TypeError from wechaty's gRPC resolver.
describe('puppet=service without network', () => {
  it('refuses to start with a clear message that does not contain the token', async () => {
    const token = 'puppet_service_SECRET_TOKEN_123';
    const before = process.env.WECHATY_PUPPET_SERVICE_AUTHORITY;
    process.env.WECHATY_PUPPET_SERVICE_AUTHORITY = '127.0.0.1:9'; // nothing listens there
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const e = await createPuppet('service', { token }).then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(ChatError);
      expect((e as ChatError).code).toBe('CHAT_UNAVAILABLE');
      expect((e as ChatError).message).toMatch(/无法通过 127\.0\.0\.1:9 找到 puppet 服务/);
      expect((e as ChatError).message).not.toContain('SECRET');
      await new Promise((r) => setTimeout(r, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      if (before === undefined) delete process.env.WECHATY_PUPPET_SERVICE_AUTHORITY;
      else process.env.WECHATY_PUPPET_SERVICE_AUTHORITY = before;
    }
  });
});
