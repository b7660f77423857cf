import fs from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs to a file (append, created with its folder) or to stderr. */
export function createLogger(opts: { level: string; file?: string }): Logger {
  if (opts.file) {
    fs.mkdirSync(path.dirname(path.resolve(opts.file)), { recursive: true });
    return pino({ level: opts.level }, pino.destination({ dest: opts.file, append: true, sync: false, mkdir: true }));
  }
  return pino({ level: opts.level }, pino.destination(2));
}

export const silentLogger: Logger = pino({ level: 'silent' });
