import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import type { IncomingMessage } from '../ports/chat.ts';
import { refusalText, withKept } from './inbound-files.ts';

/** A message as kept on disk while the database is away. */
interface SpoolEntry {
  m: Omit<IncomingMessage, 'saveAttachment' | 'sentAt'> & { sentAt: string };
  receivedAt: string;
  /** An image or file, saved beside the spool at once: the channel's handle may not outlive the process. */
  file?: string;
  /** The file was refused (over the size limit): the answer its sender gets once it is read. */
  refused?: string;
}

export interface SpooledMessage {
  message: IncomingMessage;
  receivedAt: Date;
}

/**
 * A local, append-only file of inbound messages that could not be stored because the database was
 * down. Each line is written and fsync'd before `append` resolves, so a crash right after loses
 * nothing; `drain` hands every line to `store` and rewrites the file (atomically, by rename) with
 * the ones that still could not be stored. One process owns a data dir (the bot), and all file work
 * goes through one queue, so appends never race a rewrite.
 */
export function createInboundSpool(dataDir: string) {
  const dir = path.join(dataDir, 'inbound-spool');
  const file = path.join(dir, 'messages.jsonl');
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  function read(): SpoolEntry[] {
    if (!fs.existsSync(file)) return [];
    const out: SpoolEntry[] = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as SpoolEntry);
      } catch {
        // A torn last line from a crash mid-append: that message was never acknowledged as spooled.
      }
    }
    return out;
  }

  const toMessage = (e: SpoolEntry): SpooledMessage => ({
    receivedAt: new Date(e.receivedAt),
    message: withKept({ ...e.m, sentAt: new Date(e.m.sentAt) }, { attachment: e.file ?? null, refused: e.refused ?? null }),
  });

  return {
    file,
    /** Keeps a message on disk; resolves once it is durable. */
    append(m: IncomingMessage, receivedAt: Date): Promise<void> {
      return serial(async () => {
        fs.mkdirSync(dir, { recursive: true });
        let saved: string | undefined;
        let refused: string | undefined;
        if (m.saveAttachment) {
          saved = await m.saveAttachment(path.join(dir, 'files')).catch((e: unknown) => {
            if (e instanceof InputError) refused = refusalText(e);
            return undefined;
          });
        }
        const { saveAttachment: _drop, ...rest } = m;
        const entry: SpoolEntry = {
          m: { ...rest, sentAt: m.sentAt.toISOString() }, receivedAt: receivedAt.toISOString(), ...(saved ? { file: saved } : {}), ...(refused ? { refused } : {}),
        };
        const fd = fs.openSync(file, 'a');
        try {
          fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
      });
    },
    /** How many messages wait on disk. */
    size(): number {
      return read().length;
    },
    /** Who has messages waiting on disk: their later messages wait behind them. */
    talkers(): Set<string> {
      return new Set(read().map((e) => e.m.talkerId));
    },
    /**
     * Offers each spooled message to `store` in arrival order. `store` throws while the database is
     * still away (draining stops, the rest stays); it returns 'rejected' for a message the database
     * will never take, which is moved to rejected.jsonl for an operator rather than block the rest.
     * Returns how many left the spool.
     */
    drain(store: (s: SpooledMessage) => Promise<'stored' | 'rejected'>): Promise<number> {
      return serial(async () => {
        const entries = read();
        if (!entries.length) return 0;
        let done = 0;
        for (const e of entries) {
          try {
            if ((await store(toMessage(e))) === 'rejected') fs.appendFileSync(path.join(dir, 'rejected.jsonl'), `${JSON.stringify(e)}\n`);
          } catch {
            break;
          }
          done++;
        }
        const left = entries.slice(done);
        const tmp = `${file}.tmp`;
        fs.writeFileSync(tmp, left.map((e) => `${JSON.stringify(e)}\n`).join(''));
        const fd = fs.openSync(tmp, 'r');
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        fs.renameSync(tmp, file);
        return done;
      });
    },
  };
}

export type InboundSpool = ReturnType<typeof createInboundSpool>;
