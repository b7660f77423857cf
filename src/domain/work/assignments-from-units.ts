import { strongerRole } from './assignment-state.ts';
import type { AssignmentRole } from './work-types.ts';

/** A unit entry of a task as the document names it, resolved against the unit directory. */
export interface NamedUnit {
  role: AssignmentRole;
  /** The directory unit it resolved to, if it names one. */
  unitId: number | null;
  /** A collective phrase (各街道、镇) and the directory units it stands for. */
  collective?: { phrase: string; unitIds: readonly number[] } | undefined;
}

export interface AssignmentSpec {
  unitId: number;
  role: AssignmentRole;
  via: string | null;
}

/**
 * The assignments a task's named units make: one per unit, with the strongest role it is named in;
 * units reached through a collective phrase carry that phrase. A unit named itself keeps its own
 * role even where a collective also covers it.
 */
export function assignmentsFromUnits(named: readonly NamedUnit[]): AssignmentSpec[] {
  const out = new Map<number, AssignmentSpec>();
  for (const u of named) {
    if (u.unitId === null) continue;
    const prev = out.get(u.unitId);
    out.set(u.unitId, { unitId: u.unitId, role: prev ? strongerRole(prev.role, u.role) : u.role, via: null });
  }
  for (const u of named) {
    for (const id of u.collective?.unitIds ?? []) {
      const prev = out.get(id);
      if (prev && prev.via === null) continue;
      out.set(id, { unitId: id, role: prev ? strongerRole(prev.role, u.role) : u.role, via: prev?.via ?? u.collective!.phrase });
    }
  }
  return [...out.values()];
}
