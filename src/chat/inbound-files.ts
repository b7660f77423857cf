import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import type { IncomingMessage } from '../ports/chat.ts';

/**
 * What became of a message's image or file when it was stored: saved (the path), refused (too large:
 * the answer the sender gets), or nothing to keep. Saved at arrival, because the channel's handle to
 * the file does not outlive the process: a crash before interpretation must not lose the evidence.
 */
export interface KeptFile {
  attachment?: string | null;
  refused?: string | null;
}

/**
 * Where an arriving attachment waits until its message is interpreted. Not the evidence folder: a
 * stranger's file never becomes evidence; a known sender's is moved into evidence when read.
 */
export function inboundFilesDir(dataDir: string): string {
  return path.join(dataDir, 'inbound-files');
}

export const hasFile = (m: IncomingMessage): boolean => (m.type === 'image' || m.type === 'file') && !!m.saveAttachment;

/** The sender's answer for a refused file: what and why, then what to do. */
export function refusalText(e: InputError): string {
  return e.hint ? `${e.message}。${e.hint}` : e.message;
}

/**
 * Saves the message's attachment into the arrivals folder. A refusal (over the size limit) is kept
 * as its answer; any other failure (a disk error, the channel briefly away) leaves the channel's
 * handle for interpretation to try again, as before.
 */
export async function keepAttachment(m: IncomingMessage, dataDir: string): Promise<KeptFile> {
  if (!hasFile(m)) return {};
  try {
    return { attachment: await m.saveAttachment!(inboundFilesDir(dataDir)) };
  } catch (e) {
    if (e instanceof InputError) return { refused: refusalText(e) };
    return {};
  }
}

/**
 * Moves a kept file into `dir` and returns its new path. Doing it again is harmless: a file already
 * moved (by an attempt that crashed before recording the new path) is found where it went.
 */
export function moveInto(from: string, dir: string): string {
  const to = path.resolve(dir, path.basename(from));
  if (path.resolve(from) === to) return to;
  if (!fs.existsSync(from)) return fs.existsSync(to) ? to : from;
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.renameSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
    fs.rmSync(from, { force: true });
  }
  return to;
}

/** The message as the pipeline hands it on once its file is kept: the file comes from disk, not the channel. */
export function withKept(m: IncomingMessage, kept: KeptFile): IncomingMessage {
  if (kept.attachment) {
    const file = kept.attachment;
    return { ...m, saveAttachment: async (dir: string) => moveInto(file, dir) };
  }
  if (kept.refused) {
    const text = kept.refused;
    return { ...m, saveAttachment: async () => { throw new InputError('IMPORT_INVALID', text); } };
  }
  return m;
}
