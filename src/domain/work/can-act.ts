import { isOpen } from './assignment-state.ts';
import type { Actor, Assignment, WorkAction } from './work-types.ts';

export type Refusal = 'not_registered' | 'not_own_unit' | 'closed' | 'admin_only' | 'admin_or_leader_only';

/** The one rule of who may do what. Nicknames never count: `actor` comes from the directory. */
export function canAct(actor: Actor, action: WorkAction, assignment?: Pick<Assignment, 'unitId' | 'state'>): { ok: true } | { ok: false; reason: Refusal } {
  switch (action) {
    case 'report':
    case 'request_close':
    case 'request_extension':
      if (!actor.unitIds.length) return { ok: false, reason: 'not_registered' };
      if (!assignment || !actor.unitIds.includes(assignment.unitId)) return { ok: false, reason: 'not_own_unit' };
      if (!isOpen(assignment)) return { ok: false, reason: 'closed' };
      return { ok: true };
    case 'query_unit':
      return actor.isAdmin || actor.isLeader ? { ok: true } : { ok: false, reason: 'admin_or_leader_only' };
    case 'decide_request':
    case 'transfer':
    case 'change_settings':
    case 'archive_plan':
      return actor.isAdmin ? { ok: true } : { ok: false, reason: 'admin_only' };
  }
}

/** An admin is a person the directory marks admin, or a chat id the operator configured. Nothing else. */
export function isAdminIdentity(p: { isAdmin: boolean; kind: string } | null, chatId: string, configuredAdminIds: readonly string[]): boolean {
  return (!!p && (p.isAdmin || p.kind === 'admin')) || configuredAdminIds.includes(chatId);
}
