import crypto from 'node:crypto';
import { Redis } from 'ioredis';

/** A prefix no other test uses, so tests on the shared Redis never see each other's keys. */
export function uniquePrefix(tag: string): string {
  return `duban-test-${tag}-${crypto.randomBytes(4).toString('hex')}`;
}

/** Deletes every key under a prefix. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
