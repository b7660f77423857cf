import type { ReplyContext, ReplyTask } from '../domain/reply/index.ts';
import { OPEN_TASK_STATES } from '../domain/work/index.ts';
import type { Tx } from './chat-deps.ts';

/** A task with the names of all its units, as a plan file or the database gives them. */
export interface PlanTaskRef extends ReplyTask {
  units: string[];
}

const COLLECTIVE: [RegExp, RegExp][] = [
  [/镇$/, /各(相关)?(镇|街道、镇|街道)/],
  [/(街办|街道)$/, /各(相关)?(镇、)?(街办|街道)/],
  [/管理处$/, /管理处/],
  [/集聚区$/, /集聚区/],
];

function servesUnit(names: string[], unit: string): boolean {
  const u = unit.replace(/\*/g, '').trim();
  return names.some((raw) => {
    const n = raw.replace(/\*/g, '').trim();
    if (n === u) return true;
    return COLLECTIVE.some(([kind, phrase]) => kind.test(u) && phrase.test(n));
  });
}

/**
 * The reply context for a message from `unit`: its tasks first, the rest of the plan as other
 * tasks. A unit the plan does not name gets the whole plan, so numbers still resolve.
 */
export function contextForUnit(all: PlanTaskRef[], unit: string, botName?: string): ReplyContext {
  const own = all.filter((t) => servesUnit(t.units, unit));
  const strip = ({ no, title, text }: PlanTaskRef): ReplyTask => ({ no, title: title ?? null, text: text ?? null });
  if (own.length === 0) return { tasks: all.map(strip), botName };
  const ownSet = new Set(own);
  return { tasks: own.map(strip), otherTasks: all.filter((t) => !ownSet.has(t)).map(strip), botName };
}

/** Tasks of a `duban import --json` file (one plan, a list of plans, or {plans:[…]}), loosely read. */
export function tasksFromPlanJson(json: unknown): PlanTaskRef[] {
  const plans = Array.isArray(json) ? json : (json as { plans?: unknown[] })?.plans ?? [json];
  const out: PlanTaskRef[] = [];
  for (const p of plans as { tasks?: Record<string, unknown>[] }[]) {
    for (const t of p?.tasks ?? []) {
      const list = (k: string) => (Array.isArray(t[k]) ? (t[k] as unknown[]).map(String) : []);
      out.push({
        no: String(t.no ?? ''),
        title: typeof t.title === 'string' ? t.title : null,
        text: typeof t.text === 'string' ? t.text : typeof t.textStartsWith === 'string' ? t.textStartsWith : null,
        units: [...list('leadUnits'), ...list('responsibleUnits'), ...list('participatingUnits')],
      });
    }
  }
  return out.filter((t) => t.no);
}

/** Open tasks from the database, each with its units' names, aliases and the names as printed. */
export async function tasksFromDatabase(tx: Tx): Promise<PlanTaskRef[]> {
  const rows = await tx.task.findMany({
    where: { status: { in: [...OPEN_TASK_STATES] }, plan: { archivedAt: null } },
    orderBy: [{ planId: 'desc' }, { seq: 'asc' }],
    include: { units: { include: { unit: { select: { name: true, aliases: true } } } } },
  });
  return rows.map((t) => ({
    no: t.no,
    title: t.title,
    text: t.text,
    units: t.units.flatMap((u) => [u.rawName, ...(u.unit ? [u.unit.name, ...u.unit.aliases] : [])]),
  }));
}
