import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { toLocalDate, toLocalTime } from '../../src/domain/calendar/shanghai-time.ts';
import { cadenceSpecSchema, parseCadence, planSlots, slotsBetween, type CadenceSpecInput } from '../../src/domain/cadence/index.ts';
import { InputError } from '../../src/errors.ts';

const cal = createCalendar();
const spec = (s: Partial<CadenceSpecInput>) => cadenceSpecSchema.parse({ key: 'cc', title: '测试', job: 'agenda', time: '09:00', rule: { type: 'weekly', weekday: 1 }, ...s });
const at = (d: string) => new Date(`${d}T00:00:00+08:00`);
const show = (slots: { at: Date }[]) => slots.map((s) => `${toLocalDate(s.at)} ${toLocalTime(s.at)}`);

describe('slots on the Chinese workday calendar', () => {
  it('moves a Monday slot off 清明 (4/6) to the next workday, or skips it, per cadence', () => {
    expect(show(slotsBetween(spec({ holiday: 'next_workday' }), cal, at('2026-03-30'), at('2026-04-14')))).toEqual(['2026-03-30 09:00', '2026-04-07 09:00', '2026-04-13 09:00']);
    expect(show(slotsBetween(spec({ holiday: 'skip' }), cal, at('2026-03-30'), at('2026-04-14')))).toEqual(['2026-03-30 09:00', '2026-04-13 09:00']);
  });

  it('moves 旬会商 on 10/1 past National Day to 10/8, and a Friday digest on 中秋 (9/25) or National Day before the break with previous_workday', () => {
    const agenda = spec({ rule: { type: 'monthly', days: [1, 11, 21] } });
    expect(show(slotsBetween(agenda, cal, at('2026-09-20'), at('2026-10-22')))).toEqual(['2026-09-21 09:00', '2026-10-08 09:00', '2026-10-12 09:00', '2026-10-21 09:00']);
    const digest = spec({ rule: { type: 'weekly', weekday: 5 }, time: '16:00', holiday: 'previous_workday' });
    expect(show(slotsBetween(digest, cal, at('2026-09-21'), at('2026-10-10')))).toEqual(['2026-09-24 16:00', '2026-09-30 16:00', '2026-10-09 16:00']);
  });

  it('runs 旬 on 1/11/21 only — never on the 31st', () => {
    const agenda = spec({ rule: { type: 'monthly', days: [1, 11, 21] } });
    expect(show(slotsBetween(agenda, cal, at('2026-07-20'), at('2026-08-12')))).toEqual(['2026-07-21 09:00', '2026-08-03 09:00', '2026-08-11 09:00']);
  });

  it('puts 月通报 on the last workday, which may be a 调休 Saturday', () => {
    const bulletin = spec({ rule: { type: 'last_workday_of_month' }, time: '16:00' });
    expect(show(slotsBetween(bulletin, cal, at('2026-01-01'), at('2026-06-01')))).toEqual([
      '2026-01-30 16:00',
      '2026-02-28 16:00',
      '2026-03-31 16:00',
      '2026-04-30 16:00',
      '2026-05-29 16:00',
    ]);
  });

  it('counts workdays only for the countdown, 调休 Saturday 5/9 included', () => {
    const daily = spec({ rule: { type: 'workdays' }, holiday: 'skip' });
    expect(show(slotsBetween(daily, cal, at('2026-04-30'), at('2026-05-12')))).toEqual(['2026-04-30 09:00', '2026-05-06 09:00', '2026-05-07 09:00', '2026-05-08 09:00', '2026-05-09 09:00', '2026-05-11 09:00']);
  });

  it('derives the report cycle, 催报 and 督办 from the reminder, across 劳动节', () => {
    const reminder = spec({ key: 'rr', job: 'reminder', due: { weekday: 4, time: '17:00' } });
    const chase = spec({ key: 'chase', job: 'chase', rule: { type: 'after_due', of: 'rr', offsetWorkdays: 1 } });
    const slots = planSlots([reminder, chase], cal, at('2026-04-27'), at('2026-05-16'));
    expect(slots.map((s) => `${s.cadenceKey} ${toLocalDate(s.at)} due ${toLocalDate(s.cycle!.due)} ${toLocalTime(s.cycle!.due)}`)).toEqual([
      'rr 2026-04-27 due 2026-04-30 17:00',
      'rr 2026-05-06 due 2026-05-07 17:00', // Monday 5/4 is a holiday: moved to Wednesday
      'chase 2026-05-06 due 2026-04-30 17:00', // the workday after Thursday 4/30 is 5/6
      'chase 2026-05-08 due 2026-05-07 17:00',
      'rr 2026-05-11 due 2026-05-14 17:00',
      'chase 2026-05-15 due 2026-05-14 17:00',
    ]);
    // Reports since Monday 00:00 of the nominal week count for the moved reminder.
    expect(slots[1]!.cycle!.start.toISOString()).toBe(at('2026-05-04').toISOString());
  });

  it('brings a due day that is a holiday forward to the last workday before it', () => {
    const reminder = spec({ key: 'rr', job: 'reminder', due: { weekday: 4, time: '17:00' } });
    const [s] = slotsBetween(reminder, cal, at('2026-09-28'), at('2026-09-29'));
    expect(toLocalDate(s!.cycle!.due)).toBe('2026-09-30'); // Thursday 10/1 is National Day
  });
});

describe('cadence validation', () => {
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as InputError;
    }
    throw new Error('no error');
  };

  it('refuses an impossible time with a clear Chinese message', () => {
    const e = err(() => parseCadence({ key: 'weekly_reminder', title: '周调度', job: 'agenda', rule: { type: 'weekly', weekday: 1 }, time: '25:00' }, { where: '管理员修改' }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('CADENCE_INVALID');
    expect(e.message).toBe('管理员修改：调度“weekly_reminder”无效：时间 应为 HH:mm 格式的 24 小时制时间（如 09:00）');
  });

  it('refuses an unknown weekday, an unknown unit and a dangling 催报', () => {
    expect(err(() => parseCadence({ key: 'x1', title: 't', job: 'agenda', rule: { type: 'weekly', weekday: 8 }, time: '09:00' }, { where: 'f' })).message).toContain('时间规则.weekday 不能大于 7');
    expect(err(() => parseCadence({ key: 'x1', title: 't', job: 'agenda', rule: { type: 'weekly', weekday: 1 }, time: '09:00', units: ['火星局'] }, { where: 'f', knownUnits: new Set(['区商务局']) })).message).toContain('未知单位：火星局');
    expect(err(() => parseCadence({ key: 'x1', title: 't', job: 'chase', rule: { type: 'after_due', of: 'nope', offsetWorkdays: 1 }, time: '09:00' }, { where: 'f', knownCadences: new Map() })).message).toContain('引用了不存在');
  });
});
