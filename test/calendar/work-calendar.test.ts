import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { atLocal, toLocalDate } from '../../src/domain/calendar/shanghai-time.ts';
import { DubanError, InputError } from '../../src/errors.ts';

const cal = createCalendar();

describe('WorkCalendar on the official 2026 calendar', () => {
  it('knows 劳动节 and its 调休 Saturday', () => {
    expect(cal.isWorkday('2026-05-01')).toBe(false);
    expect(cal.isWorkday('2026-05-05')).toBe(false);
    expect(cal.isWorkday('2026-05-06')).toBe(true);
    expect(cal.isWorkday('2026-05-09')).toBe(true); // Saturday worked
    expect(cal.isWorkday('2026-05-10')).toBe(false);
    expect(cal.holidayName('2026-05-01')).toBe('劳动节');
  });

  it('moves and counts across National Day', () => {
    expect(cal.onOrAfter('2026-10-01')).toBe('2026-10-08');
    expect(cal.addWorkdays('2026-09-30', 1)).toBe('2026-10-08');
    expect(cal.addWorkdays('2026-10-08', -1)).toBe('2026-09-30');
    expect(cal.workdaysBetween('2026-09-29', '2026-10-09')).toBe(3); // 9-30, 10-08, 10-09
    expect(cal.workdaysBetween('2026-10-09', '2026-09-29')).toBe(-3);
  });

  it('finds the last workday of a month', () => {
    expect(cal.lastWorkdayOfMonth('2026-05-12')).toBe('2026-05-29');
    expect(cal.lastWorkdayOfMonth('2026-02-03')).toBe('2026-02-28'); // 调休 Saturday
  });

  it('refuses a year it has no official data for, instead of guessing New Year is a workday', () => {
    const e = (() => {
      try {
        cal.isWorkday('2027-01-01');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(DubanError);
    expect((e as DubanError).code).toBe('CALENDAR_UNKNOWN_YEAR');
    expect((e as DubanError).hint).toContain('calendar-overrides.json');
  });

  it('warns once and uses weekdays when told to', () => {
    const warnings: string[] = [];
    const lenient = createCalendar({ unknownYear: 'warn', onWarn: (m) => warnings.push(m) });
    expect(lenient.isWorkday('2027-01-04')).toBe(true);
    expect(lenient.isWorkday('2027-01-05')).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('2027');
  });

  it('keeps the holidays the law fixes by date in an unknown year: no reminder on 元旦, 春节, 劳动节 or 国庆', () => {
    const lenient = createCalendar({ unknownYear: 'warn', onWarn: () => {} });
    const off = ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-10-01'].filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() % 6 !== 0);
    for (const d of off) expect(lenient.isWorkday(d), d).toBe(false);
    expect(lenient.holidayName('2027-01-01')).toBe('元旦');
    expect(lenient.holidayName('2027-02-08')).toBe('春节');
    expect(lenient.isWorkday('2027-02-10')).toBe(true);
    expect(lenient.onOrAfter('2027-01-01')).toBe('2027-01-04');
  });

  it('reads an admin override file for a new year', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cal-'));
    const file = path.join(dir, 'o.json');
    fs.writeFileSync(file, JSON.stringify({ years: [2027], days: [{ date: '2027-01-01', work: false, name: '元旦' }, { date: '2027-02-06', work: true, name: '春节调休' }] }));
    const c = createCalendar({ overrideFile: file });
    expect(c.isWorkday('2027-01-01')).toBe(false);
    expect(c.isWorkday('2027-02-06')).toBe(true);
    expect(c.isWorkday('2027-01-04')).toBe(true);
    expect(c.coversYear(2027)).toBe(true);
  });

  it('reports a bad override file with the offending entry', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cal-'));
    const file = path.join(dir, 'o.json');
    fs.writeFileSync(file, JSON.stringify({ days: [{ date: '2027-13-01', work: false }] }));
    expect(() => createCalendar({ overrideFile: file })).toThrow(InputError);
    expect(() => createCalendar({ overrideFile: file })).toThrow(/days\.0\.date/);
  });

  it('converts between moments and Shanghai local dates', () => {
    expect(toLocalDate(new Date('2026-04-30T16:30:00Z'))).toBe('2026-05-01');
    expect(atLocal('2026-05-06', '09:00').toISOString()).toBe('2026-05-06T01:00:00.000Z');
  });
});
