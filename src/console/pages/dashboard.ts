import { toLocalDate } from '../../domain/calendar/shanghai-time.ts';
import { HEALTH_LABEL, type Health } from '../../domain/health/index.ts';
import type { Route } from '../console-deps.ts';
import { html } from '../html.ts';
import { cycleStartOf, lightsWhere } from '../task-lights.ts';
import { atLocal } from '../../domain/calendar/shanghai-time.ts';

export const routes: Route[] = [
  {
    method: 'GET',
    path: /^\/$/,
    leader: true,
    async run(ctx) {
      const { prisma, clock, calendar } = ctx.deps;
      const now = clock.now();
      const today = toLocalDate(now);
      // A leader's account sees the 驾驶舱 of the tasks they lead or oversee, and nothing of the office's queues.
      const active = { AND: [{ plan: { archivedAt: null } }, ...(ctx.taskScope ? [ctx.taskScope] : [])] };
      const admin = !ctx.taskScope;
      const none = Promise.resolve(0);
      const [open, pendingTasks, pendingAccess, backlog, failed, owing, allUnits] = await Promise.all([
        lightsWhere(prisma, { ...active, status: { not: 'closed' } }, now, calendar),
        prisma.taskRequest.count({ where: { status: 'pending', task: active } }),
        admin ? prisma.accessRequest.count({ where: { status: 'pending' } }) : none,
        admin ? prisma.outbox.count({ where: { status: { in: ['pending', 'sending'] } } }) : none,
        admin ? prisma.outbox.count({ where: { status: 'failed' } }) : none,
        // Units that owe reports (an open part of a task of an active plan) and when each last reported.
        prisma.assignment.groupBy({ by: ['unitId'], where: { state: { not: 'closed' }, task: active }, _max: { lastReportedAt: true } }),
        prisma.unit.findMany({ select: { id: true, name: true }, orderBy: { id: 'asc' } }),
      ]);
      const { lights, inputs } = open;
      const counts = new Map<Health, number>();
      for (const h of lights.values()) counts.set(h, (counts.get(h) ?? 0) + 1);
      const count = (h: Health) => counts.get(h) ?? 0;
      let overdue = 0;
      for (const t of inputs.values()) if (t.deadline && t.deadline < today && t.status !== 'done') overdue++;
      const since = atLocal(cycleStartOf(today));
      const last = new Map(owing.map((o) => [o.unitId, o._max.lastReportedAt]));
      const units = allUnits.filter((u) => last.has(u.id));
      const reported = units.filter((u) => (last.get(u.id) ?? null) !== null && last.get(u.id)! >= since);
      const silent = units.filter((u) => !reported.includes(u));
      const card = (cls: string, n: number, label: string, href: string) => html`<a class="card ${cls}" href="${href}"><div class="n">${n}</div><div class="l">${label}</div></a>`;
      ctx.page('驾驶舱', html`<h1>驾驶舱 <span class="muted" style="font-size:13px;font-weight:400">${today}，本轮自 ${cycleStartOf(today)} 起</span></h1>
${admin ? '' : html`<div class="notice">只读视图：${ctx.user.personName ? `${ctx.user.personName}牵头或分管的任务` : '此账户尚未关联通讯录中的领导，暂无可查看的任务。请督办室运行 duban admin invite 账户名 --leader 领导姓名'}。</div>`}
<div class="cards">
${card('red', count('red'), HEALTH_LABEL.red, '/tasks?light=red')}${card('yellow', count('yellow'), HEALTH_LABEL.yellow, '/tasks?light=yellow')}${card('green', count('green'), HEALTH_LABEL.green, '/tasks?light=green')}
${card('', count('done'), '报完成待核', '/tasks?light=done')}${card('red', overdue, '已逾期', '/tasks?overdue=1')}
${admin ? html`${card('', pendingTasks, '待复核申请', '/inbox')}${card('', pendingAccess, '待批准登记/绑定', '/inbox#access')}
${card(failed ? 'red' : '', failed, '发送失败', '/channel')}${card('', backlog, '待发送消息', '/channel')}` : html`${card('', pendingTasks, '待督办室复核的申请', '/tasks')}`}
</div>
<div class="grid2"><div><h2>本轮已报送单位（${reported.length}）</h2><div class="item">${reported.length ? reported.map((u, i) => html`${i ? '、' : ''}<a href="/tasks?unit=${u.id}">${u.name}</a>`) : html`<span class="muted">暂无</span>`}</div></div>
<div><h2>本轮未报送单位（${silent.length}）</h2><div class="item">${silent.length ? silent.map((u, i) => html`${i ? '、' : ''}<a href="/tasks?unit=${u.id}">${u.name}</a>`) : html`<span class="muted">全部已报送</span>`}</div></div></div>`);
    },
  },
];
