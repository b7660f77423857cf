import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import type { Db } from '../../src/store/open-database.ts';

type Status = 'not_started' | 'in_progress' | 'blocked' | 'done' | 'closed';
type Upd = [unit: string, date: string, percent: number | null, extra?: { status?: Status; problems?: string; text?: string }];

const day = (d: string): Date => new Date(`${d}T00:00:00Z`);

/**
 * A small plan whose numbers are worked out by hand in the tests (week ending Fri 2026-11-27):
 * four units (区财政局 with no task), three leaders (胡薇 with no task), nine tasks.
 */
export async function seedReportFixture(prisma: Db): Promise<{ unit: Record<string, number>; leader: Record<string, number>; task: Record<string, number> }> {
  const plan = await prisma.plan.create({ data: { sourceDocument: 'fixture.docx', title: '2026年重点任务工作方案', issuedOn: day('2026-09-01'), year: 2026 } });
  const unit: Record<string, number> = {};
  for (const [name, kind] of [['区公建中心', 'office'], ['区发改委', 'department'], ['区住建局', 'department'], ['区商务局', 'department'], ['区财政局', 'department']] as const) {
    unit[name] = (await prisma.unit.create({ data: { name, kind } })).id;
  }
  const leader: Record<string, number> = {};
  for (const [name, chatId] of [['熊广义', 'wx-xiong'], ['饶雪宇', null], ['胡薇', 'wx-hu']] as const) {
    leader[name] = (await prisma.person.create({ data: { name, kind: 'leader', title: '区政府副区长', chatId } })).id;
  }
  const task: Record<string, number> = {};
  const add = async (
    no: string,
    title: string,
    o: { deadline?: string; kind?: 'date' | 'open'; leaders: string[]; lead: string; responsible?: string[]; status: Status; percent: number | null; closedAt?: string; milestones?: Array<{ dueOn: string; text: string; doneAt?: string }>; updates: Upd[] },
  ) => {
    const t = await prisma.task.create({
      data: {
        planId: plan.id,
        no,
        seq: Number(no),
        title,
        text: `${title}，确保按期完成。`,
        deadline: o.deadline ? day(o.deadline) : null,
        deadlineKind: o.kind ?? (o.deadline ? 'date' : 'none'),
        deadlineText: o.kind === 'open' ? '长期坚持' : null,
        status: o.status,
        percent: o.percent,
        closedAt: o.closedAt ? atLocal(o.closedAt, '16:00') : null,
        createdAt: atLocal('2026-09-01', '09:00'),
        milestones: { create: (o.milestones ?? []).map((m) => ({ dueOn: day(m.dueOn), deadlineText: m.dueOn, text: m.text, doneAt: m.doneAt ? atLocal(m.doneAt, '12:00') : null })) },
        units: {
          create: [
            { role: 'lead' as const, rawName: o.lead, unitId: unit[o.lead]! },
            ...(o.responsible ?? []).map((r, i) => ({ role: 'responsible' as const, rawName: r, unitId: unit[r]!, ordinal: i })),
          ],
        },
        leaders: { create: o.leaders.map((l) => ({ personId: leader[l]! })) },
        assignments: {
          create: [o.lead, ...(o.responsible ?? [])].map((u, i) => ({
            unitId: unit[u]!, role: i === 0 ? ('lead' as const) : ('responsible' as const),
            state: o.status === 'done' ? ('reported_done' as const) : o.status, percent: o.percent,
            closedAt: o.closedAt ? atLocal(o.closedAt, '16:00') : null,
          })),
        },
      },
    });
    task[no] = t.id;
    for (const [u, d, percent, extra] of o.updates) {
      await prisma.progressUpdate.create({
        data: { taskId: t.id, unitId: unit[u]!, reportedAt: atLocal(d, '10:00'), text: extra?.text ?? `${u}报送进展`, percent, status: extra?.status ?? null, problems: extra?.problems ?? null },
      });
    }
  };

  await add('1', '市图书馆新建项目', {
    deadline: '2026-12-31', leaders: ['熊广义'], lead: '区公建中心', responsible: ['区发改委'], status: 'in_progress', percent: 62,
    updates: [['区公建中心', '2026-11-02', 40], ['区公建中心', '2026-11-09', 48], ['区公建中心', '2026-11-16', 55], ['区公建中心', '2026-11-23', 62, { status: 'in_progress' }], ['区发改委', '2026-11-03', 40], ['区发改委', '2026-11-24', 62, { text: '完成可研批复' }]],
  });
  await add('2', '老旧小区改造', {
    deadline: '2026-11-20', leaders: ['熊广义'], lead: '区住建局', status: 'in_progress', percent: 60,
    updates: [['区住建局', '2026-11-05', 50], ['区住建局', '2026-11-12', 55], ['区住建局', '2026-11-26', 60, { problems: '居民签约率不足，需街道配合' }]],
  });
  await add('3', '数字经济产业园复工', {
    deadline: '2026-12-31', leaders: ['熊广义'], lead: '区公建中心', status: 'blocked', percent: 25,
    updates: [['区公建中心', '2026-11-04', 20, { status: 'in_progress' }], ['区公建中心', '2026-11-11', 25], ['区公建中心', '2026-11-18', 25], ['区公建中心', '2026-11-24', 25, { status: 'blocked', problems: '征拆资金缺口2000万元，需区政府协调' }]],
  });
  await add('4', '招商引资项目签约', {
    deadline: '2026-12-02', leaders: ['饶雪宇'], lead: '区发改委', status: 'in_progress', percent: 50,
    updates: [['区发改委', '2026-11-04', 30], ['区发改委', '2026-11-11', 40], ['区发改委', '2026-11-25', 50]],
  });
  await add('5', '专项债项目申报', {
    deadline: '2026-12-15', leaders: ['饶雪宇'], lead: '区发改委', status: 'done', percent: 100,
    updates: [['区发改委', '2026-11-03', 80, { status: 'in_progress' }], ['区发改委', '2026-11-10', 100, { status: 'done' }]],
  });
  await add('6', '安置房建设', {
    deadline: '2026-11-30', leaders: ['饶雪宇'], lead: '区住建局', status: 'closed', percent: 100, closedAt: '2026-11-15',
    updates: [['区住建局', '2026-11-02', 90], ['区住建局', '2026-11-09', 100, { status: 'done' }]],
  });
  await add('7', '校舍工程', {
    deadline: '2026-12-31', leaders: ['熊广义', '饶雪宇'], lead: '区住建局', responsible: ['区公建中心'], status: 'in_progress', percent: 40,
    milestones: [{ dueOn: '2026-10-30', text: '完成招标', doneAt: '2026-10-28' }, { dueOn: '2026-11-25', text: '完成主体封顶' }],
    updates: [['区住建局', '2026-11-03', 30], ['区住建局', '2026-11-10', 35], ['区公建中心', '2026-11-24', 40]],
  });
  await add('8', '优化营商环境', {
    kind: 'open', leaders: ['饶雪宇'], lead: '区发改委', status: 'in_progress', percent: null,
    updates: [['区发改委', '2026-11-16', null, { text: '持续推进' }]],
  });
  await add('9', '国庆前完成验收', {
    deadline: '2026-10-01', leaders: ['熊广义'], lead: '区商务局', status: 'done', percent: 100,
    updates: [['区商务局', '2026-09-28', 80, { status: 'in_progress' }], ['区商务局', '2026-10-12', 100, { status: 'done' }]],
  });
  await prisma.taskRequest.create({ data: { taskId: task['2']!, kind: 'extension', unitId: unit['区住建局']!, requestedBy: '区住建局', reason: '拆迁未完成', newDeadline: day('2026-12-31'), createdAt: atLocal('2026-11-25', '15:00') } });
  // A receipt (签收) is not a progress report and must not count as one.
  await prisma.progressUpdate.create({ data: { taskId: task['8']!, unitId: unit['区发改委']!, reportedAt: atLocal('2026-11-23', '09:00'), text: '收到', kind: 'receipt' } });
  return { unit, leader, task };
}
