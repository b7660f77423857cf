import type { PrismaClient } from '../generated/prisma/client.ts';

type UnitRef = { id: number; name: string };
export interface KnownPerson {
  id: number;
  name: string;
  kind: string;
  unit: UnitRef | null;
}
export interface KnownGroup {
  topic: string;
  units: UnitRef[];
}

const KIND_LABEL: Record<string, string> = { admin: '督办室', leader: '领导' };

/**
 * People and groups by the chat ids the records keep, so the console shows 李娜（区商务局）and the
 * group's topic instead of raw ids. Two queries for a whole page. Names come from the directory;
 * a display name a channel reported is shown only for someone not in it, marked 未登记.
 */
export async function loadChatNames(prisma: PrismaClient, chatIds: readonly (string | null)[], roomIds: readonly (string | null)[]) {
  const ids = [...new Set(chatIds.filter((x): x is string => !!x))];
  const rooms = [...new Set(roomIds.filter((x): x is string => !!x))];
  const [people, groups] = await Promise.all([
    ids.length ? prisma.person.findMany({ where: { chatId: { in: ids } }, select: { id: true, name: true, kind: true, chatId: true, unit: { select: { id: true, name: true } } } }) : [],
    rooms.length ? prisma.chatGroup.findMany({ where: { roomId: { in: rooms } }, select: { roomId: true, topic: true, units: { select: { unit: { select: { id: true, name: true } } } } } }) : [],
  ]);
  const byChat = new Map(people.map((p) => [p.chatId!, { id: p.id, name: p.name, kind: p.kind, unit: p.unit } satisfies KnownPerson]));
  const byRoom = new Map(groups.map((g) => [g.roomId!, { topic: g.topic, units: g.units.map((u) => u.unit) } satisfies KnownGroup]));
  /** 李娜（区商务局）; 王敏（管理后台） for a console account; 路人甲（未登记） for a stranger. */
  const who = (chatId: string, reportedName?: string | null): string => {
    if (chatId.startsWith('console:')) return `${chatId.slice('console:'.length)}（管理后台）`;
    const p = byChat.get(chatId);
    if (p) return `${p.name}（${p.unit?.name ?? KIND_LABEL[p.kind] ?? '已登记'}）`;
    return `${reportedName || '未知发送人'}（未登记）`;
  };
  return {
    person: (chatId: string): KnownPerson | null => byChat.get(chatId) ?? null,
    group: (roomId: string | null): KnownGroup | null => (roomId ? (byRoom.get(roomId) ?? null) : null),
    who,
    /** Who did something on record: a person or console account by name; any other actor (cli, system) as written. */
    actor: (id: string): string => (id.startsWith('console:') || byChat.has(id) ? who(id) : id),
    /** The group's topic as the directory has it, else as the channel reported it; 私聊 for none. */
    where: (roomId: string | null, topic: string | null): string => (roomId ? byRoom.get(roomId)?.topic : undefined) ?? topic ?? (roomId ? '未登记的群' : '私聊'),
  };
}

export type ChatNames = Awaited<ReturnType<typeof loadChatNames>>;
