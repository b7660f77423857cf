import { PART_ROOM } from './split-message.ts';

/** What a listed line is about, so lines left out can still be named: 《重大重点项目》第3项. */
export interface LineRef {
  plan: string;
  no: string;
}

/**
 * One unit's section as one message: the header and as many lines as fit; the lines left out are
 * named by number (《方案》第3、7、12项) with a pointer to the full list, so a group shared by many
 * units carries one message per unit, not several parts each. A section that fits is unchanged.
 */
export function fitSection(header: string, lines: string[], refs: readonly LineRef[] | undefined, room = PART_ROOM): string {
  const full = [header, ...lines].join('\n');
  if (full.length <= room) return full;
  // Walk forward while the kept lines and the tail naming the rest still fit (at most one message of lines).
  let best = '';
  let used = header.length;
  for (let kept = 0; kept < lines.length && used <= room; kept++) {
    const end = tail(refs, lines.length, kept, room);
    if (used + 1 + end.length <= room) best = [header, ...lines.slice(0, kept), end].join('\n');
    used += 1 + lines[kept]!.length;
  }
  return best || `${header.slice(0, room - 1)}…`;
}

function tail(refs: readonly LineRef[] | undefined, total: number, kept: number, room: number): string {
  const rest = total - kept;
  const more = '。发送“我的任务”查看详情';
  if (!refs || refs.length !== total) return `……另有 ${rest} 项${more}`;
  const byPlan = new Map<string, string[]>();
  for (const r of refs.slice(kept)) byPlan.set(r.plan, [...(byPlan.get(r.plan) ?? []), r.no]);
  const named = [...byPlan].map(([plan, nos]) => `《${plan}》第${nos.join('、')}项`).join('；');
  const line = `……另有 ${rest} 项：${named}${more}`;
  // A unit owing hundreds of items: the count and the pointer, without the numbers.
  return line.length <= room / 2 ? line : `……另有 ${rest} 项${more}`;
}
