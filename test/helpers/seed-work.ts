import type { PrismaClient } from '../../src/generated/prisma/client.ts';

/**
 * A plan of `tasks` tasks over `units` units, as the benchmarks and load tests use it: each task has
 * a lead and a responsible unit, a lead leader, and half have a report a few weeks back. Two thirds
 * of the units have their own group, the rest share the all-units group (全区调度群).
 */
export async function seedWork(prisma: PrismaClient, size: { tasks: number; units: number }): Promise<void> {
  const TASKS = size.tasks;
  const UNITS = size.units;
  await prisma.unit.createMany({ data: Array.from({ length: UNITS }, (_, i) => ({ name: `单位${i + 1}`, kind: 'department', aliases: [] })) });
  const units = await prisma.unit.findMany({ orderBy: { id: 'asc' } });
  await prisma.person.createMany({
    data: units.flatMap((u, i) => [
      { name: `联络员${i}A`, kind: 'contact' as const, unitId: u.id, chatId: `wx-${i}-a` },
      { name: `联络员${i}B`, kind: 'contact' as const, unitId: u.id, chatId: `wx-${i}-b` },
    ]),
  });
  await prisma.person.createMany({ data: Array.from({ length: 20 }, (_, i) => ({ name: `领导${i}`, kind: 'leader' as const, chatId: `wx-leader-${i}` })) });
  await prisma.person.create({ data: { name: '管理员', kind: 'admin', chatId: 'wx-admin', isAdmin: true } });
  const leaders = await prisma.person.findMany({ where: { kind: 'leader' } });
  // Two thirds have their own group; the rest share the all-units group.
  const all = await prisma.chatGroup.create({ data: { topic: '全区调度群', isAllUnits: true } });
  await prisma.chatGroup.createMany({ data: units.filter((_, i) => i % 3 !== 0).map((u) => ({ topic: `${u.name}工作群` })) });
  const groups = new Map((await prisma.chatGroup.findMany()).map((g) => [g.topic, g.id]));
  await prisma.groupUnit.createMany({ data: units.map((u, i) => ({ unitId: u.id, groupId: i % 3 === 0 ? all.id : groups.get(`${u.name}工作群`)! })) });
  const plan = await prisma.plan.create({ data: { sourceDocument: 'bench.docx', title: '基准方案', mechanisms: [] } });
  for (let start = 0; start < TASKS; start += 2_000) {
    const n = Math.min(2_000, TASKS - start);
    await prisma.task.createMany({
      data: Array.from({ length: n }, (_, k) => {
        const i = start + k;
        return { planId: plan.id, no: `${i + 1}`, seq: i, title: `第${i + 1}项重点工作推进某某项目`, text: '…', deadline: new Date(Date.UTC(2026, 5 + (i % 6), 1 + (i % 28))), deadlineKind: 'date' as const };
      }),
    });
  }
  const tasks = await prisma.task.findMany({ select: { id: true, seq: true }, orderBy: { id: 'asc' } });
  await prisma.taskUnit.createMany({
    data: tasks.flatMap((t) => [
      { taskId: t.id, unitId: units[t.seq % UNITS]!.id, role: 'lead' as const, rawName: 'x' },
      { taskId: t.id, unitId: units[(t.seq * 7 + 3) % UNITS]!.id, role: 'responsible' as const, rawName: 'y' },
    ]),
    skipDuplicates: true,
  });
  // Each unit's part of each task (the work model): one lead and one responsible unit per task.
  await prisma.assignment.createMany({
    data: tasks.flatMap((t) => [
      { taskId: t.id, unitId: units[t.seq % UNITS]!.id, role: 'lead' as const },
      { taskId: t.id, unitId: units[(t.seq * 7 + 3) % UNITS]!.id, role: 'responsible' as const },
    ]),
    skipDuplicates: true,
  });
  await prisma.taskLeader.createMany({ data: tasks.map((t) => ({ taskId: t.id, personId: leaders[t.seq % leaders.length]!.id })) });
  // Progress history: a report on half of the tasks, a few weeks back.
  await prisma.progressUpdate.createMany({
    data: tasks
      .filter((t) => t.seq % 2 === 0)
      .map((t) => ({ taskId: t.id, unitId: units[t.seq % UNITS]!.id, reportedAt: new Date(Date.UTC(2026, 3, 1 + (t.seq % 20))), text: '按计划推进', percent: t.seq % 100 })),
  });
}

