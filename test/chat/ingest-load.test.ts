import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { createInboundHandler } from '../../src/chat/create-inbound-handler.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { Database } from '../../src/store/open-database.ts';
import { createPrismaWorkStore } from '../../src/store/prisma-work-store.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';

// The load that used to fail: 32 people replying at once on one PGlite connection made 42 of 149
// replies fail with "Unable to start a transaction in the given time". Bounded, on loopback.
describe.each(DB_KINDS)('ingest under load (%s)', (kind) => {
  let db: Database;
  let dataDir: string;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-load-'));
    const p = db.prisma;
    await p.$executeRawUnsafe(`INSERT INTO "Unit" ("name", "kind", "aliases", "updatedAt") SELECT '单位' || i, 'department', '{}', now() FROM generate_series(1, 32) i`);
    await p.$executeRawUnsafe(`INSERT INTO "Person" ("name", "kind", "unitId", "chatId", "updatedAt") SELECT '联络员' || u."id", 'contact', u."id", 'wx-' || u."id", now() FROM "Unit" u`);
    await p.$executeRawUnsafe(`INSERT INTO "ChatGroup" ("topic", "roomId") SELECT u."name" || '工作群', 'room-' || u."id" FROM "Unit" u`);
    await p.$executeRawUnsafe(`INSERT INTO "GroupUnit" ("groupId", "unitId") SELECT g."id", u."id" FROM "Unit" u JOIN "ChatGroup" g ON g."roomId" = 'room-' || u."id"`);
    const plan = await p.plan.create({ data: { sourceDocument: 'load.docx', title: '负载测试方案', mechanisms: [] } });
    await p.$executeRawUnsafe(`INSERT INTO "Task" ("planId", "no", "seq", "text", "updatedAt") SELECT ${plan.id}, i::text, i, '第' || i || '项工作', now() FROM generate_series(1, 320) i`);
    // every task has two units (lead and responsible), so concurrent reports meet on shared tasks
    await p.$executeRawUnsafe(`INSERT INTO "Assignment" ("taskId", "unitId", "role", "updatedAt") SELECT t."id", 1 + ((t."seq" - 1) % 32), 'lead', now() FROM "Task" t`);
    await p.$executeRawUnsafe(`INSERT INTO "Assignment" ("taskId", "unitId", "role", "updatedAt") SELECT t."id", 1 + (t."seq" % 32), 'responsible', now() FROM "Task" t`);
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('32 concurrent senders: every reply is recorded and confirmed once', async () => {
    const handler = createInboundHandler({
      prisma: db.prisma, work: createPrismaWorkStore(db.prisma), clock: systemClock, calendar: createCalendar(), logger: silentLogger, dataDir, admins: [], botName: '督办助手',
    });
    const PER = 3;
    await Promise.all(
      Array.from({ length: 32 }, async (_, s) => {
        const unit = s + 1;
        for (let k = 0; k < PER; k++) {
          // the unit's lead task k, which the previous unit also holds (as responsible)
          const no = unit + 32 * k;
          await handler.handle({
            id: `load-${unit}-${k}`, channel: 'wechaty', roomId: `room-${unit}`, roomTopic: `单位${unit}工作群`, talkerId: `wx-${unit}`, talkerName: `联络员${unit}`,
            text: `第${no}项已完成${10 * (k + 1)}%`, type: 'text', sentAt: new Date(), mentionsSelf: false,
          });
        }
      }),
    );
    await handler.close();
    const N = 32 * PER;
    const statuses = await db.prisma.inboundMessage.groupBy({ by: ['status'], _count: true });
    expect(statuses).toEqual([{ status: 'interpreted', _count: N }]);
    const perMessage = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "ProgressUpdate" GROUP BY "inboundMessageId"`);
    expect(perMessage).toHaveLength(N);
    expect(perMessage.every((r) => r.n === 1)).toBe(true);
    const replies = await db.prisma.outbox.findMany({ where: { idempotencyKey: { startsWith: 'reply:' } }, select: { text: true } });
    expect(replies).toHaveLength(N);
    expect(replies.every((r) => r.text.startsWith('已记录'))).toBe(true);
    // each report landed on the sender's own part of the task, and the task follows its lead unit
    const t1 = await db.prisma.task.findFirstOrThrow({ where: { no: '1' }, include: { assignments: { orderBy: { role: 'asc' } } } });
    expect(t1.assignments.map((a) => [a.role, a.percent])).toEqual([['lead', 10], ['responsible', null]]);
    expect(t1.percent).toBe(10);
  }, 300_000);
});
