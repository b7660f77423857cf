import type { PrismaClient } from '../generated/prisma/client.ts';
import { bulkQuery } from '../store/bulk-sql.ts';

export interface GroupRoute {
  groupId: number;
  /** What the chat adapter finds the room by: its id when known, else its topic. */
  ref: string;
  topic: string;
  isAllUnits: boolean;
}

export interface ContactRoute {
  personId: number;
  name: string;
  /** The chat id to @-mention: the contact's, or the B角's while the contact is on leave. */
  chatId: string | null;
  viaBackup: boolean;
}

export interface UnitRoute {
  unitId: number;
  name: string;
  groups: GroupRoute[];
  contacts: ContactRoute[];
}

export type UnitDirectory = Map<number, UnitRoute>;

/**
 * Every unit with its chat groups and reachable contacts, read in one query (as JSON per unit:
 * Prisma's nested select costs three queries and their compilation on every slot).
 */
export async function loadUnitDirectory(prisma: PrismaClient): Promise<UnitDirectory> {
  type Raw = {
    id: number;
    name: string;
    groups: { id: number; roomId: string | null; topic: string; isAllUnits: boolean }[];
    people: { id: number; name: string; chatId: string | null; onLeave: boolean; backup: { id: number; name: string; chatId: string | null; onLeave: boolean } | null }[];
  };
  const rows = await bulkQuery(prisma)<{ u: Raw }>(`
    SELECT json_build_object(
      'id', u."id", 'name', u."name",
      'groups', COALESCE((SELECT json_agg(json_build_object('id', g."id", 'roomId', g."roomId", 'topic', g."topic", 'isAllUnits', g."isAllUnits") ORDER BY g."id")
                 FROM "GroupUnit" gu JOIN "ChatGroup" g ON g."id" = gu."groupId" WHERE gu."unitId" = u."id"), '[]'::json),
      'people', COALESCE((SELECT json_agg(json_build_object('id', p."id", 'name', p."name", 'chatId', p."chatId", 'onLeave', p."onLeave",
                   'backup', (SELECT json_build_object('id', b."id", 'name', b."name", 'chatId', b."chatId", 'onLeave', b."onLeave") FROM "Person" b WHERE b."id" = p."backupId")) ORDER BY p."id")
                 FROM "Person" p WHERE p."unitId" = u."id" AND p."kind" = 'contact'), '[]'::json)) AS u
    FROM "Unit" u`);
  const dir: UnitDirectory = new Map();
  for (const { u } of rows) {
    dir.set(u.id, {
      unitId: u.id,
      name: u.name,
      groups: u.groups.map((g) => ({ groupId: g.id, ref: g.roomId ?? g.topic, topic: g.topic, isAllUnits: g.isAllUnits })),
      contacts: u.people.map((p) => {
        const backup = p.onLeave && p.backup && !p.backup.onLeave && p.backup.chatId ? p.backup : undefined;
        return backup
          ? { personId: backup.id, name: backup.name, chatId: backup.chatId, viaBackup: true }
          : { personId: p.id, name: p.name, chatId: p.chatId, viaBackup: false };
      }),
    });
  }
  return dir;
}

/** Admin chat ids: people the directory marks admin, plus the chat ids the operator configured. */
export async function loadAdminChatIds(prisma: Pick<PrismaClient, 'person'>, configured: readonly string[]): Promise<string[]> {
  const rows = await prisma.person.findMany({ where: { OR: [{ isAdmin: true }, { kind: 'admin' }], chatId: { not: null } }, select: { chatId: true }, orderBy: { id: 'asc' } });
  return [...new Set([...rows.map((r) => r.chatId!), ...configured])];
}
