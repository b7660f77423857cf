import { positionLabel, type ParsedPlan } from '../domain/plan/plan-types.ts';
import type { PlanChangeReport } from './save-plan.ts';

/** The summary table a person reads after `duban import`. */
export function formatPlanSummary(plan: ParsedPlan): string {
  const units = plan.tasks.flatMap((t) => t.units);
  const kinds = { date: 0, recurring: 0, open: 0, none: 0 };
  for (const t of plan.tasks) kinds[t.deadline.kind]++;
  const leaders = new Set(plan.tasks.flatMap((t) => t.leaders));
  const rows: [string, string][] = [
    ['文件', plan.document],
    ['标题', plan.title],
    ['发文机关', plan.issuer ?? '—'],
    ['文号', plan.docNumber ?? '—'],
    ['成文日期', plan.issuedOn ?? '—'],
    ['章节', String(plan.sections.length)],
    ['任务', String(plan.tasks.length)],
    [
      '单位',
      `${units.length} 处（已关联 ${units.filter((u) => u.resolved).length}，统称 ${units.filter((u) => u.collective).length}，未识别 ${units.filter((u) => !u.resolved && !u.collective).length}）`,
    ],
    ['牵头领导', leaders.size ? `${leaders.size} 人：${[...leaders].join('、')}` : '—'],
    ['完成时限', `有日期 ${kinds.date}，周期性 ${kinds.recurring}，长期 ${kinds.open}，未写 ${kinds.none}`],
    ['里程碑', String(plan.tasks.reduce((n, t) => n + t.milestones.length, 0))],
    ['领导小组', plan.roster.length ? `${plan.roster.length} 人` : '—'],
    ['工作机制', plan.mechanisms.length ? plan.mechanisms.join('、') : '—'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width, '　')}  ${v}`);
  // Under the 单位 row: whom each collective phrase reaches.
  lines.splice(rows.findIndex(([k]) => k === '单位') + 1, 0, ...formatCollectives(plan).map((l) => `  ${''.padEnd(width, '　')}    ${l}`));
  return lines.join('\n') + '\n';
}

/** How many names a collective's line lists before it says …. */
const COLLECTIVE_SHOWN = 3;

/**
 * One line per distinct collective phrase (not per row): 统称“各街道、镇、集聚区”→ 9 个单位（洪都街道、
 * 京山街道、三家店街道…）, or that it reaches no unit.
 */
export function formatCollectives(plan: ParsedPlan): string[] {
  const seen = new Map<string, string[]>();
  for (const t of plan.tasks) for (const u of t.units) if (u.collective && !seen.has(u.rawName)) seen.set(u.rawName, u.expandsTo ?? []);
  return [...seen].map(([phrase, names]) =>
    names.length === 0
      ? `统称“${phrase}”→ 单位目录中无对应单位，未分派`
      : `统称“${phrase}”→ ${names.length} 个单位（${names.slice(0, COLLECTIVE_SHOWN).join('、')}${names.length > COLLECTIVE_SHOWN ? '…' : ''}）`,
  );
}

export function formatWarnings(plan: ParsedPlan): string {
  if (plan.warnings.length === 0) return '  无警告\n';
  return plan.warnings.map((w) => `  ⚠ ${positionLabel(w)}${w.message}`).join('\n') + '\n';
}

export function formatChangeReport(r: PlanChangeReport): string {
  const lines = [
    r.created ? `  已新建计划（编号 ${r.planId}）` : `  已更新计划（编号 ${r.planId}${r.previousDocument ? `，原文件 ${r.previousDocument}` : ''}）`,
    `  新增任务 ${r.added.length}${r.added.length ? `：${r.added.join('、')}` : ''}`,
    `  修改任务 ${r.changed.length}`,
    ...r.changed.map((c) => `    ${c.no}：${c.fields.map((f) => `${f.field}（${show(f.before)} → ${show(f.after)}）`).join('；')}`),
    `  移除任务 ${r.removed.length}${r.removed.length ? `：${r.removed.map((x) => (x.kept ? `${x.no}（已有进展记录，保留）` : x.no)).join('、')}` : ''}`,
    `  未变任务 ${r.unchanged}`,
  ];
  if (r.unitsCreated.length) lines.push(`  新建单位 ${r.unitsCreated.length}：${r.unitsCreated.join('、')}`);
  if (r.leadersCreated.length) lines.push(`  新建领导 ${r.leadersCreated.length}：${r.leadersCreated.join('、')}`);
  return lines.join('\n') + '\n';
}

function show(v: unknown): string {
  const s = Array.isArray(v) ? v.join('、') : v == null ? '空' : String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
