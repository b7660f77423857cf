import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import type { ReportBuilders } from '../../src/engine/report-builders.ts';

/**
 * A small world with every routing case:
 * 区商务局 has its own group; 区住建局 and 区教育局 sit only in the all-units group (区住建局's contact
 * is on leave, so the B角 is mentioned); 区水务局 has no group (private messages, admin notice);
 * 区文旅局 has no group and no contact with a chat identity (undeliverable).
 */
export async function loadFixture(prisma: PrismaClient) {
  const unit = (name: string) => prisma.unit.create({ data: { name, kind: 'department', aliases: [] } });
  const swj = await unit('区商务局');
  const zjj = await unit('区住建局');
  const jyj = await unit('区教育局');
  const swuj = await unit('区水务局');
  const wlj = await unit('区文旅局');
  const person = (data: Parameters<PrismaClient['person']['create']>[0]['data']) => prisma.person.create({ data });
  await person({ name: '张三', kind: 'contact', unitId: swj.id, chatId: 'wx-zhangsan' });
  const wangwu = await person({ name: '王五', kind: 'contact', unitId: zjj.id, chatId: 'wx-wangwu' });
  await person({ name: '李四', kind: 'contact', unitId: zjj.id, chatId: 'wx-lisi', onLeave: true, backupId: wangwu.id });
  await person({ name: '赵六', kind: 'contact', unitId: jyj.id, chatId: 'wx-zhaoliu' });
  await person({ name: '钱七', kind: 'contact', unitId: swuj.id, chatId: 'wx-qianqi' });
  await person({ name: '孙八', kind: 'contact', unitId: wlj.id });
  const chen = await person({ name: '陈副区长', kind: 'leader', chatId: 'wx-chen' });
  const liu = await person({ name: '刘副区长', kind: 'leader' });
  await person({ name: '管理员', kind: 'admin', chatId: 'wx-admin', isAdmin: true });

  const own = await prisma.chatGroup.create({ data: { topic: '区商务局工作群', roomId: 'room-swj' } });
  const all = await prisma.chatGroup.create({ data: { topic: '全区调度群', isAllUnits: true } });
  await prisma.chatGroup.create({ data: { topic: '督办办公室', isOffice: true } });
  await prisma.groupUnit.createMany({
    data: [
      { groupId: own.id, unitId: swj.id },
      { groupId: all.id, unitId: swj.id },
      { groupId: all.id, unitId: zjj.id },
      { groupId: all.id, unitId: jyj.id },
    ],
  });

  const plan = await prisma.plan.create({ data: { sourceDocument: 'test-plan.docx', title: '测试方案', mechanisms: [] } });
  let seq = 0;
  const task = async (no: string, title: string, units: { unitId: number; role: 'lead' | 'responsible' | 'participating' }[], extra: Record<string, unknown> = {}, leaders: number[] = []) => {
    const t = await prisma.task.create({ data: { planId: plan.id, no, seq: seq++, title, text: `${title}的具体内容`, ...extra } });
    await prisma.taskUnit.createMany({ data: units.map((u) => ({ taskId: t.id, unitId: u.unitId, role: u.role, rawName: String(u.unitId) })) });
    const state = extra.status === 'done' ? 'reported_done' : ((extra.status as 'in_progress' | 'blocked' | undefined) ?? 'not_started');
    await prisma.assignment.createMany({ data: units.map((u) => ({ taskId: t.id, unitId: u.unitId, role: u.role, state })), skipDuplicates: true });
    await prisma.taskLeader.createMany({ data: leaders.map((personId) => ({ taskId: t.id, personId })) });
    return t;
  };
  const date = (d: string) => new Date(`${d}T00:00:00Z`);
  const t1 = await task('1', '推进招商引资项目落地', [{ unitId: swj.id, role: 'lead' }], { deadline: date('2026-05-13'), deadlineKind: 'date', deadlineText: '2026年5月13日' }, [chen.id]);
  const t2 = await task('2', '老旧小区改造', [{ unitId: zjj.id, role: 'lead' }, { unitId: jyj.id, role: 'participating' }], { deadline: date('2026-04-30'), deadlineKind: 'date', status: 'in_progress' }, [chen.id]);
  const t3 = await task('3', '校园安全整治', [{ unitId: jyj.id, role: 'lead' }], { deadlineKind: 'open', deadlineText: '长期坚持', status: 'blocked' }, [liu.id]);
  const t4 = await task('4', '防汛设施检查', [{ unitId: swuj.id, role: 'responsible' }], { deadline: date('2026-06-30'), deadlineKind: 'date' }, [chen.id]);
  await task('5', '已完成的任务', [{ unitId: swj.id, role: 'lead' }], { status: 'done' }, [chen.id]);
  const t6 = await task('6', '文旅消费季', [{ unitId: wlj.id, role: 'lead' }], { deadline: date('2026-05-20'), deadlineKind: 'date' }, [liu.id]);
  await prisma.milestone.create({ data: { taskId: t4.id, dueOn: date('2026-05-22'), deadlineText: '5月22日前', text: '完成排查' } });

  // 区商务局 reports every week; 区住建局 once, mid-May; 区教育局 only signs (收到).
  const report = (taskId: number, unitId: number, at: string, text: string, percent: number | null, kind = 'report') =>
    prisma.progressUpdate.create({ data: { taskId, unitId, reportedAt: atLocal(at.slice(0, 10), at.slice(11)), text, percent, kind } });
  for (const d of ['2026-04-28', '2026-05-07', '2026-05-12', '2026-05-19', '2026-05-26']) await report(t1.id, swj.id, `${d} 10:00`, '项目已签约，正在办理用地手续', 60);
  await report(t2.id, zjj.id, '2026-05-13 15:00', '已完成3个小区改造', 40);
  await report(t3.id, jyj.id, '2026-04-27 11:00', '收到', null, 'receipt');
  return { units: { swj, zjj, jyj, swuj, wlj }, leaders: { chen, liu }, tasks: { t1, t2, t3, t4, t6 } };
}

/** Report builders with fixed text, so the dispatch list depends only on the engine. */
export const fixedReports: ReportBuilders = {
  async buildWeeklyDigests(prisma) {
    const leaders = await prisma.person.findMany({ where: { kind: 'leader' }, orderBy: { id: 'asc' } });
    return leaders.map((l) => ({ leaderId: l.id, leaderName: l.name, chatId: l.chatId, text: `周汇总（${l.name}）` }));
  },
  async buildConsultAgenda(_p, o) {
    return { text: `旬会商议程 ${o.date}` };
  },
  async buildMonthlyBulletin(_p, o) {
    return { text: `月通报 ${o.date}`, docxPath: `/tmp/月通报-${o.date}.docx` };
  },
};
