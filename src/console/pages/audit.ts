import type { Prisma } from '../../generated/prisma/client.ts';
import type { Route } from '../console-deps.ts';
import { fmtTime, html } from '../html.ts';

const PAGE = 100;

export const routes: Route[] = [
  {
    method: 'GET',
    path: /^\/audit$/,
    async run(ctx) {
      const p = ctx.url.searchParams;
      const actor = (p.get('actor') ?? '').trim();
      const action = (p.get('action') ?? '').trim();
      const entity = (p.get('entity') ?? '').trim();
      const from = p.get('from') ?? '';
      const to = p.get('to') ?? '';
      const page = Math.max(1, Number(p.get('page')) || 1);
      const and: Prisma.AuditLogWhereInput[] = [];
      if (actor) and.push({ actor: { contains: actor } });
      if (action) and.push({ action: { startsWith: action } });
      if (entity) and.push({ entity });
      if (/^\d{4}-\d{2}-\d{2}$/.test(from)) and.push({ at: { gte: new Date(`${from}T00:00:00+08:00`) } });
      if (/^\d{4}-\d{2}-\d{2}$/.test(to)) and.push({ at: { lt: new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86400_000) } });
      const where = { AND: and };
      const [rows, total, entities] = await Promise.all([
        ctx.deps.prisma.auditLog.findMany({ where, orderBy: { id: 'desc' }, skip: (page - 1) * PAGE, take: PAGE }),
        ctx.deps.prisma.auditLog.count({ where }),
        ctx.deps.prisma.auditLog.groupBy({ by: ['entity'], orderBy: { entity: 'asc' } }),
      ]);
      const q = (n: number) => new URLSearchParams({ actor, action, entity, from, to, page: String(n) }).toString();
      ctx.page('审计日志', html`<h1>审计日志</h1>
<form class="filters" method="get" action="/audit"><label>操作人<input name="actor" value="${actor}" placeholder="如 console:管理员 或微信号"></label>
<label>动作<input name="action" value="${action}" placeholder="如 request. 或 access."></label>
<label>对象<select name="entity"><option value="">全部</option>${entities.map((e) => html`<option ${e.entity === entity ? 'selected' : ''}>${e.entity}</option>`)}</select></label>
<label>自<input type="date" name="from" value="${from}"></label><label>至<input type="date" name="to" value="${to}"></label><button>筛选</button></form>
<table id="audit"><thead><tr><th>时间</th><th>操作人</th><th>动作</th><th>对象</th><th>变更</th></tr></thead><tbody>
${rows.map((a) => html`<tr><td class="nowrap">${fmtTime(a.at)}</td><td>${a.actor}</td><td>${a.action}</td><td class="nowrap">${a.entity} ${a.entityId ?? ''}</td>
<td style="font-size:12px">${a.before ? html`<div class="muted">前：${JSON.stringify(a.before).slice(0, 300)}</div>` : ''}${a.after ? html`<div>后：${JSON.stringify(a.after).slice(0, 300)}</div>` : ''}</td></tr>`)}
</tbody></table><div class="pager">共 ${total} 条，第 ${page} 页 ${page > 1 ? html`<a href="/audit?${q(page - 1)}">上一页</a>` : ''} ${page * PAGE < total ? html`<a href="/audit?${q(page + 1)}">下一页</a>` : ''}</div>`);
    },
  },
];
