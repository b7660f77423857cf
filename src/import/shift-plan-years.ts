import type { PlanJson } from '../domain/plan/plan-json.ts';

/** Years written as 2024年 or inside a 2024-12-31 date move by `by`; other numbers (the 1985 park) stay. */
export function shiftYears(s: string, by: number): string {
  return s.replace(/(?<!\d)((?:19|20)\d{2})(?=\s*年|-\d{2}-\d{2})/g, (y) => String(Number(y) + by));
}

function shiftDeep<T>(v: T, by: number): T {
  if (typeof v === 'string') return shiftYears(v, by) as T;
  if (Array.isArray(v)) return v.map((x) => shiftDeep(x, by)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shiftDeep(x, by)])) as T;
  return v;
}

/**
 * The demo plan: a real plan moved forward in time so its deadlines fall around the demo's today.
 * Every printed year and every date shifts together, so 2024年12月底 stays 12月底 of the new year.
 */
export function shiftPlanYears(json: PlanJson, by: number, document: string): PlanJson {
  const out = shiftDeep(json, by);
  return { ...out, document, year: json.year != null ? json.year + by : null };
}
