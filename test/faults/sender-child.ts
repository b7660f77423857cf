// A sender process for the fault tests: delivers outbox rows through a chat that writes each
// delivered text to a file (fsync'd), and SIGKILLs itself right after the n-th delivery — between
// the delivery and the sent mark. argv: databaseUrl deliveriesFile killAfter leaseMs
import fs from 'node:fs';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { createOutboxSender } from '../../src/outbox/create-outbox-sender.ts';
import { FULL_CAPABILITIES, type ChatPort } from '../../src/ports/chat.ts';
import { systemClock } from '../../src/ports/clock.ts';

const [url, file, killAfter, leaseMs] = process.argv.slice(2);
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url! }) });
let n = 0;
const chat: ChatPort = {
  // An in-process channel whose deliveries land in a file the test counts.
  channel: 'rehearsal',
  capabilities: FULL_CAPABILITIES,
  start: async () => {},
  close: async () => {},
  status: () => 'logged_in',
  onMessage: () => {},
  onStatus: () => {},
  async send(m) {
    const fd = fs.openSync(file!, 'a');
    fs.writeSync(fd, `${m.text}\n`);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    if (++n === Number(killAfter)) process.kill(process.pid, 'SIGKILL');
  },
};
const sender = createOutboxSender({ prisma, chat, clock: systemClock, logger: silentLogger, sendPerMinute: 0, sendJitterMs: 0, maxAttempts: 5, leaseMs: Number(leaseMs) });
while ((await sender.flushOnce()) > 0);
await sender.close();
await prisma.$disconnect();
