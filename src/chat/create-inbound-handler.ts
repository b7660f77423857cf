import { parseTaskRef } from '../domain/work/index.ts';
import { InputError } from '../errors.ts';
import type { IncomingMessage } from '../ports/chat.ts';
import { decideAccess, register } from './access-commands.ts';
import { writeAudit } from './write-audit.ts';
import { archivePlan, bindGroup, listFailures, pushNow, queryUnit, setRemindersPaused } from './admin-commands.ts';
import type { InboundDeps } from './chat-deps.ts';
import { createTurn, outcomeError, type ChatTurn, type Outcome } from './chat-turn.ts';
import { parseChatCommand, type ChatCommand } from './parse-chat-command.ts';
import { recordProgress } from './record-progress.ts';
import { recordInstructionOnBehalf } from './instructions.ts';
import { answerLeaderQuestion } from './leader-questions.ts';
import { resolveSender } from './resolve-sender.ts';
import { createInboundSpool } from './inbound-spool.ts';
import { listUninterpreted, storeInbound } from './store-inbound.ts';
import { isTransientDbError, retryTransient } from '../store/transient-error.ts';
import { listCadences, setCadence } from './cadence-commands.ts';
import { setBackup, setLeave } from './contact-commands.ts';
import { help, myTasks, overdue, weeklyDigest } from './task-lists.ts';
import { attachEvidence, decideRequest, evidenceDir, requestClose, requestExtension, transferTask } from './task-requests.ts';

export type { InboundDeps } from './chat-deps.ts';

/** 进展 重大项目3 … → 重大项目第3项 …, the way the reply reader expects a reference. */
function asReplyRef(ref: string): string {
  const p = parseTaskRef(ref);
  return p ? `${p.plan ?? ''}第${p.no}项` : ref;
}

function runCommand(turn: ChatTurn, c: ChatCommand): Promise<Outcome> {
  switch (c.name) {
    case 'help': return help(turn);
    case 'myTasks': return myTasks(turn);
    case 'progress': return recordProgress(turn, `${asReplyRef(c.taskRef)} ${c.text}`);
    case 'overdue': return overdue(turn);
    case 'requestClose': return requestClose(turn, c.taskRef, c.reason);
    case 'requestExtension': return requestExtension(turn, c.taskRef, c.date, c.reason);
    case 'weeklyDigest': return weeklyDigest(turn);
    case 'approve': return decideRequest(turn, c.taskRef, true, c.note);
    case 'return': return decideRequest(turn, c.taskRef, false, c.reason);
    case 'transfer': return transferTask(turn, c.taskRef, c.unit, c.from);
    case 'pause': return setRemindersPaused(turn, true);
    case 'resume': return setRemindersPaused(turn, false);
    case 'pushNow': return pushNow(turn);
    case 'query': return queryUnit(turn, c.unit);
    case 'bind': return bindGroup(turn, c.unit);
    case 'failures': return listFailures(turn);
    case 'archivePlan': return archivePlan(turn, c.plan, c.archived);
    case 'listCadences': return listCadences(turn);
    case 'setCadence': return setCadence(turn, c);
    case 'leave': return setLeave(turn, c.person, c.onLeave);
    case 'setBackup': return setBackup(turn, c.contact, c.backup);
    // Leaders in the loop (issue 16): a question only leaders and admins get answered; others' is free text.
    case 'proxyInstruction': return recordInstructionOnBehalf(turn, c.leader, c.text);
    case 'leaderQuestion': return answerLeaderQuestion(turn, c.question).then((o) => o ?? recordProgress(turn, c.text));
    case 'register': return register(turn, c.unit, c.role);
    case 'decideAccess': return decideAccess(turn, c.id, c.approve, c.text, c.kind);
  }
}

/**
 * The inbound pipeline, in two steps that never wait for each other:
 *
 * 1. **Store**, the moment a message arrives: one INSERT … ON CONFLICT (messageId) DO NOTHING, so a
 *    message a channel replays after a restart is a no-op. Transient database errors are retried;
 *    if the database stays away the message goes to a local spool file (fsync'd) and is replayed
 *    from there — it is never only logged.
 * 2. **Interpret**, in one person's order (申请销号 then its photo; different people in parallel):
 *    who and where → command or free text → records and one reply through the outbox. What a
 *    message records is applied with the message's interpreted mark in one transaction, so doing
 *    it again after a crash or a retry records nothing twice. A transient failure is retried and
 *    then left `received` for the recovery sweep; only a real error marks the message `failed`.
 *
 * `recover()` (at start-up and every `recoverEveryMs`) replays the spool and interprets what was
 * stored but not interpreted.
 */
export function createInboundHandler(deps: InboundDeps & { recoverEveryMs?: number }) {
  const { prisma, logger, clock } = deps;
  const spool = createInboundSpool(deps.dataDir);
  const lanes = new Map<string, Promise<void>>();
  /** Channel message ids this process has in hand (storing or waiting in a lane). */
  const inHand = new Set<string>();
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let drainSoon: NodeJS.Timeout | undefined;
  let recovering: Promise<number> | undefined;

  function inLane(talkerId: string, work: () => Promise<void>): Promise<void> {
    const prev = lanes.get(talkerId) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(work);
    lanes.set(talkerId, next);
    next
      .finally(() => {
        if (lanes.get(talkerId) === next) lanes.delete(talkerId);
      })
      .catch(() => {});
    return next;
  }

  /** Stored id, null for a duplicate, 'spooled' when the database could not take it now. */
  async function store(m: IncomingMessage): Promise<{ id: number } | null | 'spooled'> {
    const receivedAt = clock.now();
    try {
      return await retryTransient(() => storeInbound(prisma, m, receivedAt), { waits: [50, 250, 1_000], signal: stop.signal });
    } catch (e) {
      logger.warn({ event: 'inbound_spooled', messageId: m.id, err: e }, 'database unavailable: inbound message kept in the local spool');
      await spool.append(m, receivedAt);
      scheduleDrain();
      return 'spooled';
    }
  }

  function interpretInLane(id: number, m: IncomingMessage): Promise<void> {
    inHand.add(m.id);
    return inLane(m.talkerId, () => interpret(id, m)).finally(() => inHand.delete(m.id));
  }

  async function interpret(id: number, m: IncomingMessage): Promise<void> {
    const attempt = () => retryTransient(() => interpretOnce(id, m), { waits: [100, 500, 2_000], signal: stop.signal });
    try {
      try {
        await attempt();
      } catch (e) {
        // A bug fails the same way twice; an error a database restart raised in a shape we do not
        // recognise does not. Interpreting is idempotent, so one more try after a pause is safe, and
        // it keeps a restart from marking a good message failed.
        if (isTransientDbError(e) || stop.signal.aborted) throw e;
        logger.warn({ event: 'inbound_retry', id, err: e }, 'interpreting failed; trying once more');
        await new Promise((r) => setTimeout(r, 1_000));
        await attempt();
      }
    } catch (e) {
      if (isTransientDbError(e) || !(await databaseAnswers())) {
        // Still `received`: the recovery sweep interprets it once the database answers again.
        logger.warn({ event: 'inbound_deferred', id, err: e }, 'interpreting deferred: database unavailable');
        return;
      }
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      logger.error({ event: 'inbound_failed', id, err: e }, 'interpreting an inbound message failed');
      await retryTransient(() => prisma.inboundMessage.update({ where: { id }, data: { status: 'failed', error: error.slice(0, 2000) } })).catch(() => undefined);
    }
  }

  /** Whether the database answers a trivial query now: an error while it does not is not the message's fault. */
  function databaseAnswers(): Promise<boolean> {
    return prisma.$queryRaw`SELECT 1`.then(() => true, () => false);
  }

  async function interpretOnce(id: number, m: IncomingMessage): Promise<void> {
    const sender = await resolveSender(prisma, deps.work, m, deps.admins, clock.now());
    const turn = createTurn(deps, m, id, sender);
    let outcome: Outcome;
    if (m.type === 'image' || m.type === 'file') {
      // Keep files only from people we know; strangers' pictures are not evidence.
      let file: string | null = null;
      try {
        file = sender.person && m.saveAttachment ? await m.saveAttachment(evidenceDir(deps.dataDir)) : null;
      } catch (e) {
        // Too large, or otherwise refused: the sender hears why; the message stays on record.
        if (!(e instanceof InputError)) throw e;
        await turn.reply(`${e.message}。${e.hint ?? ''}`);
        await prisma.inboundMessage.update({ where: { id }, data: { status: 'ignored', error: e.message.slice(0, 2000) } });
        return;
      }
      if (file) await prisma.inboundMessage.update({ where: { id }, data: { attachment: file } });
      outcome = await attachEvidence(turn, file);
    } else if (m.type !== 'text' || !m.text.trim()) {
      outcome = { status: 'ignored', note: `type ${m.type}` };
    } else {
      const command = parseChatCommand(m.text, deps.botName);
      outcome = command ? await runCommand(turn, command) : await recordProgress(turn, m.text);
    }
    const error = outcomeError(outcome);
    // A recorded change already marked the message interpreted in its own transaction.
    if (!(turn.recorded && outcome.status === 'interpreted' && !error)) {
      await prisma.inboundMessage.update({ where: { id }, data: { status: outcome.status, error } });
    }
    // Every refused attempt (a stranger posing as a leader, contact or admin) is in the audit log.
    if (outcome.note?.startsWith('PERMISSION_DENIED')) {
      await writeAudit(prisma, { at: clock.now(), actor: m.talkerId, action: 'access.denied', entity: 'InboundMessage', entityId: id, after: { talkerName: m.talkerName, room: m.roomTopic ?? null, text: m.text.slice(0, 200), note: outcome.note } });
    }
    logger.info({ event: 'inbound', id, status: outcome.status, note: outcome.note }, 'inbound message handled');
  }

  function scheduleDrain(): void {
    if (drainSoon || stop.signal.aborted) return;
    drainSoon = setTimeout(() => {
      drainSoon = undefined;
      void recover().catch(() => undefined);
    }, 2_000);
    drainSoon.unref();
  }

  /** Replays the spool, then interprets every stored message not yet interpreted; returns how many. */
  function recover(): Promise<number> {
    return (recovering ??= (async () => {
      let n = 0;
      const work: Promise<void>[] = [];
      try {
        await spool.drain(async ({ message, receivedAt }) => {
          let stored;
          try {
            stored = await storeInbound(prisma, message, receivedAt);
          } catch (e) {
            if (isTransientDbError(e)) throw e;
            logger.error({ event: 'inbound_rejected', messageId: message.id, err: e }, 'the database refused a spooled message; kept in rejected.jsonl');
            return 'rejected';
          }
          if (stored) {
            n++;
            work.push(interpretInLane(stored.id, message));
          }
          return 'stored';
        });
        if (spool.size() > 0) scheduleDrain();
        for (const r of await listUninterpreted(prisma)) {
          if (inHand.has(r.message.id)) continue;
          n++;
          work.push(interpretInLane(r.id, r.message));
        }
      } catch (e) {
        logger.warn({ event: 'inbound_recover_failed', err: e }, 'recovering inbound messages failed; will try again');
        scheduleDrain();
      } finally {
        await Promise.allSettled(work);
        recovering = undefined;
      }
      if (n) logger.info({ event: 'inbound_recovered', count: n }, 'stored messages interpreted after a restart or an outage');
      return n;
    })());
  }

  return {
    handle(m: IncomingMessage): Promise<void> {
      inHand.add(m.id);
      const stored = store(m); // now, not behind the previous message's interpretation
      return inLane(m.talkerId, async () => {
        const s = await stored;
        if (s === null) logger.debug({ event: 'inbound_duplicate', messageId: m.id }, 'duplicate inbound message ignored');
        else if (s !== 'spooled') await interpret(s.id, m);
      }).finally(() => inHand.delete(m.id));
    },
    recover,
    /** Messages waiting in the local spool for the database. */
    spooled: () => spool.size(),
    /** Recovers once now, then every `recoverEveryMs` (default 30 s). */
    start(): void {
      void recover();
      timer ??= setInterval(() => void recover(), deps.recoverEveryMs ?? 30_000);
      timer.unref();
    },
    /** Stops the sweeps and waits (at most `boundMs`) for the messages in hand. Safe to call twice. */
    async close(boundMs = 5_000): Promise<void> {
      stop.abort();
      clearInterval(timer);
      clearTimeout(drainSoon);
      const bound = new Promise<void>((r) => setTimeout(r, boundMs).unref());
      await Promise.race([Promise.allSettled([...lanes.values(), recovering]), bound]);
    },
  };
}

export type InboundHandler = ReturnType<typeof createInboundHandler>;
