import type { RosterEntry } from './plan-types.ts';
import type { SourceLine } from './document-header.ts';

/**
 * The leadership-group table (领导小组): "组  长：胡俊峰<tab>区委副书记、区政府区长", rows under a role
 * that carries down, or "副组长：张三（区政府副区长）、李四（…）" on one line.
 */

const ROLE = /^(总负责|第一组长|组长|常务副组长|执行组长|副组长|主任|常务副主任|副主任|总指挥|常务副总指挥|副总指挥|指挥长|副指挥长|召集人|副召集人|顾问|秘书长|副秘书长|成员)$/;
const NAME = /^[\u4e00-\u9fa5]{2,4}$/;
const TITLE = /(书记|长|主任|主席|委员|常委|部长|局长|干部|经理|总监|院长|校长|调研员)/;

function squash(s: string): string {
  return s.replace(/[\s\u3000]+/g, '');
}

export function extractRoster(lines: SourceLine[]): RosterEntry[] {
  const out: RosterEntry[] = [];
  let role: string | null = null;
  let lastWasEntry = false;
  for (const { text } of lines) {
    let rest = text.replace(/\u3000/g, ' ').trim();
    if (!rest) continue;
    const rm = /^([\u4e00-\u9fa5 ]{1,12}?)\s*[:：]\s*(.*)$/.exec(rest);
    // "　　　　赵　敏　区政府副区长" under "副组长：李明华　…": one more person of the same role.
    const continued = !rm && lastWasEntry ? /^((?:[\u4e00-\u9fa5]\s?){1,3}[\u4e00-\u9fa5])\s+(\S.*)$/.exec(rest) : null;
    const before = out.length;
    lastWasEntry = false;
    if (rm && ROLE.test(squash(rm[1]!))) {
      role = squash(rm[1]!);
      rest = rm[2]!.trim();
      if (!rest) continue;
    } else if (continued && NAME.test(squash(continued[1]!)) && !ROLE.test(squash(continued[1]!)) && TITLE.test(continued[2]!)) {
      out.push({ name: squash(continued[1]!), role, title: squash(continued[2]!) });
      lastWasEntry = true;
      continue;
    } else if (!/\t|\s{2,}/.test(rest)) {
      // Not a table row and no role: this line is prose.
      continue;
    }
    // "张三（区政府副区长）、李四（…）"
    const inline = [...rest.matchAll(/([\u4e00-\u9fa5]{2,4})\s*[（(]([^）)]+)[）)]/g)];
    if (inline.length > 0 && inline.every((m) => TITLE.test(m[2]!))) {
      for (const m of inline) out.push({ name: m[1]!, role, title: squash(m[2]!) });
      continue;
    }
    // "副组长：张三、李四" — names only, when the role is on the line.
    if (rm && /^[\u4e00-\u9fa5]{2,4}(、[\u4e00-\u9fa5]{2,4})*$/.test(squash(rest)) && !/[局委办部室处心院镇街区县市组]$|[局委办部室处心院镇街区县市组]、/.test(squash(rest))) {
      for (const name of squash(rest).split('、')) out.push({ name, role, title: null });
      continue;
    }
    let cells = rest.split(/\t+|\s{2,}/).map((c) => c.trim()).filter(Boolean);
    // A table with the role in its own column: 组长 | 周明 | 区委副书记、区长.
    if (cells.length >= 2 && ROLE.test(squash(cells[0]!))) role = squash(cells.shift()!);
    // "胡俊峰 区委副书记、区政府区长": one space between name and title.
    if (cells.length === 1) {
      const one = /^([\u4e00-\u9fa5]{2,4})\s+(\S.*)$/.exec(rest);
      if (one) cells = [one[1]!, one[2]!];
    }
    if (cells.length < 2) continue;
    const name = squash(cells[0]!);
    const title = squash(cells.slice(1).join(''));
    if (NAME.test(name) && TITLE.test(title) && !/[。；]/.test(title)) out.push({ name, role, title });
    lastWasEntry = out.length > before;
  }
  return out;
}

/** Roster roles whose holder oversees the whole plan and receives its digest (组长, 常务副组长 …). */
const OVERSEES_PLAN = /^(第一组长|组长|常务副组长|执行组长|总指挥|常务副总指挥|指挥长|召集人)$/;

export function rosterOverseesPlan(role: string | null): boolean {
  return !!role && OVERSEES_PLAN.test(role);
}
