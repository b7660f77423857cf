import fs from 'node:fs';
import path from 'node:path';
import { FileBox } from 'file-box';
import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../src/adapters/chat/to-incoming-message.ts';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { createInboundHandler } from '../../src/chat/create-inbound-handler.ts';
import { storeArrival } from '../../src/chat/store-inbound.ts';
import { evidenceDir } from '../../src/chat/task-requests.ts';
import { createCadenceEngine, reminderCounts } from '../../src/engine/create-cadence-engine.ts';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import type { IncomingMessage } from '../../src/ports/chat.ts';
import { createPrismaWorkStore } from '../../src/store/prisma-work-store.ts';
import { DB_KINDS } from '../helpers/databases.ts';
import { chatWorldPerTest, type ChatWorld } from './chat-world.ts';
import { PNG_1PX } from './test-files.ts';

/**
 * The real Prisma client with faults a database restart causes, injected at its boundary:
 * `down` refuses every call (the server is away); `loseNextAck` lets the next write of an audit entry
 * commit and then throws the error a dropped connection raises, as when the acknowledgement of a
 * commit is lost — the caller cannot tell it committed, and retries.
 */
function faultyPrisma(real: PrismaClient) {
  /** `loseNextAck`: 'audit' loses the ack of the next commit that wrote an audit entry; 'any' of the next commit. */
  const state = { down: false, loseNextAck: false as false | 'audit' | 'any', lostAcks: 0 };
  const unreachable = () => Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' });
  const dropped = () => {
    state.loseNextAck = false;
    state.lostAcks++;
    return Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
  };
  const writesAudit = (args: unknown[]) => {
    const q = args[0] as { strings?: readonly string[]; sql?: string } | readonly string[] | undefined;
    const text = Array.isArray(q) ? q.join('') : (q as { sql?: string; strings?: string[] } | undefined)?.sql ?? (q as { strings?: string[] } | undefined)?.strings?.join('') ?? '';
    return /"AuditLog"/.test(text);
  };
  /** Wraps a client or transaction so that touching the audit log is noticed. */
  const watch = <T extends object>(target: T, touched: { audit: boolean }): T =>
    new Proxy(target, {
      get(t, k, r) {
        const v = Reflect.get(t, k, r) as unknown;
        if (k === 'auditLog') touched.audit = true;
        if (typeof v === 'function' && (k === '$executeRaw' || k === '$queryRaw')) {
          return (...args: unknown[]) => {
            if (writesAudit(args)) touched.audit = true;
            return (v as (...a: unknown[]) => unknown).apply(t, args);
          };
        }
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
  const guard = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, k, r) {
        const v = Reflect.get(t, k, r) as unknown;
        if (k === 'then' || typeof k === 'symbol') return v;
        if (k === '$transaction') {
          return async (arg: unknown, opts?: unknown) => {
            if (state.down) throw unreachable();
            const touched = { audit: false };
            const result = typeof arg === 'function'
              ? await real.$transaction((tx) => (arg as (tx: unknown) => Promise<unknown>)(watch(tx, touched)), opts as never)
              : await real.$transaction(arg as never);
            if (typeof arg !== 'function') touched.audit = true; // a batch: assume it may hold an audit entry
            if (state.loseNextAck === 'any' || (state.loseNextAck && touched.audit)) throw dropped();
            return result;
          };
        }
        if (typeof v === 'function') {
          return async (...args: unknown[]) => {
            if (state.down) throw unreachable();
            const result = await (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
            if (state.loseNextAck && (k === '$executeRaw' || k === '$queryRaw') && writesAudit(args)) throw dropped();
            // A reply's progress is written by one statement outside any transaction (the ingest path):
            // losing 'any' ack covers that commit too.
            if (state.loseNextAck === 'any' && (k === '$queryRawUnsafe' || k === '$executeRawUnsafe') && /INSERT INTO "ProgressUpdate"/.test(String(args[0]))) throw dropped();
            return result;
          };
        }
        if (v && typeof v === 'object' && !String(k).startsWith('$') && !String(k).startsWith('_')) {
          // A model delegate: refused while down; an audit entry written outside a transaction loses its ack too.
          return new Proxy(v, {
            get(d, m, dr) {
              const f = Reflect.get(d, m, dr) as unknown;
              if (typeof f !== 'function') return f;
              return async (...args: unknown[]) => {
                if (state.down) throw unreachable();
                const result = await (f as (...a: unknown[]) => Promise<unknown>).apply(d, args);
                if (state.loseNextAck && k === 'auditLog' && String(m).startsWith('create')) throw dropped();
                return result;
              };
            },
          });
        }
        return v;
      },
    });
  return { client: guard(real), state };
}

describe.each(DB_KINDS)('inbound recovery: files, order, once (%s)', (kind) => {
  let w: ChatWorld;
  chatWorldPerTest(kind, (world) => (w = world));

  const handlerOn = (prisma: PrismaClient, more: Partial<Parameters<typeof createInboundHandler>[0]> = {}) =>
    createInboundHandler({ prisma, work: createPrismaWorkStore(prisma), clock: w.clock, calendar: undefined as never, logger: silentLogger, dataDir: w.dataDir, admins: [], botName: '督办助手', ...more });

  /** A photo whose channel handle works once, as a real one that dies with the process. */
  const photo = (id: string, over: Partial<IncomingMessage> = {}): IncomingMessage & { saves: () => number } => {
    let saves = 0;
    return {
      ...w.incoming({ id, type: 'image', text: '', ...over }),
      async saveAttachment(dir: string) {
        if (saves++) throw new Error('the channel no longer has this file');
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${id}-site.png`);
        fs.writeFileSync(file, PNG_1PX);
        return file;
      },
      saves: () => saves,
    };
  };
  const arrivals = () => path.join(w.dataDir, 'inbound-files');
  const filesIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

  it('keeps a photo stored just before a crash and attaches it to the pending 销号 request after the restart', async () => {
    await w.say(w.wang, w.rooms.shangwu, '申请销号 3 已全部完成');
    expect(await w.prisma.taskRequest.findFirstOrThrow()).toMatchObject({ status: 'pending', evidence: [] });
    // The crash: the handler's store step ran (the file kept at arrival), interpretation never did.
    const m = photo('photo-crash');
    expect(await storeArrival(w.prisma, w.dataDir, m, w.clock.now())).not.toBeNull();
    const row = await w.prisma.inboundMessage.findUniqueOrThrow({ where: { messageId: 'photo-crash' } });
    expect(row).toMatchObject({ status: 'received' });
    expect(row.attachment?.startsWith(arrivals())).toBe(true);
    expect(filesIn(evidenceDir(w.dataDir))).toEqual([]); // not evidence before it is read

    await w.clock.advance(60_000);
    const restarted = handlerOn(w.prisma);
    expect(await restarted.recover()).toBe(1);
    const req = await w.prisma.taskRequest.findFirstOrThrow();
    expect(req.evidence).toHaveLength(1);
    expect(req.evidence[0]!.startsWith(evidenceDir(w.dataDir))).toBe(true);
    expect(fs.readFileSync(req.evidence[0]!)).toEqual(PNG_1PX);
    expect(m.saves()).toBe(1); // the dead channel handle was never needed again
    expect(await w.prisma.inboundMessage.findUniqueOrThrow({ where: { messageId: 'photo-crash' } })).toMatchObject({ status: 'interpreted', attachment: req.evidence[0] });
    expect(filesIn(arrivals())).toEqual([]);
    expect((await w.prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).map((a) => a.action)).toEqual(['request.close', 'request.evidence']);
    await restarted.close();
  });

  it('saves a file once, at arrival: interpretation reads the saved copy; a stranger’s file is deleted and never evidence', async () => {
    const h = handlerOn(w.prisma);
    await h.handle(w.incoming({ id: 'close-1', text: '申请销号 3' }));
    const m = photo('photo-live');
    await h.handle(m);
    expect(m.saves()).toBe(1);
    const req = await w.prisma.taskRequest.findFirstOrThrow();
    expect(req.evidence).toHaveLength(1);
    expect(fs.readFileSync(req.evidence[0]!)).toEqual(PNG_1PX);

    const s = photo('photo-stranger', { talkerId: w.stranger.id, talkerName: '王科长' });
    await h.handle(s);
    const row = await w.prisma.inboundMessage.findUniqueOrThrow({ where: { messageId: 'photo-stranger' } });
    expect(row.attachment).toBeNull();
    expect(filesIn(arrivals())).toEqual([]);
    expect(filesIn(evidenceDir(w.dataDir))).toEqual([path.basename(req.evidence[0]!)]);
    expect((await w.prisma.taskRequest.findFirstOrThrow()).evidence).toEqual(req.evidence);
    // a replay of the photo is not saved again
    await h.handle(m);
    expect(m.saves()).toBe(1);
    await h.close();
  });

  it('refuses a file over the evidence size limit at arrival: the sender is told why in Chinese, nothing is kept', async () => {
    const big = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1024, 1);
    await w.say(w.wang, w.rooms.shangwu, FileBox.fromBase64(big.toString('base64'), '现场照片.png'));
    const row = await w.prisma.inboundMessage.findFirstOrThrow({ where: { type: { in: ['file', 'image'] } } });
    expect(row).toMatchObject({ status: 'ignored', attachment: null });
    expect(row.error).toContain('超过佐证材料上限 20 MB');
    const [reply] = await w.prisma.outbox.findMany();
    expect(reply!.text).toMatch(/^文件“现场照片\.png”有 20\.0 MB，超过佐证材料上限 20 MB，未保存。请压缩或拆分后重新发送$/);
    expect(filesIn(arrivals())).toEqual([]);
    expect(filesIn(evidenceDir(w.dataDir))).toEqual([]);
  });

  it('interprets a person’s messages in arrival order across a database outage: later ones wait for the spooled one', async () => {
    const f = faultyPrisma(w.prisma);
    const h = handlerOn(f.client);
    // The database goes away: 申请销号 and a report go to the spool.
    f.state.down = true;
    await h.handle(w.incoming({ id: 'o-1', text: '申请销号 3 已完成' }));
    await h.handle(w.incoming({ id: 'o-2', text: '第1项完成20%' }));
    expect(h.spooled()).toBe(2);
    // It is back before the spool is replayed: the photo and a newer report are stored at once, but wait.
    f.state.down = false;
    await h.handle(photo('o-3'));
    await h.handle(w.incoming({ id: 'o-4', text: '第1项完成50%' }));
    // someone else is not held up by 王科长's backlog
    await h.handle(w.incoming({ id: 'liu-1', talkerId: w.liu.id, talkerName: '刘股长', roomId: w.rooms.zhujian.id, roomTopic: '区住建局工作群', text: '第4项完成10%' }));
    expect(await w.prisma.inboundMessage.findUniqueOrThrow({ where: { messageId: 'liu-1' } })).toMatchObject({ status: 'interpreted' });

    // (a sweep scheduled by the outage may be running already: sweep until nothing of his waits)
    for (let i = 0; i < 10 && (h.spooled() || (await w.prisma.inboundMessage.count({ where: { status: 'received' } }))); i++) await h.recover();
    expect(h.spooled()).toBe(0);
    const rows = await w.prisma.inboundMessage.findMany({ where: { talkerId: w.wang.id }, orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }] });
    expect(rows.map((r) => [r.messageId, r.status])).toEqual([['o-1', 'interpreted'], ['o-2', 'interpreted'], ['o-3', 'interpreted'], ['o-4', 'interpreted']]);
    // 申请销号 first, then its photo as evidence; 20% then 50%
    expect((await w.prisma.auditLog.findMany({ where: { action: { startsWith: 'request.' } }, orderBy: { id: 'asc' } })).map((a) => a.action)).toEqual(['request.close', 'request.evidence']);
    expect((await w.prisma.taskRequest.findFirstOrThrow()).evidence).toHaveLength(1);
    expect((await w.prisma.progressUpdate.findMany({ where: { taskId: w.tasks[0]!.id }, orderBy: { id: 'asc' } })).map((p) => p.percent)).toEqual([20, 50]);
    expect((await w.prisma.assignment.findFirstOrThrow({ where: { taskId: w.tasks[0]!.id } })).percent).toBe(50);
    // caught up: the next message goes straight through
    await h.handle(w.incoming({ id: 'o-5', text: '第1项完成60%' }));
    expect(await w.prisma.inboundMessage.findUniqueOrThrow({ where: { messageId: 'o-5' } })).toMatchObject({ status: 'interpreted' });
    await h.close();
  }, 30_000);

  it('after a restart, recovers each person’s messages by arrival time, not by row id', async () => {
    const t0 = w.clock.now().getTime();
    // A spooled message is stored after a newer one: its row id is larger, its arrival earlier.
    await storeArrival(w.prisma, w.dataDir, w.incoming({ id: 'late-row', text: '第1项完成50%' }), new Date(t0 + 5_000));
    await storeArrival(w.prisma, w.dataDir, w.incoming({ id: 'early-row', text: '第1项完成20%' }), new Date(t0 + 1_000));
    const h = handlerOn(w.prisma);
    expect(await h.recover()).toBe(2);
    expect((await w.prisma.progressUpdate.findMany({ orderBy: { id: 'asc' } })).map((p) => p.percent)).toEqual([20, 50]);
    expect((await w.prisma.assignment.findFirstOrThrow({ where: { taskId: w.tasks[0]!.id } })).percent).toBe(50);
    await h.close();
  });

  it('writes each chat command once when the acknowledgement of its commit is lost and the message is retried', async () => {
    const f = faultyPrisma(w.prisma);
    const cadences = createCadenceEngine({ prisma: f.client, calendar: createCalendar({}), clock: w.clock, logger: silentLogger, cadenceFile: 'config/cadences.json', templatesFile: 'config/templates.json' });
    const pusher = createCadenceEngine({ prisma: w.prisma, calendar: createCalendar({}), clock: w.clock, logger: silentLogger, cadenceFile: 'config/cadences.json', templatesFile: 'config/templates.json' });
    let pushes = 0;
    const h = handlerOn(f.client, { cadences, pushNow: () => { pushes++; return pusher.pushNow('weekly_reminder').then(reminderCounts); } });
    const office = { roomId: w.rooms.office.id, roomTopic: '督办室工作群', talkerId: w.admin.id, talkerName: '李主任' };
    let n = 0;
    const say = async (text: string, over: Partial<IncomingMessage> = office, lose: 'audit' | 'any' = 'audit') => {
      f.state.loseNextAck = lose;
      await h.handle(w.incoming({ id: `once-${n++}`, text, ...over }));
      expect(f.state.loseNextAck, `no audited write was made for “${text}”`).toBe(false);
    };
    await say('暂停提醒');
    await say('恢复提醒');
    await say('归档方案 测试');
    await say('恢复方案 测试');
    await say('请假 王科长');
    await say('设置B角 王科长 赵干事');
    await say('绑定 区财政局', { ...office, roomId: w.rooms.unbound.id, roomTopic: '区财政局工作群', mentionsSelf: true });
    await say('设置提醒 周调度提醒 10:00');
    await say('立即推送');
    await say('代录批示 张副区长 测试第3项 请加快推进，周五前报进展');
    await say('登记 区财政局 联络员', { talkerId: w.stranger.id, talkerName: '路人甲' });
    const reg = await w.prisma.accessRequest.findFirstOrThrow({ where: { kind: 'register' } });
    await say(`批准 登记 ${reg.id}`);
    await say('暂停提醒', { talkerId: w.stranger.id, talkerName: '路人甲' }); // refused: its audit entry once too
    await say('第1项完成30%', { ...office, talkerId: w.wang.id, talkerName: '王科长', roomId: w.rooms.shangwu.id, roomTopic: '区商务局工作群' }, 'any');
    expect(f.state.lostAcks).toBe(14);

    const audit = await w.prisma.auditLog.groupBy({ by: ['action'], _count: true, orderBy: { action: 'asc' } });
    expect(audit.filter((a) => a._count !== 1)).toEqual([]);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining([
      'reminders.pause', 'reminders.resume', 'plan.archive', 'plan.restore', 'contact.leave', 'contact.backup', 'group.bind', 'cadence.update',
      'reminders.push_now', 'instruction.record_on_behalf', 'access.register.request', 'access.register.approve', 'access.denied',
    ]));
    expect(pushes).toBe(1);
    expect(await w.prisma.accessRequest.count({ where: { kind: 'register' } })).toBe(1);
    expect(await w.prisma.progressUpdate.count()).toBe(1);
    // every message interpreted (or refused) once, each with its one reply
    const rows = await w.prisma.inboundMessage.findMany({ orderBy: { id: 'asc' } });
    expect(rows.filter((r) => r.status === 'received' || r.status === 'failed')).toEqual([]);
    const replies = await w.prisma.outbox.findMany({ where: { idempotencyKey: { startsWith: 'reply:' } } });
    expect(replies).toHaveLength(rows.length);
    // the retried 批准 answers as the first attempt did, not “already approved”
    expect(replies.find((o) => o.idempotencyKey === `reply:${rows.find((r) => r.text.startsWith('批准'))!.id}`)!.text).toMatch(/^已批准/);
    await h.close();
  }, 60_000);
});
