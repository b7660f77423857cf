import type { PrismaClient } from '../generated/prisma/client.ts';

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

/** Every unit with its chat groups and reachable contacts, read in one query. */
export async function loadUnitDirectory(prisma: PrismaClient): Promise<UnitDirectory> {
  const units = await prisma.unit.findMany({
    select: {
      id: true,
      name: true,
      groups: { select: { group: { select: { id: true, roomId: true, topic: true, isAllUnits: true } } } },
      people: {
        where: { kind: 'contact' },
        orderBy: { id: 'asc' },
        select: { id: true, name: true, chatId: true, onLeave: true, backup: { select: { id: true, name: true, chatId: true, onLeave: true } } },
      },
    },
  });
  const dir: UnitDirectory = new Map();
  for (const u of units) {
    dir.set(u.id, {
      unitId: u.id,
      name: u.name,
      groups: u.groups
        .map(({ group: g }) => ({ groupId: g.id, ref: g.roomId ?? g.topic, topic: g.topic, isAllUnits: g.isAllUnits }))
        .sort((a, b) => a.groupId - b.groupId),
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
