// A bot process for the fault tests: the channel hands it every message of messages.jsonl that it
// has not acknowledged yet (a channel replays what was not acknowledged), eight senders at a time;
// each message is acknowledged (acks.txt) once handle() resolves. Exits when all are acknowledged,
// the spool is empty and nothing stored is left uninterpreted. argv: databaseUrl dir
import fs from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { createInboundHandler } from '../../src/chat/create-inbound-handler.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import type { IncomingMessage } from '../../src/ports/chat.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { createPrismaWorkStore } from '../../src/store/prisma-work-store.ts';

const [url, dir] = process.argv.slice(2);
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url!, connectionTimeoutMillis: 2_000 }) });
const handler = createInboundHandler({
  prisma, work: createPrismaWorkStore(prisma), clock: systemClock, calendar: createCalendar(), logger: silentLogger, dataDir: dir!, admins: [], botName: '督办助手', recoverEveryMs: 1_000,
});
handler.start();
const ackFile = path.join(dir!, 'acks.txt');
const acked = new Set(fs.existsSync(ackFile) ? fs.readFileSync(ackFile, 'utf8').split('\n').filter(Boolean) : []);
const all = fs.readFileSync(path.join(dir!, 'messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as IncomingMessage & { sentAt: string });
const todo = all.filter((m) => !acked.has(m.id));
const emitted = fs.openSync(path.join(dir!, 'emitted.txt'), 'a');
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < todo.length) {
      const m = todo[next++]!;
      fs.writeSync(emitted, `${m.id}\n`);
      await handler.handle({ ...m, sentAt: new Date(m.sentAt) });
      fs.appendFileSync(ackFile, `${m.id}\n`);
    }
  }),
);
// Drain the spool and interpret what is left, until nothing is.
for (;;) {
  await handler.recover();
  const left = await prisma.inboundMessage.count({ where: { status: 'received' } }).catch(() => -1);
  if (handler.spooled() === 0 && left === 0) break;
  await new Promise((r) => setTimeout(r, 500));
}
await handler.close();
await prisma.$disconnect();
