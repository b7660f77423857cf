import fs from 'node:fs/promises';
import path from 'node:path';
import type { Message } from 'wechaty';
import { types } from 'wechaty';
import { InputError } from '../../errors.ts';
import type { IncomingMessage } from '../../ports/chat.ts';

/** Evidence files (photos, documents) larger than this are refused with a message to the sender. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

function kindOf(t: types.Message): IncomingMessage['type'] {
  if (t === types.Message.Text) return 'text';
  if (t === types.Message.Image) return 'image';
  if (t === types.Message.Attachment || t === types.Message.Video || t === types.Message.Audio) return 'file';
  return 'other';
}

/** Wechaty's message as the port's IncomingMessage; the bot counts as mentioned by id or by `@name` text. */
export async function toIncomingMessage(msg: Message, botName: string): Promise<IncomingMessage> {
  const room = msg.room();
  const talker = msg.talker();
  const type = kindOf(msg.type());
  const text = type === 'text' ? msg.text() : '';
  // Some puppets and sender clients leave mentionIdList empty: fall back to the text.
  const mentionsSelf = room ? (await msg.mentionSelf()) || text.includes(`@${botName}`) : false;
  const incoming: IncomingMessage = {
    id: msg.id,
    channel: 'wechaty',
    ...(room ? { roomId: room.id, roomTopic: await room.topic() } : {}),
    talkerId: talker.id,
    talkerName: talker.name(),
    text,
    type,
    sentAt: msg.date(),
    mentionsSelf,
  };
  if (type === 'image' || type === 'file') {
    incoming.saveAttachment = async (dir: string) => {
      const box = await msg.toFileBox();
      if (box.size > MAX_ATTACHMENT_BYTES) {
        throw new InputError('IMPORT_INVALID', `文件“${box.name}”有 ${(box.size / 1048576).toFixed(1)} MB，超过佐证材料上限 ${MAX_ATTACHMENT_BYTES / 1048576} MB，未保存`, '请压缩或拆分后重新发送');
      }
      const safe = (box.name || 'file').replace(/[^\w.\-\u4e00-\u9fa5]/g, '_').slice(-80);
      const file = path.resolve(dir, `${msg.id.replace(/[^\w-]/g, '_')}-${safe}`);
      await fs.mkdir(dir, { recursive: true });
      await box.toFile(file, true);
      const { size } = await fs.stat(file);
      if (size > MAX_ATTACHMENT_BYTES) {
        await fs.rm(file, { force: true });
        throw new InputError('IMPORT_INVALID', `文件“${box.name}”有 ${(size / 1048576).toFixed(1)} MB，超过佐证材料上限 ${MAX_ATTACHMENT_BYTES / 1048576} MB，未保存`, '请压缩或拆分后重新发送');
      }
      return file;
    };
  }
  return incoming;
}
