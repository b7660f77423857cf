import { parseTaskRef } from '../domain/work/index.ts';
import type { IncomingMessage } from '../ports/chat.ts';
import { decideAccess, register } from './access-commands.ts';
import { writeAudit } from './write-audit.ts';
import { archivePlan, bindGroup, listFailures, pushNow, queryUnit, setRemindersPaused } from './admin-commands.ts';
import type { InboundDeps } from './chat-deps.ts';
import { createTurn, type ChatTurn, type Outcome } from './chat-turn.ts';
import { parseChatCommand, type ChatCommand } from './parse-chat-command.ts';
import { recordProgress } from './record-progress.ts';
import { resolveSender } from './resolve-sender.ts';
import { storeInbound } from './store-inbound.ts';
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
    case 'register': return register(turn, c.unit, c.role);
    case 'decideAccess': return decideAccess(turn, c.id, c.approve, c.text, c.kind);
  }
}

/**
 * The inbound pipeline: store (deduplicated by message id) → who and where → command or free text →
 * records and one reply through the outbox. A failure while interpreting leaves the message stored
 * with status `failed` and the error, for admins to see; it never loses the message.
 */
export function createInboundHandler(deps: InboundDeps) {
  const { prisma, logger, clock } = deps;
  // One person's messages are handled in order (申请销号 then its photo); different people in parallel.
  const lanes = new Map<string, Promise<void>>();
  return {
    handle(m: IncomingMessage): Promise<void> {
      const prev = lanes.get(m.talkerId) ?? Promise.resolve();
      const next = prev.catch(() => {}).then(() => handleOne(m));
      lanes.set(m.talkerId, next);
      next
        .finally(() => {
          if (lanes.get(m.talkerId) === next) lanes.delete(m.talkerId);
        })
        .catch(() => {});
      return next;
    },
  };

  async function handleOne(m: IncomingMessage): Promise<void> {
    const stored = await storeInbound(prisma, m, clock.now());
    if (!stored) {
      logger.debug({ event: 'inbound_duplicate', messageId: m.id }, 'duplicate inbound message ignored');
      return;
    }
    try {
      const sender = await resolveSender(prisma, m, deps.admins);
      const turn = createTurn(deps, m, stored.id, sender);
      let outcome: Outcome;
      if (m.type === 'image' || m.type === 'file') {
        // Keep files only from people we know; strangers' pictures are not evidence.
        const file = sender.person && m.saveAttachment ? await m.saveAttachment(evidenceDir(deps.dataDir)) : null;
        if (file) await prisma.inboundMessage.update({ where: { id: stored.id }, data: { attachment: file } });
        outcome = await attachEvidence(turn, file);
      } else if (m.type !== 'text' || !m.text.trim()) {
        outcome = { status: 'ignored', note: `type ${m.type}` };
      } else {
        const command = parseChatCommand(m.text, deps.botName);
        outcome = command ? await runCommand(turn, command) : await recordProgress(turn, m.text);
      }
      await prisma.inboundMessage.update({
        where: { id: stored.id },
        data: { status: outcome.status, error: outcome.note?.startsWith('PERMISSION_DENIED') ? outcome.note : null },
      });
      // Every refused attempt (a stranger posing as a leader, contact or admin) is in the audit log.
      if (outcome.note?.startsWith('PERMISSION_DENIED')) {
        await writeAudit(prisma, { at: clock.now(), actor: m.talkerId, action: 'access.denied', entity: 'InboundMessage', entityId: stored.id, after: { talkerName: m.talkerName, room: m.roomTopic ?? null, text: m.text.slice(0, 200), note: outcome.note } });
      }
      logger.info({ event: 'inbound', id: stored.id, status: outcome.status, note: outcome.note }, 'inbound message handled');
    } catch (e) {
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      logger.error({ event: 'inbound_failed', id: stored.id, err: e }, 'interpreting an inbound message failed');
      await prisma.inboundMessage.update({ where: { id: stored.id }, data: { status: 'failed', error: error.slice(0, 2000) } });
    }
  }
}

export type InboundHandler = ReturnType<typeof createInboundHandler>;
