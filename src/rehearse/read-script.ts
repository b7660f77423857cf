import fs from 'node:fs';
import { z } from 'zod';
import { atLocal, isLocalDate } from '../domain/calendar/shanghai-time.ts';
import { InputError } from '../errors.ts';

/** One line of a rehearsal script: someone says something, in a group or privately to the bot. */
export interface ScriptLine {
  line: number;
  at: Date;
  /** Group name; absent = a private chat with the bot. */
  group: string | null;
  /** The display name the channel shows. */
  from: string;
  /** The chat identity; absent = the registered account of the person named `from` (else the name itself). */
  account: string | null;
  text: string;
  /** A photo or file sent instead of text (its name). */
  attachment: string | null;
}

const lineSchema = z.object({
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/, '应为 YYYY-MM-DDTHH:MM（北京时间）'),
  group: z.string().trim().min(1).optional(),
  from: z.string().trim().min(1, '不能为空'),
  account: z.string().trim().min(1).optional(),
  text: z.string().default(''),
  attachment: z.string().trim().min(1).optional(),
}).strict();

/** Reads a .jsonl script; a bad line stops with its number and what is wrong, in Chinese. */
export function readScript(file: string): ScriptLine[] {
  if (!fs.existsSync(file)) throw new InputError('NOT_FOUND', `找不到演练脚本 ${file}`, '每行一个 JSON：{"at":"2026-05-11T10:05","group":"区商务局督办群","from":"李娜","text":"第3项 完成60%"}');
  const out: ScriptLine[] = [];
  fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim() || raw.trim().startsWith('//')) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new InputError('IMPORT_INVALID', `演练脚本 ${file} 第 ${line} 行不是有效的 JSON：${(e as Error).message}`);
    }
    const p = lineSchema.safeParse(json);
    if (!p.success) {
      const issue = p.error.issues[0]!;
      throw new InputError('IMPORT_INVALID', `演练脚本 ${file} 第 ${line} 行字段“${issue.path.join('.') || '（整行）'}”不正确：${issue.message}`, '字段：at（必填）、group、from（必填）、account、text、attachment');
    }
    const [date, time] = p.data.at.replace(' ', 'T').split('T') as [string, string];
    if (!isLocalDate(date)) throw new InputError('IMPORT_INVALID', `演练脚本 ${file} 第 ${line} 行日期“${date}”无效`);
    if (!p.data.text.trim() && !p.data.attachment) throw new InputError('IMPORT_INVALID', `演练脚本 ${file} 第 ${line} 行没有 text，也没有 attachment`);
    out.push({ line, at: atLocal(date, time.slice(0, 5)), group: p.data.group ?? null, from: p.data.from, account: p.data.account ?? null, text: p.data.text, attachment: p.data.attachment ?? null });
  });
  // Same time: keep the script's order.
  return out.map((l, i) => ({ l, i })).sort((a, b) => a.l.at.getTime() - b.l.at.getTime() || a.i - b.i).map((x) => x.l);
}
