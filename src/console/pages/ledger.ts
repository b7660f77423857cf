import { toLocalDate } from '../../domain/calendar/shanghai-time.ts';
import { HEALTH_SHORT, type Health } from '../../domain/health/index.ts';
import { ASSIGNMENT_STATE_LABEL, TASK_STATE_LABEL } from '../../domain/work/index.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { loadPlanShortNames } from '../../store/plan-short-names.ts';
import type { Ctx } from '../console-deps.ts';
import type { Route } from '../console-deps.ts';
import { fmtDate, fmtTime, html } from '../html.ts';
import { startFile } from '../http-utils.ts';
import { LIGHT_SELECT, lightsOf, lightsWhere } from '../task-lights.ts';

export const PAGE_SIZE = 50;
const LIGHTS: Health[] = ['red', 'yellow', 'green', 'done', 'closed'];
const ROLE = { lead: '牵头', responsible: '责任', participating: '参加' } as const;

interface Filters {
  plan: number | null;
  unit: number | null;
  leader: number | null;
  light: Health | null;
  overdue: boolean;
  q: string;
  page: number;
}

function filtersOf(url: URL): Filters {
  const num = (k: string) => (/^\d+$/.test(url.searchParams.get(k) ?? '') ? Number(url.searchParams.get(k)) : null);
  const light = url.searchParams.get('light') as Health | null;
  return { plan: num('plan'), unit: num('unit'), leader: num('leader'), light: light && LIGHTS.includes(light) ? light : null, overdue: url.searchParams.get('overdue') === '1', q: (url.searchParams.get('q') ?? '').trim().slice(0, 100), page: Math.max(1, num('page') ?? 1) };
}

function whereOf(f: Filters, today: string, scope: Prisma.TaskWhereInput | null): Prisma.TaskWhereInput {
  const and: Prisma.TaskWhereInput[] = [{ plan: { archivedAt: null } }];
  if (scope) and.push(scope);
  if (f.plan) and.push({ planId: f.plan });
  if (f.unit) and.push({ assignments: { some: { unitId: f.unit } } });
  if (f.leader) and.push({ leaders: { some: { personId: f.leader } } });
  if (f.overdue) and.push({ deadlineKind: 'date', deadline: { lt: new Date(`${today}T00:00:00Z`) }, status: { notIn: ['done', 'closed'] } });
  if (f.q) and.push({ OR: [{ text: { contains: f.q } }, { title: { contains: f.q } }, { no: f.q }] });
  return { AND: and };
}

const LEDGER_ORDER: Prisma.TaskOrderByWithRelationInput[] = [{ planId: 'asc' }, { seq: 'asc' }];
const EXPORT_BATCH = 2000;

interface ExportRow {
  id: number;
  planId: number;
  no: string;
  text: string;
  deadline: Date | null;
  deadlineText: string | null;
  status: keyof typeof TASK_STATE_LABEL;
  percent: number | null;
  lastReportedAt: Date | null;
  leaders: string | null;
  parts: [keyof typeof ROLE, keyof typeof ASSIGNMENT_STATE_LABEL, number | null, string][] | null;
}

/** One batch of export rows as one flat query: leaders and units folded into each row, in 台账 order. */
function exportRows(prisma: Ctx['deps']['prisma'], ids: number[]): Promise<ExportRow[]> {
  // Grouped joins, not a sub-select per row: PostgreSQL runs the per-row form ~4× slower here.
  return prisma.$queryRaw<ExportRow[]>`
    SELECT t.id, t."planId", t.no, t.text, t.deadline, t."deadlineText", t.status::text AS status, t.percent, t."lastReportedAt", ld.leaders, pa.parts
    FROM "Task" t
    LEFT JOIN (SELECT l."taskId", string_agg(pe.name, '、' ORDER BY pe.id) AS leaders FROM "TaskLeader" l JOIN "Person" pe ON pe.id = l."personId"
      WHERE l."taskId" = ANY(${ids}::int[]) GROUP BY l."taskId") ld ON ld."taskId" = t.id
    LEFT JOIN (SELECT a."taskId", json_agg(json_build_array(a.role::text, a.state::text, a.percent, u.name) ORDER BY a.role, a.id) AS parts FROM "Assignment" a JOIN "Unit" u ON u.id = a."unitId"
      WHERE a."taskId" = ANY(${ids}::int[]) GROUP BY a."taskId") pa ON pa."taskId" = t.id
    WHERE t.id = ANY(${ids}::int[]) ORDER BY t."planId", t.seq`;
}

const ROW_INCLUDE = {
  plan: { select: { id: true } },
  leaders: { select: { person: { select: { name: true } } } },
  assignments: { select: { role: true, state: true, percent: true, unit: { select: { id: true, name: true } } }, orderBy: [{ role: 'asc' }, { id: 'asc' }] },
  ...{ milestones: LIGHT_SELECT.milestones },
} as const satisfies Prisma.TaskInclude;

/**
 * The 台账 query: filters in SQL (a leader's account: only their tasks), one page of rows. A light is
 * computed by the health rule, not stored; with a light filter the light inputs of every matching task
 * are read by one set query (no text) and the page is cut after.
 */
export async function ledgerPage(ctx: Ctx, f: Filters, size = PAGE_SIZE) {
  const { prisma, clock, calendar } = ctx.deps;
  const now = clock.now();
  const where = whereOf(f, toLocalDate(now), ctx.taskScope);
  const orderBy = LEDGER_ORDER;
  let total: number;
  let ids: number[] | null = null;
  if (f.light) {
    const all = await lightsWhere(prisma, where, now, calendar, orderBy);
    const hit = all.ids.filter((id) => all.lights.get(id) === f.light);
    total = hit.length;
    ids = hit.slice((f.page - 1) * size, f.page * size);
  } else {
    total = await prisma.task.count({ where });
  }
  const rows = await prisma.task.findMany({
    where: ids ? { id: { in: ids } } : where,
    include: { ...ROW_INCLUDE, plan: { select: { issuedOn: true } } },
    orderBy,
    ...(ids ? {} : { skip: (f.page - 1) * size, take: size }),
  });
  const lights = lightsOf(rows, now, calendar);
  return { total, rows, lights };
}

const qs = (f: Filters, over: Partial<Filters>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...over })) if (v !== null && v !== '' && v !== false && !(k === 'page' && v === 1)) p.set(k, v === true ? '1' : String(v));
  return p.toString();
};

export const routes: Route[] = [
  {
    method: 'GET',
    path: /^\/tasks$/,
    leader: true,
    async run(ctx) {
      const { prisma } = ctx.deps;
      const f = filtersOf(ctx.url);
      const [{ total, rows, lights }, names, units, leaders] = await Promise.all([
        ledgerPage(ctx, f),
        loadPlanShortNames(prisma),
        prisma.unit.findMany({ where: { work: { some: ctx.taskScope ? { task: ctx.taskScope } : {} } }, select: { id: true, name: true }, orderBy: { name: 'asc' } }),
        prisma.person.findMany({ where: { kind: 'leader', leads: { some: ctx.taskScope ? { task: ctx.taskScope } : {} } }, select: { id: true, name: true }, orderBy: { name: 'asc' } }),
      ]);
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const opt = (v: number | string, label: string, cur: number | string | null) => html`<option value="${v}" ${String(cur) === String(v) ? 'selected' : ''}>${label}</option>`;
      ctx.page('督办台账', html`<h1>督办台账</h1>
<form class="filters" method="get" action="/tasks" hx-get="/tasks" hx-target="main" hx-push-url="true" hx-trigger="change, submit">
<label>方案<select name="plan"><option value="">全部</option>${[...names].map(([id, n]) => opt(id, n, f.plan))}</select></label>
<label>单位<select name="unit"><option value="">全部</option>${units.map((u) => opt(u.id, u.name, f.unit))}</select></label>
<label>牵头领导<select name="leader"><option value="">全部</option>${leaders.map((p) => opt(p.id, p.name, f.leader))}</select></label>
<label>红黄绿灯<select name="light"><option value="">全部</option>${LIGHTS.map((l) => opt(l, HEALTH_SHORT[l], f.light))}</select></label>
<label>逾期<select name="overdue"><option value="">不限</option>${opt(1, '仅逾期', f.overdue ? 1 : null)}</select></label>
<label>搜索<input name="q" value="${f.q}" placeholder="任务内容或序号"></label><button>查询</button>
<a class="btn plain" href="/tasks.xlsx?${qs(f, { page: 1 })}">导出 Excel</a></form>
<table><thead><tr><th>方案</th><th>序号</th><th>任务</th><th>牵头领导</th><th>承担单位及状态</th><th>完成时限</th><th>灯</th><th>状态</th><th>最近报送</th></tr></thead><tbody>
${rows.map((t) => html`<tr><td class="nowrap">${names.get(t.planId) ?? ''}</td><td>${t.no}</td>
<td><a href="/tasks/${t.id}">${(t.title ?? t.text).slice(0, 60)}</a></td><td class="nowrap">${t.leaders.map((l) => l.person.name).join('、')}</td>
<td>${t.assignments.map((a) => html`<div class="nowrap">${ROLE[a.role]}：${a.unit.name} <span class="muted">${ASSIGNMENT_STATE_LABEL[a.state]}${a.percent !== null ? ` ${a.percent}%` : ''}</span></div>`)}</td>
<td class="nowrap">${t.deadline ? fmtDate(t.deadline) : (t.deadlineText ?? '')}</td><td><span class="light ${lights.get(t.id)}">${HEALTH_SHORT[lights.get(t.id)!]}</span></td>
<td class="nowrap">${TASK_STATE_LABEL[t.status]}${t.percent !== null ? ` ${t.percent}%` : ''}</td><td class="nowrap muted">${fmtTime(t.lastReportedAt)}</td></tr>`)}
</tbody></table>
<div class="pager">共 ${total} 项，第 ${f.page}/${pages} 页
${f.page > 1 ? html`<a href="/tasks?${qs(f, { page: f.page - 1 })}" hx-get="/tasks?${qs(f, { page: f.page - 1 })}" hx-target="main" hx-push-url="true">上一页</a>` : ''}
${f.page < pages ? html`<a href="/tasks?${qs(f, { page: f.page + 1 })}" hx-get="/tasks?${qs(f, { page: f.page + 1 })}" hx-target="main" hx-push-url="true">下一页</a>` : ''}</div>`);
    },
  },
  {
    method: 'GET',
    path: /^\/tasks\.xlsx$/,
    leader: true,
    async run(ctx) {
      // The whole filtered 台账, streamed: the ids and lights by one compact pass, then the rows read
      // and written EXPORT_BATCH at a time, so memory stays flat and the download starts at once.
      const { prisma, clock, calendar } = ctx.deps;
      const now = clock.now();
      const f = filtersOf(ctx.url);
      const all = await lightsWhere(prisma, whereOf(f, toLocalDate(now), ctx.taskScope), now, calendar, LEDGER_ORDER);
      const ids = f.light ? all.ids.filter((id) => all.lights.get(id) === f.light) : all.ids;
      const names = await loadPlanShortNames(prisma);
      startFile(ctx.res, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `督办台账-${toLocalDate(now)}.xlsx`);
      const { default: ExcelJS } = await import('exceljs'); // loaded on use: not at start-up
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: ctx.res, useStyles: true, useSharedStrings: false });
      const ws = wb.addWorksheet('督办台账', { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = ['方案', '序号', '任务内容', '牵头领导', '承担单位及状态', '完成时限', '灯', '状态', '进度', '最近报送'].map((h, i) => ({ header: h, width: [14, 8, 60, 14, 40, 14, 8, 12, 8, 18][i] }));
      ws.getRow(1).font = { bold: true };
      ws.getRow(1).commit();
      try {
        for (let i = 0; i < ids.length; i += EXPORT_BATCH) {
          for (const t of await exportRows(prisma, ids.slice(i, i + EXPORT_BATCH))) {
            ws.addRow([names.get(t.planId) ?? '', t.no, t.text, t.leaders ?? '', (t.parts ?? []).map(([role, state, percent, unit]) => `${ROLE[role]}：${unit}（${ASSIGNMENT_STATE_LABEL[state]}${percent !== null ? ` ${percent}%` : ''}）`).join('\n'),
              t.deadline ? fmtDate(t.deadline) : (t.deadlineText ?? ''), HEALTH_SHORT[all.lights.get(t.id)!], TASK_STATE_LABEL[t.status], t.percent ?? '', fmtTime(t.lastReportedAt)]).commit();
          }
        }
        ws.commit();
        await wb.commit();
      } catch (e) {
        ctx.res.destroy(e as Error); // headers are gone: a cut download, never a truncated file that looks whole
        throw e;
      }
    },
  },
];
