import { outboxKey } from '../domain/cadence/slot-keys.ts';
import { fitSection, type LineRef } from '../messages/fit-section.ts';
import { packMessage, PART_ROOM, splitMessage, type MessageBlock } from '../messages/split-message.ts';
import type { OutboxItem } from '../outbox/enqueue-outbox.ts';
import type { UnitDirectory, UnitRoute } from './unit-directory.ts';

/** What one unit should read in one slot. */
export interface UnitMessage {
  unitId: number;
  header: string;
  lines: string[];
  /** What each line is about (same order as lines): names the lines a shared group's message leaves out. */
  refs?: LineRef[];
  footer: string;
}

export interface Addressed {
  items: OutboxItem[];
  /** Units with no chat group: messaged privately instead, admins told. */
  noGroup: string[];
  /** Units nobody can be reached for (no group and no contact with a chat identity). */
  unreachable: string[];
  /** First outbox key that carries each unit's message (recorded on escalations). */
  keyByUnit: Map<number, string>;
}

/**
 * Routes unit messages: to each of the unit's own groups with its contacts @-mentioned; units that
 * only sit in an all-units group (全区调度群) share one message there, a section per unit, each
 * unit's contacts mentioned in the part that carries its section; a unit without any group gets
 * private messages to its contacts. In a shared group a unit's section is at most one message (the
 * lines that do not fit are named by number), so the group gets one message per unit at most, not
 * several parts each — at 6 messages a minute, 100 units' sections arrive in under 17 minutes.
 * One pass over the messages and one over each shared group's parts.
 */
export function addressUnits(dir: UnitDirectory, messages: UnitMessage[], cadenceKey: string, slotAt: Date): Addressed {
  const out: Addressed = { items: [], noGroup: [], unreachable: [], keyByUnit: new Map() };
  const shared = new Map<number, { ref: string; blocks: (MessageBlock & { unitId: number })[]; footer: string }>();
  const push = (recipient: string, target: OutboxItem['target'], blocks: MessageBlock[], unitIds: number[] = []) => {
    const parts = splitMessage(blocks);
    parts.forEach((p, index) => {
      const key = outboxKey(cadenceKey, slotAt, recipient, { index, total: parts.length });
      out.items.push({ idempotencyKey: key, target, text: p.text, mentions: p.mentions, cadence: cadenceKey, slotAt, notBefore: slotAt });
      if (index === 0) for (const u of unitIds) if (!out.keyByUnit.has(u)) out.keyByUnit.set(u, key);
    });
  };
  for (const m of messages) {
    const route = dir.get(m.unitId);
    if (!route) continue;
    const mentions = mentionIds(route);
    const own = route.groups.filter((g) => !g.isAllUnits);
    const all = route.groups.filter((g) => g.isAllUnits);
    if (own.length) {
      for (const g of own) {
        push(`g${g.groupId}-u${m.unitId}`, { kind: 'group', ref: g.ref }, [{ text: [m.header, ...m.lines].join('\n'), mentions }, { text: m.footer }], [m.unitId]);
      }
    } else if (all.length) {
      for (const g of all) {
        const s = shared.get(g.groupId) ?? { ref: g.ref, blocks: [], footer: m.footer };
        s.blocks.push({ unitId: m.unitId, text: fitSection(m.header, m.lines, m.refs, PART_ROOM - 1), mentions });
        shared.set(g.groupId, s);
      }
    } else {
      const reachable = route.contacts.filter((c) => c.chatId);
      if (!reachable.length) {
        out.unreachable.push(route.name);
        continue;
      }
      out.noGroup.push(route.name);
      for (const c of reachable) {
        push(`p${c.personId}-u${m.unitId}`, { kind: 'person', ref: c.chatId! }, [{ text: [m.header, ...m.lines].join('\n') }, { text: m.footer }], [m.unitId]);
      }
    }
  }
  for (const [groupId, s] of [...shared].sort((a, b) => a[0] - b[0])) {
    // Sections end with a blank line so units read apart in a busy group (fitSection left room for it).
    const blocks = s.blocks.map((b, i) => ({ ...b, text: i < s.blocks.length - 1 ? `${b.text}\n` : b.text }));
    const parts = packMessage([...blocks, { text: s.footer }]);
    parts.forEach((p, index) => {
      const key = outboxKey(cadenceKey, slotAt, `g${groupId}`, { index, total: parts.length });
      out.items.push({ idempotencyKey: key, target: { kind: 'group', ref: s.ref }, text: p.text, mentions: p.mentions, cadence: cadenceKey, slotAt, notBefore: slotAt });
      // The part that carries a unit's section is the one its escalations point to.
      for (const i of p.blocks) {
        const unitId = s.blocks[i]?.unitId;
        if (unitId !== undefined && !out.keyByUnit.has(unitId)) out.keyByUnit.set(unitId, key);
      }
    });
  }
  return out;
}

function mentionIds(route: UnitRoute): string[] {
  return [...new Set(route.contacts.map((c) => c.chatId).filter((x): x is string => !!x))];
}

/** Plain private messages (leaders, admins), split if long, keyed per recipient. */
export function privateItems(cadenceKey: string, slotAt: Date, recipient: string, chatId: string, text: string, attachment?: string): OutboxItem[] {
  const parts = splitMessage(text.split('\n').map((line) => ({ text: line })));
  return parts.map((p, index) => ({
    idempotencyKey: outboxKey(cadenceKey, slotAt, recipient, { index, total: parts.length }),
    target: { kind: 'person', ref: chatId },
    text: p.text,
    cadence: cadenceKey,
    slotAt,
    notBefore: slotAt,
    ...(attachment && index === parts.length - 1 ? { attachment } : {}),
  }));
}
