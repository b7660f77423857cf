import { describe, expect, it } from 'vitest';
import { addressUnits, type UnitMessage } from '../../src/engine/address-units.ts';
import type { UnitDirectory } from '../../src/engine/unit-directory.ts';
import { fitSection } from '../../src/messages/fit-section.ts';
import { PART_ROOM, WECHAT_LIMIT } from '../../src/messages/split-message.ts';
import { isTransientDbError } from '../../src/store/transient-error.ts';

const line = (no: number) => `《重大项目》第${no}项 推进某某重大项目建设并按期完成阶段目标｜时限：6月30日｜上次进展：暂无`;

describe('one unit section as one message', () => {
  it('keeps a section that fits unchanged', () => {
    expect(fitSection('【周调度】甲局：2 项', [line(1), line(2)], undefined)).toBe(`【周调度】甲局：2 项\n${line(1)}\n${line(2)}`);
  });

  it('lists what fits and names every left-out item by number, within one message', () => {
    const nos = Array.from({ length: 80 }, (_, i) => i + 1);
    const text = fitSection('【周调度】甲局：80 项', nos.map(line), nos.map((n) => ({ plan: '重大项目', no: String(n) })));
    expect(text.length).toBeLessThanOrEqual(PART_ROOM);
    const listed = text.split('\n').filter((l) => l.startsWith('《重大项目》第')).length;
    expect(listed).toBeGreaterThan(10);
    const tail = text.split('\n').at(-1)!;
    expect(tail).toBe(`……另有 ${80 - listed} 项：《重大项目》第${nos.slice(listed).join('、')}项。发送“我的任务”查看详情`);
  });
});

describe('a group shared by many units', () => {
  // 120 units in one 全区调度群, each owing 60 items: before, 2–3 parts each.
  const dir: UnitDirectory = new Map(
    Array.from({ length: 120 }, (_, i) => [i + 1, { unitId: i + 1, name: `单位${i + 1}`, groups: [{ groupId: 9, ref: 'room-all', topic: '全区调度群', isAllUnits: true }], contacts: [{ personId: i + 1, name: `联络员${i + 1}`, chatId: `wx-${i + 1}`, viaBackup: false }] }]),
  );
  const messages: UnitMessage[] = [...dir.keys()].map((unitId) => ({
    unitId,
    header: `【周调度】单位${unitId}：请报送以下 60 项任务的本周进展。`,
    lines: Array.from({ length: 60 }, (_, k) => line(unitId * 100 + k)),
    refs: Array.from({ length: 60 }, (_, k) => ({ plan: '重大项目', no: String(unitId * 100 + k) })),
    footer: '回复格式：第3项 60% 进展…',
  }));

  it('gets one message per unit at most, each unit mentioned in the message that carries its section', () => {
    const out = addressUnits(dir, messages, 'weekly_reminder', new Date('2026-05-11T01:00:00Z'));
    expect(out.items.length).toBeLessThanOrEqual(121); // 120 sections and, at worst, the footer alone
    for (const item of out.items) expect(item.text.length).toBeLessThanOrEqual(WECHAT_LIMIT);
    for (const unitId of dir.keys()) {
      const item = out.items.find((i) => i.idempotencyKey === out.keyByUnit.get(unitId))!;
      expect(item.text).toContain(`【周调度】单位${unitId}：`);
      expect(item.mentions).toEqual([`wx-${unitId}`]);
      // Every owed item is named, listed in full or by number.
      for (let k = 0; k < 60; k++) expect(item.text).toMatch(new RegExp(`[第、]${unitId * 100 + k}[项、]`));
    }
    expect(out.items.at(-1)!.text).toContain('回复格式');
  });

  it('addresses 300 units quickly (one pass over each group)', () => {
    const many: UnitDirectory = new Map([...Array(300).keys()].map((i) => [i + 1, { ...dir.get(1)!, unitId: i + 1, name: `单位${i + 1}` }]));
    const msgs = [...many.keys()].map((unitId) => ({ ...messages[0]!, unitId, header: `【周调度】单位${unitId}：` }));
    const t = performance.now();
    addressUnits(many, msgs, 'weekly_reminder', new Date('2026-05-11T01:00:00Z'));
    expect(performance.now() - t).toBeLessThan(2_000); // generous: a shared CI machine; quadratic took far longer at this size
  });
});

describe('which database failures pass', () => {
  it('retries a busy machine or a dropped connection, never a broken statement', () => {
    expect(isTransientDbError(Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), { code: 'P2028' }))).toBe(true);
    expect(isTransientDbError(Object.assign(new Error('x'), { cause: { code: 'ECONNRESET' } }))).toBe(true);
    expect(isTransientDbError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isTransientDbError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isTransientDbError(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
  });
});
