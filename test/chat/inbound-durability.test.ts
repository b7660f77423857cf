import fs from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import { unitTargets } from '../../src/chat/chat-turn.ts';
import { createInboundHandler } from '../../src/chat/create-inbound-handler.ts';
import { storeInbound } from '../../src/chat/store-inbound.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import { createPrismaWorkStore } from '../../src/store/prisma-work-store.ts';
import { DB_KINDS } from '../helpers/databases.ts';
import { chatWorldPerTest, type ChatWorld } from './chat-world.ts';

// Store first, interpret once: what survives a crash between the two steps, a database outage and
// a channel that delivers a message again; and a group topic that never moves a binding.
describe.each(DB_KINDS)('inbound durability (%s)', (kind) => {
  let w: ChatWorld;
  chatWorldPerTest(kind, (world) => (w = world));

  /** A second handler over the same database and data dir: the bot after a restart. */
  const restarted = (prisma = w.prisma) =>
    createInboundHandler({ prisma, work: createPrismaWorkStore(prisma), clock: w.clock, calendar: undefined as never, logger: silentLogger, dataDir: w.dataDir, admins: [], botName: '督办助手' });

  it('interprets after a restart what was stored before the crash, once, and a second sweep finds nothing', async () => {
    // The crash: three messages stored, none interpreted.
    for (const [i, text] of ['第1项完成30%', '第3项完成50%，存在资金缺口', '收到'].entries()) {
      await storeInbound(w.prisma, w.incoming({ id: `crash-${i}`, text }), w.clock.now());
    }
    expect(await w.prisma.inboundMessage.count({ where: { status: 'received' } })).toBe(3);
    const h = restarted();
    expect(await h.recover()).toBe(3);
    expect(await w.prisma.inboundMessage.groupBy({ by: ['status'], _count: true })).toEqual([{ status: 'interpreted', _count: 3 }]);
    const kinds = (await w.prisma.progressUpdate.findMany({ orderBy: { id: 'asc' } })).map((p) => [p.kind, p.percent]);
    expect(kinds.slice(0, 2)).toEqual([['report', 30], ['report', 50]]);
    expect(kinds.slice(2).every(([k]) => k === 'receipt')).toBe(true);
    // one confirmation each for the two reports; a receipt is not answered
    expect((await w.prisma.outbox.findMany()).map((o) => o.idempotencyKey).sort()).toHaveLength(2);
    expect(await h.recover()).toBe(0);
    // the channel replays all three after the restart: stored once, nothing new
    for (const [i, text] of ['第1项完成30%', '第3项完成50%，存在资金缺口', '收到'].entries()) await h.handle(w.incoming({ id: `crash-${i}`, text }));
    expect(await w.prisma.inboundMessage.count()).toBe(3);
    expect(await w.prisma.progressUpdate.count()).toBe(kinds.length);
    await h.close();
  });

  it('records a message once when two processes interpret it at the same time', async () => {
    const stored = await storeInbound(w.prisma, w.incoming({ id: 'twice', text: '第1项完成40%' }), w.clock.now());
    expect(stored).not.toBeNull();
    const [a, b] = [restarted(), restarted()];
    await Promise.all([a.recover(), b.recover()]);
    expect(await w.prisma.progressUpdate.count()).toBe(1);
    expect(await w.prisma.outbox.count()).toBe(1);
    expect(await w.prisma.assignment.findFirstOrThrow({ where: { taskId: w.tasks[0]!.id } })).toMatchObject({ percent: 40 });
    // the store port refuses a second record of the same message outright
    const again = await createPrismaWorkStore(w.prisma).apply({
      inboundId: stored!.id,
      progress: [{ taskId: w.tasks[0]!.id, unitId: w.units.shangwu.id, personId: null, kind: 'report', at: w.clock.now(), text: 'x', percent: 99, status: null, problems: null, nextSteps: null, inboundMessageId: stored!.id }],
    });
    expect(again).toEqual({ requestIds: [], alreadyRecorded: true });
    expect(await w.prisma.progressUpdate.count()).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('tries once more after an error it does not recognise: a one-off is interpreted, an error that repeats marks the message failed', async () => {
    const flaky = (failures: number) => {
      const work = createPrismaWorkStore(w.prisma);
      let left = failures;
      const apply: typeof work.apply = (c) => (left-- > 0 ? Promise.reject(new Error('an error a restart raised in an unknown shape')) : work.apply(c));
      return createInboundHandler({ prisma: w.prisma, work: { ...work, apply }, clock: w.clock, calendar: undefined as never, logger: silentLogger, dataDir: w.dataDir, admins: [], botName: '督办助手' });
    };
    const once = flaky(1);
    await once.handle(w.incoming({ id: 'odd-1', text: '第1项完成30%' }));
    const always = flaky(99);
    await always.handle(w.incoming({ id: 'odd-2', text: '第3项完成50%' }));
    const rows = await w.prisma.inboundMessage.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.messageId, r.status])).toEqual([['odd-1', 'interpreted'], ['odd-2', 'failed']]);
    expect(rows[1]!.error).toContain('unknown shape');
    expect((await w.prisma.progressUpdate.findMany()).map((p) => p.percent)).toEqual([30]);
    await Promise.all([once.close(), always.close()]);
  });

  it('keeps messages in the local spool while the database is unreachable and replays them once it answers', async () => {
    // A database that refuses connections: the same client the app uses, pointed at a closed port.
    const down = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://postgres@127.0.0.1:9/none', connectionTimeoutMillis: 200 }) });
    const offline = restarted(down);
    await offline.handle(w.incoming({ id: 'out-1', text: '第1项完成20%' }));
    await offline.handle(w.incoming({ id: 'out-2', text: '第3项完成70%' }));
    await offline.handle(w.incoming({ id: 'out-1', text: '第1项完成20%' })); // the channel repeats one
    expect(offline.spooled()).toBe(3);
    expect(fs.readFileSync(path.join(w.dataDir, 'inbound-spool', 'messages.jsonl'), 'utf8')).toContain('第3项完成70%');
    await offline.close();
    await down.$disconnect();

    const back = restarted();
    expect(await back.recover()).toBe(2);
    expect(back.spooled()).toBe(0);
    const rows = await w.prisma.inboundMessage.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.messageId, r.status])).toEqual([['out-1', 'interpreted'], ['out-2', 'interpreted']]);
    expect((await w.prisma.progressUpdate.findMany({ orderBy: { id: 'asc' } })).map((p) => p.percent)).toEqual([20, 70]);
    await back.close();
  }, 30_000);

  it('does not let a new group with a unit group’s topic take the binding: an admin is asked, and audited', async () => {
    const impostor = w.mocker.createRoom({ topic: '区商务局工作群', memberIdList: [w.bot.id, w.stranger.id, w.wang.id] });
    await w.say(w.stranger, impostor, '大家好，以后提醒发这个群');
    await w.say(w.stranger, impostor, '再说一句');
    const group = await w.prisma.chatGroup.findUniqueOrThrow({ where: { topic: '区商务局工作群' } });
    expect(group.roomId).toBe(w.rooms.shangwu.id);
    expect(await unitTargets(w.prisma, w.units.shangwu.id)).toEqual([{ kind: 'group', ref: w.rooms.shangwu.id }]);
    const [req] = await w.prisma.accessRequest.findMany();
    expect(await w.prisma.accessRequest.count()).toBe(1);
    expect(req).toMatchObject({ kind: 'bind_group', status: 'pending', roomId: impostor.id, roomTopic: '区商务局工作群', actorId: w.stranger.id, unitId: w.units.shangwu.id });
    expect(req!.detail).toMatchObject({ heldBy: { roomId: w.rooms.shangwu.id, units: ['区商务局'] } });
    expect(await w.prisma.auditLog.findFirst({ where: { action: 'group.bind_requested' } })).toMatchObject({ actor: w.stranger.id, entityId: String(req!.id) });
    const notice = await w.prisma.outbox.findFirstOrThrow({ where: { idempotencyKey: { startsWith: 'access_request:' } } });
    expect(notice).toMatchObject({ targetRef: w.rooms.office.id });
    expect(notice.text).toContain('绑定未改变');

    // a unit contact's report there is still the contact's, answered where it was said; the binding stays
    await w.say(w.wang, impostor, '第1项完成10%');
    expect(await w.prisma.progressUpdate.count()).toBe(1);
    expect((await w.prisma.chatGroup.findUniqueOrThrow({ where: { id: group.id } })).roomId).toBe(w.rooms.shangwu.id);

    // the admin's word re-binds (e.g. after a re-login changed the room ids) and answers the request
    const roomWithAdmin = w.mocker.createRoom({ topic: '区商务局工作群', memberIdList: [w.bot.id, w.admin.id] });
    await w.say(w.admin, roomWithAdmin, '绑定 区商务局', true);
    expect((await w.prisma.chatGroup.findUniqueOrThrow({ where: { id: group.id } })).roomId).toBe(roomWithAdmin.id);
    expect(await w.prisma.auditLog.findFirst({ where: { action: 'group.bind' } })).toMatchObject({ actor: w.admin.id, before: { roomId: w.rooms.shangwu.id } });
    // the admin's own room's request is answered; the impostor's stays for an admin to reject
    expect((await w.prisma.accessRequest.findMany({ orderBy: { id: 'asc' } })).map((r) => [r.roomId, r.status])).toEqual([[impostor.id, 'pending'], [roomWithAdmin.id, 'approved']]);
  });
});
