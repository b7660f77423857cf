import { loadAdminChatIds } from '../engine/unit-directory.ts';
import type { ChatTarget } from '../ports/chat.ts';
import { addressableGroups } from '../store/office-groups.ts';
import type { Tx } from './chat-deps.ts';

/**
 * Where admins are told about requests: the office group, else each admin with a chat id. On a
 * channel that cannot address a group by topic (`groupsByTopic` false), an office group without an
 * id does not count.
 */
export async function adminTargets(tx: Tx, configAdmins: readonly string[], groupsByTopic = true): Promise<ChatTarget[]> {
  const office = await tx.chatGroup.findMany({ where: { isOffice: true, ...addressableGroups(groupsByTopic) }, select: { roomId: true, topic: true } });
  if (office.length) return office.map((g) => ({ kind: 'group', ref: g.roomId ?? g.topic }));
  return (await loadAdminChatIds(tx, configAdmins)).map((ref) => ({ kind: 'person', ref }));
}
