import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../log/create-logger.ts';
import type { ChatPort, IncomingMessage } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import { findUnit } from './find-unit.ts';

/**
 * The binding ritual on official channels (WeCom, DingTalk): a group becomes reachable when
 * someone @s the bot there, and becomes a unit's group only when an admin grants it. The first @
 * from a group no ChatGroup knows files one pending `bind_group` AccessRequest (with the unit, if
 * the message named one: “@督办助手 绑定 区商务局”); the admin grants it in the console inbox, or by
 * typing 绑定 <单位> in that group, which binds at once and closes the request.
 * Wechaty groups are known by topic and keep their existing flow.
 */
export async function requestGroupBinding(deps: { prisma: PrismaClient; chat: ChatPort; clock: Clock; logger: Logger }, m: IncomingMessage): Promise<void> {
  const { prisma, chat } = deps;
  if (!m.roomId || chat.capabilities.groupsByTopic) return;
  try {
    const known = await prisma.chatGroup.findUnique({ where: { roomId: m.roomId }, select: { id: true } });
    if (known) return;
    const pending = await prisma.accessRequest.findFirst({ where: { kind: 'bind_group', status: 'pending', channel: m.channel, roomId: m.roomId }, select: { id: true } });
    if (pending) return;
    const named = /绑定\s*(\S+)/.exec(m.text)?.[1];
    const unit = named ? await findUnit(prisma, named) : null;
    await prisma.accessRequest.create({
      data: {
        kind: 'bind_group', channel: m.channel, actorId: m.talkerId, actorName: m.talkerName || null, roomId: m.roomId, roomTopic: m.roomTopic ?? null,
        unitId: unit?.id ?? null, unitName: named ?? null, text: m.text.slice(0, 2000), requestedAt: deps.clock.now(),
      },
    });
    deps.logger.info({ event: 'bind_group_requested', channel: m.channel, roomId: m.roomId, unit: unit?.name ?? named }, '新群@了机器人，已生成绑定申请，待管理员批准');
  } catch (e) {
    // The request is a convenience for admins; the message itself is stored and handled regardless.
    deps.logger.error({ event: 'bind_group_request_failed', err: e, roomId: m.roomId }, 'could not file a group binding request');
  }
}
