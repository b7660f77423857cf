import { writeAudit } from '../chat/write-audit.ts';
import { toLocalDate, toLocalTime } from '../domain/calendar/shanghai-time.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { HealthCheck } from '../health/health-checks.ts';
import type { Logger } from '../log/create-logger.ts';
import type { ChatPort } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { AlertPath } from './alert-webhook.ts';

export interface ChannelWatchOptions {
  chat: ChatPort;
  clock: Clock;
  logger: Logger;
  /** How long the channel may be down or rate-limited before admins are told. */
  alertAfterMs: number;
  /** The second path; without one the outage is only on /healthz and in the log. */
  alert?: AlertPath;
  prisma?: PrismaClient;
  checkEveryMs?: number;
  /**
   * A rate-limit spell ends only after this long without a new limit answer (default 5 min): the
   * platform's hold (~60 s) ends, the retry is limited again, and that is still one spell.
   */
  limitQuietMs?: number;
}

const LABEL: Record<string, string> = { wechaty: '微信', wecom: '企业微信', dingtalk: '钉钉', rehearsal: '演练' };

/**
 * Watches the chat channel for being down (logged out, disconnected, taken over) or held back by
 * rate limits for long, and tells admins through a path that does not depend on it. One alert per
 * outage and one when it is over; the state is on /healthz and in the audit log.
 */
export function createChannelWatch(o: ChannelWatchOptions) {
  const { chat, clock, logger } = o;
  const label = LABEL[chat.channel] ?? chat.channel;
  let down: { since: Date; reason: string } | undefined;
  let limited: { since: Date; until: Date; ended?: boolean } | undefined;
  const limitQuietMs = o.limitQuietMs ?? 5 * 60_000;
  /** Whether the rate-limit spell still holds: limited now, or limited again soon enough to be the same spell. */
  const limitHolds = (at: Date) => !!limited && !limited.ended && at.getTime() < limited.until.getTime() + limitQuietMs;
  let alerted: { at: Date; ok: boolean } | undefined;
  const stop = new AbortController();
  let loop: Promise<void> | undefined;

  const markDown = (reason: string) => {
    down ??= { since: clock.now(), reason };
    down.reason = reason;
  };

  chat.onStatus((s, detail) => {
    if (s === 'logged_in') void recovered();
    else if (s !== 'stopped') markDown(detail ?? s);
  });

  const problem = () => {
    if (down) return { since: down.since, what: `通道中断（${down.reason}）` };
    if (limited && limitHolds(clock.now())) return { since: limited.since, what: '被平台持续限流' };
    return undefined;
  };

  async function say(text: string): Promise<boolean> {
    if (!o.alert) return false;
    try {
      await o.alert.send(text);
      return true;
    } catch (e) {
      logger.error({ event: 'alert_failed', path: o.alert.name, err: e }, '第二通道告警发送失败');
      return false;
    }
  }

  async function audit(action: string, after: unknown) {
    if (!o.prisma) return;
    await writeAudit(o.prisma, { at: clock.now(), actor: 'system', action, entity: 'Channel', entityId: chat.channel, after }).catch((e: unknown) => logger.warn({ err: e }, 'audit failed'));
  }

  async function recovered(was = problem()) {
    const wasAlerted = alerted?.ok;
    down = undefined;
    limited = undefined;
    alerted = undefined;
    if (was && wasAlerted) {
      const minutes = Math.round((clock.now().getTime() - was.since.getTime()) / 60_000);
      await say(`【督办助手】${label}通道已恢复（中断约 ${minutes} 分钟）。待发消息按发送时段补发，已过时的提醒和汇总不再发送，见“异常消息”。`);
      await audit('channel.recovered', { minutes });
    }
  }

  /** Alerts once the current problem has lasted long enough; call it on a timer (start() does). */
  async function check(): Promise<void> {
    if (chat.status() !== 'logged_in' && chat.status() !== 'stopped') markDown(chat.status());
    const p = problem();
    if (!p) {
      // A rate-limit spell that ended quietly: admins who were told hear it is over.
      if (limited) await recovered({ since: limited.since, what: '被平台持续限流' });
      return;
    }
    const ms = clock.now().getTime() - p.since.getTime();
    if (ms < o.alertAfterMs || alerted?.ok) return;
    const since = `${toLocalDate(p.since)} ${toLocalTime(p.since)}`;
    const text = `【督办助手】${label}${p.what}，自 ${since} 起已 ${Math.round(ms / 60_000)} 分钟。提醒和回复暂时发不出去，消息留在发件箱；恢复后在发送时段补发，过时的不再发送。请检查机器人账号与网络。`;
    logger.error({ event: 'channel_down_alert', channel: chat.channel, since: p.since, what: p.what }, text);
    // The alert's time is when it was raised, not when the second path answered (that can take a while).
    const at = clock.now();
    const ok = await say(text);
    alerted = { at, ok };
    await audit('channel.down_alert', { since: p.since, what: p.what, path: o.alert?.name ?? null, delivered: ok });
  }

  return {
    check,
    /** The platform answered "slow down", holding sending until `until` (our own pacing is not reported here). */
    noteRateLimited(until: Date) {
      if (!limitHolds(clock.now())) limited = { since: clock.now(), until };
      else if (until > limited!.until) limited!.until = until;
    },
    /** A message went through: any rate-limit spell is over. */
    noteSent() {
      // Ended, not forgotten: the next check() tells admins who heard of it that it is over.
      if (limited) limited.ended = true;
    },
    /** What the console shows: the current problem, the parts of the channel's state, and whether admins were told. */
    state() {
      const p = problem();
      return {
        ok: !p,
        ...(p ? { since: p.since, what: p.what } : {}),
        down: down ? { ...down } : undefined,
        rateLimited: limited && limitHolds(clock.now()) ? { since: limited.since, until: limited.until } : undefined,
        alerted: alerted ? { at: alerted.at, delivered: alerted.ok } : undefined,
        alertPath: o.alert?.name,
      };
    },
    health(): HealthCheck {
      return async () => {
        const p = problem();
        if (!p) return { name: 'channel', ok: true, detail: `${label}通道正常` };
        const minutes = Math.round((clock.now().getTime() - p.since.getTime()) / 60_000);
        const told = alerted?.ok ? `，已通过${o.alert?.name}告警` : o.alert ? '' : '，未配置第二告警通道（DUBAN_ALERT_WEBHOOK_URL）';
        return { name: 'channel', ok: false, detail: `${label}${p.what} ${minutes} 分钟${told}` };
      };
    },
    start() {
      const every = o.checkEveryMs ?? 60_000;
      loop ??= (async () => {
        while (!stop.signal.aborted) {
          await clock.sleep(every, stop.signal);
          if (!stop.signal.aborted) await check().catch((e: unknown) => logger.error({ err: e }, 'channel watch failed'));
        }
      })();
    },
    async close() {
      stop.abort();
      await loop;
    },
  };
}

export type ChannelWatch = ReturnType<typeof createChannelWatch>;
export type ChannelWatchState = ReturnType<ChannelWatch['state']>;
