import { addDays, type LocalDate } from '../domain/calendar/shanghai-time.ts';
import { describeReason, HEALTH_ICON, HEALTH_SHORT } from '../domain/health/index.ts';
import type { Db } from '../store/open-database.ts';
import { loadReportData, PROBLEM_WINDOW_DAYS, type ReportData, type ReportTask } from './report-data.ts';
import { cnDate, isLagging, openProblems, STATUS_LABEL, type RaisedProblem } from './report-facts.ts';
import type { ConsultAgenda, ReportOptions } from './report-types.ts';
import { COLORS, renderReportPng, type PngReport } from './render/render-report-png.ts';
import { splitForWeChat } from './split-for-wechat.ts';
import { bySeverity } from './weekly-digest.ts';
import { writeReportFile } from './write-report-file.ts';
import { answerableUnits, shortenUnits, shortUnitName } from './responsible-units.ts';

const NO_LEAD = '未明确牵头单位';
// The chat text stays a few messages long; the image and the ledger carry the rest.
const MAX_GROUPS_IN_TEXT = 10;
const MAX_ITEMS_PER_GROUP = 5;

export interface AgendaItem {
  task: ReportTask;
  problems: RaisedProblem[];
}

export interface AgendaModel {
  date: LocalDate;
  /** 上旬 / 中旬 / 下旬 of the meeting date, and the 旬 under review. */
  xunName: string;
  reviewFrom: LocalDate;
  groups: Array<{ leadUnit: string; items: AgendaItem[]; /** The same units by their short names, for the picture. */ short?: string }>;
  lagging: number;
  blocked: number;
}

/** The 旬会商 agenda: lagging and blocked tasks, with the problems units raised, grouped by lead unit. */
export async function buildConsultAgenda(prisma: Db, opts: ReportOptions): Promise<ConsultAgenda> {
  const model = agendaModel(await loadReportData(prisma, opts));
  const text = agendaText(model);
  const agenda: ConsultAgenda = { text, parts: splitForWeChat(text) };
  if (opts.outDir) agenda.imagePath = await writeReportFile(opts.outDir, `consult-${opts.date}.png`, await renderReportPng(agendaPng(model)));
  return agenda;
}

/** The start of the 旬 before the one `date` opens (the period the meeting reviews). */
export function previousXunStart(date: LocalDate): LocalDate {
  const prev = addDays(date, -1);
  const day = Number(prev.slice(8, 10));
  return `${prev.slice(0, 8)}${day >= 21 ? '21' : day >= 11 ? '11' : '01'}`;
}

export function xunName(date: LocalDate): string {
  const day = Number(date.slice(8, 10));
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${day >= 21 ? '下旬' : day >= 11 ? '中旬' : '上旬'}`;
}

export function agendaModel(data: ReportData): AgendaModel {
  const reviewFrom = previousXunStart(data.date);
  // Problems from the last month are still on the table if the unit has not reported them solved.
  const problemsSince = addDays(data.date, -PROBLEM_WINDOW_DAYS);
  const picked = data.tasks.filter((t) => isLagging(t) || t.status === 'blocked').sort(bySeverity);
  const groups = new Map<string, AgendaItem[]>();
  const short = shortUnitName(data.units);
  const shortOf = new Map<string, string>();
  for (const task of picked) {
    // Grouped by who answers for the task: its 牵头单位, else its 责任单位 (all of them), never 未明确 when the plan says who.
    const a = answerableUnits(task);
    const key = a.role ? shortenUnits(a.names) : NO_LEAD;
    if (!shortOf.has(key)) shortOf.set(key, a.role ? shortenUnits(answerableUnits(task, short).names, 3, 1) : NO_LEAD);
    const item = { task, problems: openProblems(task, problemsSince, data.units) };
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  const ordered = [...groups.entries()]
    .map(([leadUnit, items]) => ({ leadUnit, items, short: shortOf.get(leadUnit) ?? leadUnit }))
    .sort((a, b) => (a.leadUnit === NO_LEAD ? 1 : 0) - (b.leadUnit === NO_LEAD ? 1 : 0) || b.items.length - a.items.length || a.leadUnit.localeCompare(b.leadUnit, 'zh'));
  return {
    date: data.date,
    xunName: xunName(data.date),
    reviewFrom,
    groups: ordered,
    lagging: picked.filter((t) => t.status !== 'blocked').length,
    blocked: picked.filter((t) => t.status === 'blocked').length,
  };
}

export function agendaText(m: AgendaModel): string {
  const total = m.groups.reduce((n, g) => n + g.items.length, 0);
  const lines = [`【旬会商议题】${m.xunName}会商（${cnDate(m.date)}）`];
  if (!total) {
    lines.push(`截至${cnDate(m.date)}，无滞后或受阻任务，本旬会商无需专题研究事项。`);
    return lines.join('\n');
  }
  lines.push(`截至${cnDate(m.date)}，提请会商的滞后、受阻任务共${total}项（滞后${m.lagging}项，受阻${m.blocked}项），涉及牵头（责任）单位${m.groups.length}组。请各牵头（责任）单位负责同志参会说明情况、提出解决办法。`);
  const cn = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  m.groups.slice(0, MAX_GROUPS_IN_TEXT).forEach((g, gi) => {
    lines.push('', `${gi < cn.length ? cn[gi] : gi + 1}、${g.leadUnit}（${g.items.length}项）`);
    g.items.slice(0, MAX_ITEMS_PER_GROUP).forEach((item, i) => {
      const t = item.task;
      lines.push(`${i + 1}. ${HEALTH_ICON[t.health.health]}〔${t.ref}〕${t.name}｜${t.health.reasons.map((r) => describeReason(r, m.date)).join('；')}｜进度${t.percent ?? 0}%`);
      if (item.problems.length) for (const p of item.problems) lines.push(`   问题：${p.unit?.name ?? '责任单位'}（${cnDate(p.reportedOn)}）${p.problems}`);
      else lines.push('   问题：单位未报送具体困难，请会上说明。');
    });
    if (g.items.length > MAX_ITEMS_PER_GROUP) lines.push(`……另有${g.items.length - MAX_ITEMS_PER_GROUP}项，见附图。`);
  });
  if (m.groups.length > MAX_GROUPS_IN_TEXT) {
    const rest = m.groups.slice(MAX_GROUPS_IN_TEXT);
    lines.push('', `另有${rest.length}组牵头（责任）单位共${rest.reduce((n, g) => n + g.items.length, 0)}项：${rest.map((g) => `${g.leadUnit}（${g.items.length}项）`).join('、')}。`);
  }
  return lines.join('\n');
}

export function agendaPng(m: AgendaModel): PngReport {
  const rows = m.groups.flatMap((g) =>
    g.items.map((item) => ({
      dot: COLORS[item.task.health.health],
      emphasis: item.task.status === 'blocked',
      cells: [
        HEALTH_SHORT[item.task.health.health],
        g.short ?? g.leadUnit,
        `〔${item.task.ref}〕${item.task.name}`,
        `${item.task.percent ?? 0}%`,
        item.problems.map((p) => p.problems).join('；') || item.task.health.reasons.map((r) => describeReason(r, m.date)).join('；') || STATUS_LABEL[item.task.status],
      ],
    })),
  );
  const MAX_ROWS = 60;
  return {
    title: `${m.xunName}会商议题`,
    subtitle: `${cnDate(m.date)}｜滞后${m.lagging}项、受阻${m.blocked}项｜牵头（责任）单位${m.groups.length}组`,
    chart: {
      title: '各牵头（责任）单位提请会商任务数',
      legend: [
        { label: '红灯', color: COLORS.red },
        { label: '黄灯', color: COLORS.yellow },
      ],
      bars: m.groups.slice(0, 15).map((g) => {
        const red = g.items.filter((i) => i.task.health.health === 'red').length;
        const yellow = g.items.length - red;
        return {
          label: g.short ?? g.leadUnit,
          segments: [
            { value: red, color: COLORS.red, label: red ? String(red) : '' },
            { value: yellow, color: COLORS.yellow, label: yellow ? String(yellow) : '' },
          ],
          note: `${g.items.length}项`,
        };
      }),
    },
    table: {
      title: '会商事项清单',
      columns: [
        { title: '状态', width: 1.2 },
        // Several 责任单位 share a row when the plan names no 牵头单位: they wrap rather than widen the column.
        { title: '牵头/责任单位', width: 2.7, maxLines: 2 },
        // The 〔plan·no〕 prefix alone takes half a line: two lines leave the task readable.
        { title: '任务', width: 4.8, maxLines: 2 },
        { title: '进度', width: 0.9, align: 'right' },
        { title: '反映的问题 / 滞后情况', width: 4.3, maxLines: 2 },
      ],
      rows: rows.slice(0, MAX_ROWS),
    },
    footer: rows.length > MAX_ROWS ? [`另有${rows.length - MAX_ROWS}项未列出，详见文字版。`] : [],
  };
}
