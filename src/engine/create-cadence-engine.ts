import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { findSlot, outboxKey, parseCadence, planSlots, slotsBetween, slotStamp, type CadenceSpec, type Slot } from '../domain/cadence/index.ts';
import { addDays, atLocal, toLocalDate } from '../domain/calendar/shanghai-time.ts';
import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import { DubanError, InputError } from '../errors.ts';
import type { Logger } from '../log/create-logger.ts';
import { templatesLoader } from '../messages/load-templates.ts';
import { renderTemplate } from '../messages/render-template.ts';
import { enqueueOutbox, type OutboxItem } from '../outbox/enqueue-outbox.ts';
import type { Clock } from '../ports/clock.ts';
import { isAdminNotice, slotLabel } from './admin-notices.ts';
import { loadCadences, readCadenceFile, seedCadences, toJson, type StoredCadence } from './cadence-store.ts';
import type { PlanContext, SlotPlan } from './plan-context.ts';
import { planEscalation } from './plan-escalation.ts';
import { recordSlot } from './record-slot.ts';
import { planDigest, planGroupReport } from './plan-reports.ts';
import { planCountdown, planLaggingReport, planReminderRound } from './plan-unit-rounds.ts';
import { defaultReportBuilders, type ReportBuilders } from './report-builders.ts';
import { loadAdminChatIds, loadUnitDirectory } from './unit-directory.ts';
import { areRemindersPaused } from '../settings/reminders-paused.ts';
// The console's edits of message texts, laid over config/templates.json at every slot.
import { loadTemplateOverrides } from '../settings/message-templates.ts';

export interface CadenceEngineOptions {
  prisma: PrismaClient;
  calendar: WorkCalendar;
  clock: Clock;
  logger: Logger;
  cadenceFile: string;
  templatesFile: string;
  /** Admin chat ids from the config, besides people marked admin in the database. */
  admins?: readonly string[];
  /** Slots missed by at most this much run late; older ones are recorded missed (default 120). */
  missedGraceMinutes?: number;
  reports?: ReportBuilders;
  /** Where report images and documents are written. */
  reportsDir?: string;
  /** Whether the channel can address a group by its topic (ChannelCapabilities.groupsByTopic; default true). */
  groupsByTopic?: boolean;
}

export interface SlotRef {
  cadenceKey: string;
  slotAt: Date;
}

export interface SlotResult {
  cadenceKey: string;
  slotAt: Date;
  state: 'done' | 'already';
  messages: number;
  /** Of `messages`, the notices to admins (what could not go the normal way), not reminders or reports. */
  notices: number;
  escalations: number;
  note: string;
  /** Milliseconds spent deciding (reading the database, composing) and recording (outbox, escalations). */
  planMs?: number;
  recordMs?: number;
}

/** A 立即推送's acknowledgement counts: the reminders, and apart the notices to admins queued with them. */
export const reminderCounts = (r: Pick<SlotResult, 'messages' | 'notices'>) => ({ reminders: r.messages - r.notices, notices: r.notices });

export interface CadenceView extends CadenceSpec {
  updatedBy: string | null;
  next: Date | null;
}

export interface CadenceEngine {
  /** Plans and records one slot. Safe to run twice or on two workers at once: every write is idempotent. */
  runSlot(cadenceKey: string, slotAt: Date): Promise<SlotResult>;
  /** Admin 立即推送: runs a cadence now, for one unit or all. */
  pushNow(cadenceKey: string, unitId?: number): Promise<SlotResult>;
  /**
   * `claim` runs first inside the change's transaction (chat marks its message there); when it returns
   * false the change was made by an earlier attempt and nothing is written again.
   */
  setCadence(key: string, patch: Partial<CadenceSpec>, actor: string, claim?: (tx: Prisma.TransactionClient) => Promise<boolean>): Promise<CadenceSpec>;
  listCadences(): Promise<CadenceView[]>;
  planUpcoming(from: Date, to: Date): Promise<Slot[]>;
  /**
   * What is due at `now`: slots not yet run that are at most the grace window old. Older unrun
   * slots are recorded as missed here and reported to admins once — never sent late.
   */
  tick(now?: Date): Promise<{ due: SlotRef[]; missed: SlotRef[] }>;
}

const LOOKBACK_DAYS = 35;
const UNIT_PROMPTS = new Set<CadenceSpec['job']>(['reminder', 'chase', 'escalation', 'countdown', 'lagging_report']);
// A running slot's process touches SlotRun.startedAt every HEARTBEAT_MS; a slot whose heartbeat is
// older than STALE_RUN_MS was abandoned by a crashed process and runs again (idempotently) at the
// next minute's tick — a slow planner is not mistaken for a dead one, a dead one waits about a minute.
const HEARTBEAT_MS = 10_000;
const STALE_RUN_MS = 30_000;

export function createCadenceEngine(opts: CadenceEngineOptions): CadenceEngine {
  const { prisma, calendar, clock, logger } = opts;
  const graceMs = (opts.missedGraceMinutes ?? 120) * 60_000;
  const reports = opts.reports ?? defaultReportBuilders;
  const loadTemplates = templatesLoader(opts.templatesFile);
  let seeded: Promise<void> | undefined;

  const cadences = async (): Promise<StoredCadence[]> => {
    seeded ??= seedCadences(prisma, readCadenceFile(opts.cadenceFile), clock.now()).then(() => undefined);
    await seeded;
    return loadCadences(prisma, logger);
  };
  const specMap = (all: StoredCadence[]) => new Map(all.map((c) => [c.spec.key, c.spec]));

  const PLANNERS: Record<CadenceSpec['job'], (ctx: PlanContext) => Promise<SlotPlan>> = {
    reminder: (ctx) => planReminderRound(ctx, 'reminder'),
    chase: (ctx) => planReminderRound(ctx, 'chase'),
    escalation: planEscalation,
    countdown: planCountdown,
    lagging_report: planLaggingReport,
    digest: planDigest,
    agenda: (ctx) => planGroupReport(ctx, 'agenda'),
    bulletin: (ctx) => planGroupReport(ctx, 'bulletin'),
  };

  async function execute(spec: CadenceSpec, slot: Slot, all: StoredCadence[], runKey: string, unitIds?: number[]): Promise<SlotResult> {
    const base = { cadenceKey: runKey, slotAt: slot.at };
    const claimed = await claim(runKey, slot.at);
    if (!claimed) return { ...base, state: 'already', messages: 0, notices: 0, escalations: 0, note: '' };
    const beat = setInterval(() => {
      prisma.slotRun.updateMany({ where: { cadenceKey: runKey, slotAt: slot.at, state: 'running' }, data: { startedAt: clock.now() } }).catch(() => undefined);
    }, HEARTBEAT_MS);
    beat.unref();
    try {
      return await executeClaimed(spec, slot, all, runKey, unitIds);
    } finally {
      clearInterval(beat);
    }
  }

  async function executeClaimed(spec: CadenceSpec, slot: Slot, all: StoredCadence[], runKey: string, unitIds?: number[]): Promise<SlotResult> {
    const base = { cadenceKey: runKey, slotAt: slot.at };
    // 暂停提醒 silences what units receive on schedule; reports to leaders and an admin's 立即推送 still go.
    if (UNIT_PROMPTS.has(spec.job) && !runKey.includes('_manual') && (await areRemindersPaused(prisma))) {
      const note = '提醒已暂停（管理员“暂停提醒”），本次未发送';
      await prisma.slotRun.update({ where: { cadenceKey_slotAt: { cadenceKey: runKey, slotAt: slot.at } }, data: { state: 'skipped', finishedAt: clock.now(), note } });
      logger.info({ cadence: runKey, slotAt: slot.at.toISOString() }, note);
      return { ...base, state: 'done', messages: 0, notices: 0, escalations: 0, note };
    }
    let plan: SlotPlan;
    let messages: number;
    const t0 = performance.now();
    let t1 = t0;
    try {
      const dir = await loadUnitDirectory(prisma);
      const scope = spec.units?.length ? [...dir.values()].filter((u) => spec.units!.includes(u.name)).map((u) => u.unitId) : undefined;
      const ctx: PlanContext = {
        prisma,
        calendar,
        templates: loadTemplates(new Map(all.map((c) => [c.spec.key, c.spec.job])), await loadTemplateOverrides(prisma)),
        spec,
        slot,
        dir,
        admins: await loadAdminChatIds(prisma, opts.admins ?? []),
        groupsByTopic: opts.groupsByTopic ?? true,
        reports,
        reportsDir: opts.reportsDir,
        unitIds: unitIds ?? scope,
      };
      plan = await PLANNERS[spec.job](ctx);
      t1 = performance.now();
      messages = await record(plan, slot.at);
    } catch (e) {
      // Left 'failed', the slot is due again at the next tick (within the grace window) or job retry.
      await prisma.slotRun.update({ where: { cadenceKey_slotAt: { cadenceKey: runKey, slotAt: slot.at } }, data: { state: 'failed', note: String((e as Error).message).slice(0, 500) } });
      throw e;
    }
    await prisma.slotRun.update({ where: { cadenceKey_slotAt: { cadenceKey: runKey, slotAt: slot.at } }, data: { state: 'done', finishedAt: clock.now(), note: plan.note } });
    logger.info({ cadence: runKey, slotAt: slot.at.toISOString(), new: messages, planned: plan.items.length, note: plan.note }, 'slot done');
    const t2 = performance.now();
    return { ...base, state: 'done', messages: plan.items.length, notices: plan.items.filter(isAdminNotice).length, escalations: plan.escalations.length, note: plan.note, planMs: t1 - t0, recordMs: t2 - t1 };
  }

  /** Marks the slot running; false when it already finished (or was recorded missed). */
  async function claim(cadenceKey: string, slotAt: Date): Promise<boolean> {
    try {
      await prisma.slotRun.create({ data: { cadenceKey, slotAt, state: 'running', startedAt: clock.now() } });
      return true;
    } catch (e) {
      if (!(e instanceof Prisma.PrismaClientKnownRequestError) || e.code !== 'P2002') throw e;
      const row = await prisma.slotRun.findUnique({ where: { cadenceKey_slotAt: { cadenceKey, slotAt } } });
      if (row?.state === 'failed' || row?.state === 'running') await prisma.slotRun.update({ where: { id: row.id }, data: { state: 'running', startedAt: clock.now() } });
      return row?.state === 'running' || row?.state === 'failed';
    }
  }

  async function record(plan: SlotPlan, slotAt: Date): Promise<number> {
    return recordSlot(prisma, plan, slotAt, (e, attempt) => logger.warn({ err: e, attempt }, 'slot write failed for a passing reason; retrying'));
  }

  function manualSlot(spec: CadenceSpec, at: Date, map: Map<string, CadenceSpec>): Slot {
    const date = toLocalDate(at);
    const slot: Slot = { cadenceKey: spec.key, at, date, nominalDate: date };
    const anchor = spec.job === 'reminder' ? spec : spec.rule.type === 'after_due' ? map.get(spec.rule.of) : undefined;
    if (anchor) {
      const recent = slotsBetween(anchor, calendar, new Date(at.getTime() - 21 * 86400_000), new Date(at.getTime() + 1), map);
      slot.cycle = recent.at(-1)?.cycle ?? { reminderAt: at, start: atLocal(addDays(date, -7)), due: atLocal(calendar.addWorkdays(date, 2), '17:00') };
    }
    return slot;
  }

  function mustGet(all: StoredCadence[], key: string): CadenceSpec {
    const c = all.find((x) => x.spec.key === key);
    if (!c) throw new DubanError('NOT_FOUND', `没有名为“${key}”的调度`, `现有调度：${all.map((x) => `${x.spec.key}（${x.spec.title}）`).join('、')}`);
    return c.spec;
  }

  return {
    async runSlot(cadenceKey, slotAt) {
      const all = await cadences();
      const spec = mustGet(all, cadenceKey);
      const map = specMap(all);
      const slot = findSlot(spec, calendar, slotAt, map) ?? manualSlot(spec, slotAt, map);
      return execute(spec, slot, all, spec.key);
    },

    async pushNow(cadenceKey, unitId) {
      const all = await cadences();
      const spec = mustGet(all, cadenceKey);
      const now = new Date(Math.floor(clock.now().getTime() / 60_000) * 60_000);
      const manual = { ...spec, key: `${spec.key}_manual` };
      return execute(manual, { ...manualSlot(spec, now, specMap(all)), cadenceKey: manual.key }, all, `${manual.key}${unitId ? `_u${unitId}` : ''}`, unitId ? [unitId] : undefined);
    },

    async setCadence(key, patch, actor, claim) {
      const all = await cadences();
      const current = all.find((c) => c.spec.key === key)?.spec;
      // A new cadence needs its whole definition; a partial change to a mistyped key is a typo.
      if (!current && !('job' in patch)) {
        throw new InputError('CADENCE_INVALID', `没有名为“${key}”的调度`, `现有调度：${all.map((c) => c.spec.key).join('、')}`);
      }
      const merged = { ...(current ?? {}), ...patch, key };
      const units = new Set((await prisma.unit.findMany({ select: { name: true } })).map((u) => u.name));
      const map = specMap(all);
      const spec = parseCadence(merged, { where: '管理员修改', knownCadences: map, knownUnits: units });
      map.set(key, spec);
      // A change must not orphan the cadences that follow this one (催报, 督办 after the reminder).
      for (const other of map.values()) if (other.key !== key) parseCadence(other, { where: '管理员修改', knownCadences: map });
      const now = clock.now();
      // An edit takes effect from the start of today, not from now: moving 09:00 to 08:00 at 08:30
      // makes today's 08:00 slot due at once (or recorded missed, with a notice to admins, past the
      // grace window) instead of silently skipping the day. A slot that already ran today at the old
      // time is not run again (the tick's one-run-per-day rule). A new cadence starts from now.
      const from = current ? atLocal(toLocalDate(now)) : now;
      await prisma.$transaction(async (tx) => {
        if (claim && !(await claim(tx))) return;
        await tx.schedule.upsert({
          where: { key },
          create: { key, kind: spec.job, spec: toJson(spec, from), enabled: spec.enabled, updatedBy: actor },
          update: { kind: spec.job, spec: toJson(spec, from), enabled: spec.enabled, updatedBy: actor },
        });
        await tx.auditLog.create({
          data: { actor, action: current ? 'cadence.update' : 'cadence.create', entity: 'Schedule', entityId: key, before: (current ?? Prisma.JsonNull) as Prisma.InputJsonValue, after: spec as unknown as Prisma.InputJsonValue },
        });
      });
      return spec;
    },

    async listCadences() {
      const all = await cadences();
      const map = specMap(all);
      const now = clock.now();
      return all.map((c) => {
        let next: Date | null = null;
        try {
          next = c.spec.enabled ? slotsBetween(c.spec, calendar, now, new Date(now.getTime() + 62 * 86400_000), map)[0]?.at ?? null : null;
        } catch {
          next = null; // a year the calendar does not know yet
        }
        return { ...c.spec, updatedBy: c.updatedBy, next };
      });
    },

    async planUpcoming(from, to) {
      return planSlots((await cadences()).map((c) => c.spec), calendar, from, to);
    },

    async tick(now = clock.now()) {
      const all = await cadences();
      const map = specMap(all);
      const end = new Date(now.getTime() + 1);
      const candidates: Slot[] = [];
      for (const c of all.filter((x) => x.spec.enabled)) {
        const from = new Date(Math.max(c.effectiveFrom.getTime(), now.getTime() - LOOKBACK_DAYS * 86400_000));
        try {
          candidates.push(...slotsBetween(c.spec, calendar, from, end, map));
        } catch (e) {
          logger.error({ cadence: c.spec.key, err: e }, 'cannot compute slots');
        }
      }
      if (!candidates.length) return { due: [], missed: [] };
      const earliest = new Date(Math.min(...candidates.map((s) => s.at.getTime())));
      const runs = await prisma.slotRun.findMany({ where: { slotAt: { gte: atLocal(toLocalDate(earliest)), lt: end } } });
      const byKey = new Map(runs.map((r) => [`${r.cadenceKey}|${r.slotAt.getTime()}`, r]));
      const doneOnDay = new Set(runs.filter((r) => r.state === 'done').map((r) => `${r.cadenceKey}|${toLocalDate(r.slotAt)}`));
      const due: SlotRef[] = [];
      const late: Slot[] = [];
      for (const s of candidates.sort((a, b) => a.at.getTime() - b.at.getTime())) {
        const run = byKey.get(`${s.cadenceKey}|${s.at.getTime()}`);
        if (run && run.state !== 'failed' && !(run.state === 'running' && clock.now().getTime() - run.startedAt.getTime() > STALE_RUN_MS)) continue;
        // A cadence whose time was changed today already ran today; do not run it twice.
        if (!run && doneOnDay.has(`${s.cadenceKey}|${s.date}`)) continue;
        if (now.getTime() - s.at.getTime() <= graceMs) due.push({ cadenceKey: s.cadenceKey, slotAt: s.at });
        else late.push(s);
      }
      const missed: SlotRef[] = [];
      for (const s of late) {
        const run = byKey.get(`${s.cadenceKey}|${s.at.getTime()}`);
        if (run) {
          // Kept failing (or was abandoned) until the grace window closed: give up and tell the admins.
          const { count } = await prisma.slotRun.updateMany({
            where: { id: run.id, state: run.state },
            data: { state: 'missed', finishedAt: clock.now(), note: `${run.state === 'failed' ? '多次失败' : '中断'}，超过补发时限：${run.note ?? ''}`.slice(0, 500) },
          });
          if (count) missed.push({ cadenceKey: s.cadenceKey, slotAt: s.at });
          continue;
        }
        try {
          await prisma.slotRun.create({ data: { cadenceKey: s.cadenceKey, slotAt: s.at, state: 'missed', startedAt: clock.now(), finishedAt: clock.now(), note: '停机错过，超过补发时限' } });
          missed.push({ cadenceKey: s.cadenceKey, slotAt: s.at });
        } catch (e) {
          if (!(e instanceof Prisma.PrismaClientKnownRequestError) || e.code !== 'P2002') throw e;
        }
      }
      if (missed.length) await reportMissed(missed, all, now);
      return { due, missed };
    },
  };

  async function reportMissed(missed: SlotRef[], all: StoredCadence[], now: Date): Promise<void> {
    const title = new Map(all.map((c) => [c.spec.key, c.spec.title]));
    const list = missed.map((m) => `- ${title.get(m.cadenceKey) ?? m.cadenceKey}：${slotLabel(m.slotAt)}`).join('\n');
    const templates = loadTemplates(new Map(all.map((c) => [c.spec.key, c.spec.job])), await loadTemplateOverrides(prisma));
    const text = renderTemplate(templates.admin.missed, { list });
    const id = crypto.createHash('sha1').update(missed.map((m) => `${m.cadenceKey}@${slotStamp(m.slotAt)}`).join(',')).digest('hex').slice(0, 12);
    const admins = await loadAdminChatIds(prisma, opts.admins ?? []);
    const items: OutboxItem[] = admins.map((a) => ({ idempotencyKey: outboxKey('engine_missed', now, `${id}-${a}`), target: { kind: 'person', ref: a }, text, cadence: 'engine_missed', slotAt: now, notBefore: now }));
    await enqueueOutbox(prisma, items);
    logger.warn({ missed: missed.map((m) => `${m.cadenceKey}@${m.slotAt.toISOString()}`) }, 'slots missed beyond the grace window');
  }
}

