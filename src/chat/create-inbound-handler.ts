import { parseTaskRef } from '../domain/work/index.ts';
import { InputError } from '../errors.ts';
import type { IncomingMessage } from '../ports/chat.ts';
import { decideAccess, register } from './access-commands.ts';
import { archivePlan, bindGroup, listFailures, pushNow, queryUnit, setRemindersPaused } from './admin-commands.ts';
import type { InboundDeps } from './chat-deps.ts';
import { createTurn, outcomeError, type ChatTurn, type Outcome } from './chat-turn.ts';
import fs from 'node:fs';
import { parseChatCommand, type ChatCommand } from './parse-chat-command.ts';
import { recordProgress } from './record-progress.ts';
import { recordInstructionOnBehalf } from './instructions.ts';
import { answerLeaderQuestion } from './leader-questions.ts';
import { answerWaiting, listWaiting } from './review-replies.ts';
import { resolveSender } from './resolve-sender.ts';
import { createInboundSpool } from './inbound-spool.ts';
import { listUninterpreted, listWaitingTalkers, storeArrival } from './store-inbound.ts';
import { moveInto, refusalText, withKept, type KeptFile } from './inbound-files.ts';
import { finishMessage } from './once-per-message.ts';
import type { Sender } from './resolve-sender.ts';
import { isTransientDbError, retryTransient } from '../store/transient-error.ts';
import { listCadences, setCadence } from './cadence-commands.ts';
import { setBackup, setLeave } from './contact-commands.ts';
import { help, myTasks, overdue, weeklyDigest } from './task-lists.ts';
import { attachEvidence, decideRequest, evidenceDir, requestClose, requestExtension, requestTransfer, transferTask } from './task-requests.ts';

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
    case 'requestTransfer': return requestTransfer(turn, c.taskRef, c.unit, c.reason);
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
    case 'proxyInstruction': return recordInstructionOnBehalf(turn, { name: c.leader }, c.text);
    case 'leaderQuestion': return answerLeaderQuestion(turn, c.question).then((o) => o ?? recordProgress(turn, c.text));
    case 'register': return register(turn, c.unit, c.role);
    case 'decideAccess': return decideAccess(turn, c.id, c.approve, c.text, c.kind);
    case 'answerWaiting': return answerWaiting(turn, c.id, c.text);
    case 'listWaiting': return listWaiting(turn);
  }
}

/**
 * The inbound pipeline, in two steps that never wait for each other:
 *
 * 1. **Store**, the moment a message arrives: one INSERT … ON CONFLICT (messageId) DO NOTHING, so a
 *    message a channel replays after a restart is a no-op. An image or file is saved first, into the
 *    arrivals folder (not evidence yet), and its path stored with the message: the channel's handle
 *    does not survive a crash. Transient database errors are retried; if the database stays away
 *    the message goes to a local spool file (fsync'd) and is replayed from there — never only logged.
 * 2. **Interpret**, in one person's arrival order (申请销号 then its photo; different people in
 *    parallel): who and where → command or free text → records and one reply through the outbox.
 *    What a message records is applied with the message's interpreted mark in one transaction, so
 *    doing it again after a crash or a retry records nothing twice. A transient failure is retried
 *    and then left `received`; only a real error marks the message `failed`.
 *
 * Order across outages: once one of a person's messages is left behind (spooled, or deferred), that
 * person's later messages are stored but wait; the recovery sweep then catches the person up in
 * arrival order (`receivedAt`, strictly increasing per process), inside the person's lane, before
 * anything newer of theirs is interpreted. `recover()` (at start-up, soon after something is left
 * behind, and every `recoverEveryMs`) replays the spool and catches everyone up.
 */
export function createInboundHandler(deps: InboundDeps & { recoverEveryMs?: number }) {
  const { prisma, logger, clock } = deps;
  const spool = createInboundSpool(deps.dataDir);
  const lanes = new Map<string, Promise<void>>();
  /** Channel message ids whose turn in their lane has not finished: a catch-up leaves them to it. */
  const inHand = new Set<string>();
  /** People with a message left behind (in the spool, or deferred): their later messages wait for it. */
  const behind = new Set<string>();
  /** Until the first recovery has caught everyone up, new messages wait behind what a crash left. */
  let startingUp = false;
  let lastArrival = 0;
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let drainSoon: NodeJS.Timeout | undefined;
  let recovering: Promise<number> | undefined;

  function inLane<T>(talkerId: string, work: () => Promise<T>): Promise<T> {
    const prev = lanes.get(talkerId) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(work);
    const done = next.then(() => undefined);
    lanes.set(talkerId, done);
    done
      .finally(() => {
        if (lanes.get(talkerId) === done) lanes.delete(talkerId);
      })
      .catch(() => {});
    return next;
  }

  /** The arrival time, a millisecond apart from the previous one: `receivedAt` orders a person's messages. */
  function arrival(): Date {
    lastArrival = Math.max(clock.now().getTime(), lastArrival + 1);
    return new Date(lastArrival);
  }

  /** Stored id and kept file, null for a duplicate, 'spooled' when the database could not take it now. */
  async function store(m: IncomingMessage, receivedAt: Date): Promise<{ id: number; kept: KeptFile } | null | 'spooled'> {
    const kept: { file?: KeptFile } = {};
    try {
      return await retryTransient(() => storeArrival(prisma, deps.dataDir, m, receivedAt, kept), { waits: [50, 250, 1_000], signal: stop.signal });
    } catch (e) {
      logger.warn({ event: 'inbound_spooled', messageId: m.id, err: e }, 'database unavailable: inbound message kept in the local spool');
      await spool.append(kept.file ? withKept(m, kept.file) : m, receivedAt);
      return 'spooled';
    }
  }

  /** Leaves a person's later messages waiting until the sweep has caught them up; the sweep comes soon. */
  function waitBehind(talkerId: string): void {
    behind.add(talkerId);
    scheduleDrain();
  }

  /** Interprets with retries; 'deferred' when the database was away and the message is still `received`. */
  async function interpret(id: number, m: IncomingMessage, kept: KeptFile): Promise<'done' | 'deferred'> {
    const attempt = () => retryTransient(() => interpretOnce(id, m, kept), { waits: [100, 500, 2_000], signal: stop.signal });
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
        return 'deferred';
      }
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      logger.error({ event: 'inbound_failed', id, err: e }, 'interpreting an inbound message failed');
      await retryTransient(() => prisma.inboundMessage.update({ where: { id }, data: { status: 'failed', error: error.slice(0, 2000) } })).catch(() => undefined);
    }
    return 'done';
  }

  /** Whether the database answers a trivial query now: an error while it does not is not the message's fault. */
  function databaseAnswers(): Promise<boolean> {
    return prisma.$queryRaw`SELECT 1`.then(() => true, () => false);
  }

  /**
   * The file as evidence: a known sender's kept file moves into the evidence folder (the new path
   * recorded); a stranger's is deleted and unlinked — strangers' pictures are never evidence. A
   * file refused at arrival (too large) comes back as its InputError.
   */
  async function takeFile(id: number, m: IncomingMessage, kept: KeptFile, sender: Sender): Promise<string | InputError | null> {
    if (!sender.person) {
      if (kept.attachment) {
        fs.rmSync(kept.attachment, { force: true });
        await prisma.inboundMessage.update({ where: { id }, data: { attachment: null } });
      }
      return null;
    }
    if (kept.refused) return new InputError('IMPORT_INVALID', kept.refused);
    let file: string | null = null;
    if (kept.attachment) file = moveInto(kept.attachment, evidenceDir(deps.dataDir));
    else if (m.saveAttachment) {
      try {
        file = await m.saveAttachment(evidenceDir(deps.dataDir));
      } catch (e) {
        // Too large, or otherwise refused: the sender hears why; the message stays on record.
        if (e instanceof InputError) return e;
        throw e;
      }
    }
    if (file && file !== kept.attachment) await prisma.inboundMessage.update({ where: { id }, data: { attachment: file } });
    return file;
  }

  async function interpretOnce(id: number, m: IncomingMessage, kept: KeptFile): Promise<void> {
    const sender = await resolveSender(prisma, deps.work, m, deps.admins, clock.now());
    const turn = createTurn(deps, m, id, sender);
    let outcome: Outcome;
    if (m.type === 'image' || m.type === 'file') {
      const file = await takeFile(id, m, kept, sender);
      if (file instanceof InputError) {
        await turn.reply(refusalText(file));
        outcome = { status: 'ignored', note: file.message };
        await prisma.inboundMessage.updateMany({ where: { id, status: 'received' }, data: { status: 'ignored', error: file.message.slice(0, 2000) } });
        logger.info({ event: 'inbound', id, status: outcome.status, note: outcome.note }, 'inbound message handled');
        return;
      }
      outcome = await attachEvidence(turn, file);
    } else if (m.type !== 'text' || !m.text.trim()) {
      outcome = { status: 'ignored', note: `type ${m.type}` };
    } else {
      const command = parseChatCommand(m.text, deps.botName);
      outcome = command ? await runCommand(turn, command) : await recordProgress(turn, m.text);
    }
    if (turn.recorded) {
      // The recorded change marked the message interpreted in its own transaction; a note for admins is kept.
      const error = outcomeError(outcome);
      if (outcome.status !== 'interpreted' || error) await prisma.inboundMessage.update({ where: { id }, data: { status: outcome.status, error } });
    } else {
      // Once: a row already finished (by a command's own transaction, or an attempt whose commit
      // acknowledgement was lost) is left as it is, and a refusal is audited with its outcome.
      await finishMessage(turn, outcome);
    }
    logger.info({ event: 'inbound', id, status: outcome.status, note: outcome.note }, 'inbound message handled');
  }

  /**
   * One person's stored, uninterpreted messages, interpreted in arrival order inside their lane.
   * Messages of theirs still waiting for their own turn in the lane (queued after this) are left to
   * it. Stops at a message that could not be interpreted now, and the person stays behind.
   */
  function catchUp(talkerId: string): Promise<number> {
    return inLane(talkerId, async () => {
      let n = 0;
      for (;;) {
        const rows = await listUninterpreted(prisma, { talkerId, take: 200 });
        let progressed = false;
        for (const r of rows) {
          if (inHand.has(r.message.id)) break;
          n++;
          progressed = true;
          if ((await interpret(r.id, r.message, r.kept)) === 'deferred') {
            behind.add(talkerId);
            return n;
          }
        }
        if (!progressed || rows.length < 200) break;
      }
      behind.delete(talkerId);
      return n;
    });
  }

  function scheduleDrain(): void {
    if (drainSoon || stop.signal.aborted) return;
    drainSoon = setTimeout(() => {
      drainSoon = undefined;
      void recover().catch(() => undefined);
    }, 2_000);
    drainSoon.unref();
  }

  /** Replays the spool, then catches up everyone with stored messages not yet interpreted; returns how many. */
  function recover(): Promise<number> {
    return (recovering ??= (async () => {
      let n = 0;
      try {
        await spool.drain(async ({ message, receivedAt }) => {
          try {
            await storeArrival(prisma, deps.dataDir, message, receivedAt);
          } catch (e) {
            if (isTransientDbError(e)) throw e;
            logger.error({ event: 'inbound_rejected', messageId: message.id, err: e }, 'the database refused a spooled message; kept in rejected.jsonl');
            return 'rejected';
          }
          return 'stored';
        });
        // Whoever still has messages in the spool keeps waiting behind them.
        const spooled = spool.talkers();
        for (const t of spooled) behind.add(t);
        if (spooled.size) scheduleDrain();
        const waiting = await listWaitingTalkers(prisma);
        const talkers = new Set([...behind, ...waiting].filter((t) => !spooled.has(t)));
        // Queued in each lane now, before any newer message of that person is let through.
        const work = [...talkers].map(catchUp);
        startingUp = false;
        for (const c of await Promise.allSettled(work)) if (c.status === 'fulfilled') n += c.value;
      } catch (e) {
        logger.warn({ event: 'inbound_recover_failed', err: e }, 'recovering inbound messages failed; will try again');
        scheduleDrain();
      } finally {
        recovering = undefined;
      }
      if (n) logger.info({ event: 'inbound_recovered', count: n }, 'stored messages interpreted after a restart or an outage');
      return n;
    })());
  }

  return {
    handle(m: IncomingMessage): Promise<void> {
      inHand.add(m.id);
      const receivedAt = arrival();
      const stored = store(m, receivedAt); // now, not behind the previous message's interpretation
      return inLane(m.talkerId, async () => {
        try {
          const s = await stored;
          if (s === null) logger.debug({ event: 'inbound_duplicate', messageId: m.id }, 'duplicate inbound message ignored');
          else if (s === 'spooled') waitBehind(m.talkerId);
          // Stored, but an earlier message of this person is not interpreted yet: it waits for the catch-up.
          else if (startingUp || behind.has(m.talkerId)) waitBehind(m.talkerId);
          else if ((await interpret(s.id, m, s.kept)) === 'deferred') waitBehind(m.talkerId);
        } finally {
          inHand.delete(m.id);
        }
      });
    },
    recover,
    /** Messages waiting in the local spool for the database. */
    spooled: () => spool.size(),
    /** Recovers once now (new messages wait behind what a crash left), then every `recoverEveryMs` (default 30 s). */
    start(): void {
      startingUp = true;
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
