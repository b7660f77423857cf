import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRehearsalChat } from '../adapters/chat/rehearsal-chat.ts';
import { createApp } from '../app/create-app.ts';
import type { Config } from '../config/config-schema.ts';
import { addDays, atLocal, toLocalDate, toLocalTime, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import { positionLabel } from '../domain/plan/plan-types.ts';
import type { UnitDirectory } from '../domain/plan/unit-directory.ts';
import { taskRefLabel } from '../domain/work/index.ts';
import { loadPlanShortNames } from '../store/plan-short-names.ts';
import { importPlanFile } from '../import/import-plan-file.ts';
import { readPeopleFile, type PeopleRow } from '../import/read-people-file.ts';
import { savePeople, defaultPeople } from '../import/save-people.ts';
import { savePlan } from '../import/save-plan.ts';
import { syncUnitDirectory } from '../import/sync-unit-directory.ts';
import { silentLogger } from '../log/create-logger.ts';
import type { IncomingMessage } from '../ports/chat.ts';
import { ManualClock } from '../ports/clock.ts';
import type { ScriptLine } from './read-script.ts';

export interface RehearsalOptions {
  config: Config;
  plans: string[];
  directory: UnitDirectory;
  /** The office's 通讯录; without it every unit gets a default group and contact. */
  peopleFile?: string | undefined;
  script: ScriptLine[];
  from: LocalDate;
  days: number;
}

export interface RehearsalMessage {
  /** Beijing time, YYYY-MM-DDTHH:MM. */
  at: string;
  /** The group's name, or 私聊:<name>. */
  to: string;
  text: string;
  mentions: string[];
  /** The file sent with the message (a picture, a report), when there is one. */
  attachment?: string;
}

export interface RehearsalInbound {
  at: string;
  group: string | null;
  from: string;
  text: string;
  status: string;
  note: string | null;
}

export interface RehearsalResult {
  messages: RehearsalMessage[];
  inbound: RehearsalInbound[];
  tasks: Array<{
    ref: string;
    plan: string;
    no: string;
    state: string;
    assignments: Array<{ unit: string; role: string; state: string; percent: number | null; lastReportedAt: string | null }>;
  }>;
  warnings: string[];
}

const local = (d: Date) => `${toLocalDate(d)}T${toLocalTime(d)}`;

/**
 * The real bot — importer, inbound pipeline, cadence engine, outbox — on a throwaway in-memory
 * database, a chat that lives in the process and a clock that jumps from one event to the next:
 * every cadence slot and every scripted message between `from` and `from + days`, in time order.
 */
export async function runRehearsal(opts: RehearsalOptions): Promise<RehearsalResult> {
  // Bad input (a plan, the 通讯录) is refused before the database starts, not seconds later.
  const warnings: string[] = [];
  const plans = [];
  for (const file of opts.plans) {
    const plan = await importPlanFile(file, { directory: opts.directory });
    for (const w of plan.warnings) warnings.push(`${plan.document} ${positionLabel(w)}${w.message}`);
    if (plan.tasks.length) plans.push(plan);
    else warnings.push(`${plan.document}：没有识别出任务，未载入`);
  }
  const given = opts.peopleFile ? await readPeopleFile(opts.peopleFile) : null;
  const clock = new ManualClock(atLocal(opts.from));
  const chat = createRehearsalChat(clock);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-rehearse-'));
  const config: Config = { ...opts.config, databaseUrl: undefined, redisUrl: undefined, dataDir: 'memory://', sendPerMinute: 0, sendJitterMs: 0, httpPort: 0 };
  const app = await createApp(config, { clock, logger: silentLogger, chat });
  await chat.start();
  try {
    const prisma = app.prisma;
    await syncUnitDirectory(prisma, opts.directory);
    for (const plan of plans) await savePlan(prisma, plan, { actor: 'rehearse' });
    // The plans were in force before the rehearsal begins, whatever the wall clock says.
    const before = atLocal(addDays(opts.from, -1));
    await prisma.task.updateMany({ data: { createdAt: before } });
    await prisma.assignment.updateMany({ data: { createdAt: before } });
    const people: PeopleRow[] = given ?? (await defaultPeople(prisma));
    await savePeople(prisma, people, 'rehearse');
    const accountOf = new Map(people.filter((p) => p.account).map((p) => [p.name, p.account!]));

    const end = atLocal(addDays(opts.from, opts.days));
    const slotTimes = [...new Set((await app.engine.planUpcoming(atLocal(opts.from), end)).map((s) => s.at.getTime()))];
    type Ev = { at: number; order: number; slot?: true; line?: ScriptLine };
    const events: Ev[] = slotTimes.map((t) => ({ at: t, order: 0, slot: true as const }));
    for (const line of opts.script) {
      if (line.at < atLocal(opts.from) || line.at >= end) warnings.push(`脚本第 ${line.line} 行（${local(line.at)}）不在演练时段内，已跳过`);
      else events.push({ at: line.at.getTime(), order: 1, line });
    }
    events.sort((a, b) => a.at - b.at || a.order - b.order);
    const groups = new Set((await prisma.chatGroup.findMany({ select: { topic: true } })).map((g) => g.topic));
    for (const ev of events) {
      clock.set(new Date(ev.at));
      if (ev.slot) {
        const { due } = await app.engine.tick(new Date(ev.at));
        for (const s of due) await app.engine.runSlot(s.cadenceKey, s.slotAt);
      } else {
        const l = ev.line!;
        if (l.group && !groups.has(l.group)) warnings.push(`脚本第 ${l.line} 行：群“${l.group}”没有登记，机器人不在该群，消息未送达`);
        else await chat.deliver(incoming(l, accountOf.get(l.from) ?? l.from, config.botName, scratch));
      }
      while ((await app.sender.flushOnce()) > 0);
    }

    const names = new Map((await prisma.person.findMany({ where: { chatId: { not: null } }, select: { chatId: true, name: true } })).map((p) => [p.chatId!, p.name]));
    const messages = chat.sent.map((m) => ({
      at: local(m.at),
      to: m.target.kind === 'group' ? m.target.ref : `私聊:${names.get(m.target.ref) ?? m.target.ref}`,
      text: m.text,
      mentions: (m.mentions ?? []).map((id) => names.get(id) ?? id),
      ...(m.attachment ? { attachment: m.attachment } : {}),
    }));
    const inbound = (await prisma.inboundMessage.findMany({ orderBy: [{ sentAt: 'asc' }, { id: 'asc' }] })).map((m) => ({
      at: local(m.sentAt), group: m.roomTopic, from: m.talkerName ?? m.talkerId, text: m.text || `[${m.type}]`, status: m.status, note: m.error,
    }));
    return { messages, inbound, tasks: await ledger(prisma), warnings };
  } finally {
    await app.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function incoming(l: ScriptLine, account: string, botName: string, scratch: string): IncomingMessage {
  const file = l.attachment;
  return {
    id: `rehearse-${l.line}`,
    channel: 'rehearsal',
    ...(l.group ? { roomTopic: l.group } : {}),
    talkerId: l.account ?? account,
    talkerName: l.from,
    text: file ? '' : l.text,
    type: file ? (/\.(jpe?g|png|gif|webp)$/i.test(file) ? 'image' : 'file') : 'text',
    sentAt: l.at,
    mentionsSelf: l.text.includes(`@${botName}`),
    ...(file
      ? {
          async saveAttachment() {
            const dest = path.join(scratch, `${l.line}-${path.basename(file)}`);
            fs.writeFileSync(dest, `rehearsal attachment: ${file}\n`);
            return dest;
          },
        }
      : {}),
  };
}

async function ledger(prisma: Awaited<ReturnType<typeof createApp>>['prisma']): Promise<RehearsalResult['tasks']> {
  const names = await loadPlanShortNames(prisma, { withArchived: true });
  const tasks = await prisma.task.findMany({
    orderBy: [{ planId: 'asc' }, { seq: 'asc' }],
    select: { planId: true, no: true, status: true, assignments: { orderBy: [{ role: 'asc' }, { id: 'asc' }], select: { role: true, state: true, percent: true, lastReportedAt: true, unit: { select: { name: true } } } } },
  });
  return tasks.map((t) => ({
    ref: taskRefLabel({ planShort: names.get(t.planId) ?? '', no: t.no }),
    plan: names.get(t.planId) ?? '',
    no: t.no,
    state: t.status,
    assignments: t.assignments.map((a) => ({ unit: a.unit.name, role: a.role, state: a.state, percent: a.percent, lastReportedAt: a.lastReportedAt ? local(a.lastReportedAt) : null })),
  }));
}
