import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { decideDelivery, messageKind, nextWindowStart, parseWindow, workingMinutesBetween } from '../../src/domain/delivery/index.ts';

const calendar = createCalendar({});
const policy = { window: '08:30-18:00' };
const office = parseWindow('08:30-18:00');
const row = (cadence: string | null, slot: string | null, key = `${cadence}:x:y`) => ({ cadence, idempotencyKey: key, slotAt: slot ? new Date(slot) : null, createdAt: new Date(slot ?? '2026-05-11T01:00:00Z') });

describe('delivery policy (pure)', () => {
  it('sends inside working hours on a workday, holds evenings, weekends and holidays to the next window', () => {
    const r = row('weekly_reminder', atLocal('2026-05-11', '09:00').toISOString());
    expect(decideDelivery(r, atLocal('2026-05-11', '10:00'), calendar, policy)).toEqual({ action: 'send' });
    const evening = decideDelivery(r, atLocal('2026-05-11', '18:30'), calendar, policy);
    expect(evening).toMatchObject({ action: 'defer', until: atLocal('2026-05-12', '08:30') });
    expect(decideDelivery(r, atLocal('2026-05-11', '07:00'), calendar, policy)).toMatchObject({ action: 'defer', until: atLocal('2026-05-11', '08:30') });
    // Friday evening → Monday morning; the 国庆 week → the first workday after it.
    expect(nextWindowStart(atLocal('2026-05-15', '19:00'), office, calendar)).toEqual(atLocal('2026-05-18', '08:30'));
    expect(nextWindowStart(atLocal('2026-10-01', '10:00'), office, calendar).getTime()).toBeGreaterThanOrEqual(atLocal('2026-10-08', '08:30').getTime());
  });

  it('answers to someone who just wrote go out at any hour by default, notices to others wait; each kind may have its own window', () => {
    const reply = row(null, null, 'reply:42');
    expect(messageKind(reply)).toBe('reply');
    expect(decideDelivery({ ...reply, createdAt: atLocal('2026-05-16', '21:00') }, atLocal('2026-05-16', '21:00'), calendar, policy)).toEqual({ action: 'send' });
    // A notice to others (a 批示 relayed to a unit's group at 23:00 on a Sunday) waits for Monday's window, however late.
    const relay = { ...row(null, null, 'notify:42:instr-u3-g7'), createdAt: atLocal('2026-05-17', '23:00') };
    expect(messageKind(relay)).toBe('notify');
    expect(decideDelivery(relay, atLocal('2026-05-17', '23:00'), calendar, policy)).toMatchObject({ action: 'defer', until: atLocal('2026-05-18', '08:30') });
    expect(decideDelivery(relay, atLocal('2026-05-21', '10:00'), calendar, policy)).toEqual({ action: 'send' });
    expect(decideDelivery(relay, atLocal('2026-05-17', '23:00'), calendar, { ...policy, perKind: { notify: { window: 'always' } } })).toEqual({ action: 'send' });
    const digest = row('weekly_digest', atLocal('2026-05-15', '16:00').toISOString());
    const late = { window: '08:30-18:00', perKind: { weekly_digest: { window: '08:30-20:00' } } };
    expect(decideDelivery(digest, atLocal('2026-05-15', '19:00'), calendar, late)).toEqual({ action: 'send' });
    expect(decideDelivery(digest, atLocal('2026-05-15', '19:00'), calendar, policy).action).toBe('defer');
  });

  it('counts lateness in working minutes: a weekend held by the window is not staleness, a five-day outage is', () => {
    expect(workingMinutesBetween(atLocal('2026-05-15', '16:00'), atLocal('2026-05-18', '08:30'), office, calendar)).toBe(120);
    const digest = row('weekly_digest', atLocal('2026-05-15', '16:00').toISOString());
    expect(decideDelivery(digest, atLocal('2026-05-18', '08:30'), calendar, policy)).toEqual({ action: 'send' });
    const reminder = row('weekly_reminder', atLocal('2026-05-18', '09:00').toISOString());
    // Back on Thursday 08:30 after an outage from Friday: both are superseded.
    const thursday = atLocal('2026-05-21', '08:30');
    expect(decideDelivery(digest, thursday, calendar, policy).action).toBe('supersede');
    expect(decideDelivery(reminder, thursday, calendar, policy)).toMatchObject({ action: 'supersede', reason: expect.stringContaining('weekly_reminder') });
    // A reminder one working day late is still worth sending.
    expect(decideDelivery(reminder, atLocal('2026-05-19', '10:00'), calendar, policy)).toEqual({ action: 'send' });
    // Configurable per kind.
    expect(decideDelivery(reminder, atLocal('2026-05-19', '10:00'), calendar, { ...policy, perKind: { weekly_reminder: { staleAfterMinutes: 60 } } }).action).toBe('supersede');
  });

  it('rejects a malformed window', () => {
    expect(() => parseWindow('18:00-08:30')).toThrow();
    expect(parseWindow('always')).toBe('always');
  });
});
