import { addDays, atLocal } from '../domain/calendar/shanghai-time.ts';
import { tasksOverseen, tasksWithoutLeader, type OverseenTask } from '../domain/work/index.ts';
import type { Db } from '../store/open-database.ts';
import { loadInstructions, type InstructionView } from '../store/instructions.ts';
import type { ReportData } from './report-data.ts';

export interface LeaderRow {
  id: number;
  name: string;
  title: string | null;
  chatId: string | null;
}

/** Who reads about what: every leader with tasks (led, by roster, as 分管领导), their task ids and their 批示. */
export interface LeaderScope {
  leaders: LeaderRow[];
  tasksOf: Map<number, number[]>;
  instructionsOf: Map<number, InstructionView[]>;
  /** Plans with tasks no leader oversees, and those tasks. */
  uncovered: Map<number, number[]>;
}

export function overseenTasks(data: Pick<ReportData, 'tasks'>): OverseenTask[] {
  return data.tasks.map((t) => ({ id: t.id, planId: t.planId ?? 0, leaderIds: t.leaderIds, dutyUnitIds: t.dutyUnits.map((u) => u.id) }));
}

/** Reads the oversight entries, the leaders they name and the 批示 given up to the report date. */
export async function loadLeaderScope(prisma: Db, data: ReportData): Promise<LeaderScope> {
  const end = atLocal(addDays(data.date, 1));
  const [entries, instructions] = await Promise.all([
    prisma.oversight.findMany({ select: { personId: true, planId: true, unitId: true } }),
    loadInstructions(prisma, { asOf: end }),
  ]);
  const tasks = overseenTasks(data);
  const tasksOf = tasksOverseen(tasks, entries);
  const instructionsOf = new Map<number, InstructionView[]>();
  for (const i of instructions) if (i.leaderId !== null) instructionsOf.set(i.leaderId, [...(instructionsOf.get(i.leaderId) ?? []), i]);
  const ids = [...new Set([...tasksOf.keys(), ...instructionsOf.keys()])];
  const known = new Map(data.leaders.map((l) => [l.id, l]));
  const missing = ids.filter((id) => !known.has(id));
  const more = missing.length
    ? await prisma.person.findMany({ where: { id: { in: missing }, kind: 'leader' }, select: { id: true, name: true, title: true, chatId: true } })
    : [];
  for (const p of more) known.set(p.id, p);
  const leaders = ids.filter((id) => known.has(id)).sort((a, b) => a - b).map((id) => known.get(id)!);
  return { leaders, tasksOf, instructionsOf, uncovered: tasksWithoutLeader(tasks, entries) };
}
