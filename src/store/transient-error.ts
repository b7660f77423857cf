import { setTimeout as sleep } from 'node:timers/promises';

// Prisma codes that mean "the database was busy or away", not "this statement is wrong":
// P1001/P1002 cannot reach, P1008 timed out, P1017 connection closed, P2024 pool timeout,
// P2028 "Unable to start a transaction in the given time", P2034 write conflict / deadlock; and the
// socket errors Node raises when a connection drops.
const TRANSIENT_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
// PostgreSQL SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown), 40001/40P01 (retry).
const TRANSIENT_SQLSTATE = /^(08|53|57P|40001|40P01)/;
const TRANSIENT_TEXT =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|connection (?:is )?closed|Can't reach database|terminating connection|the database system is (?:shutting down|starting up)|Unable to start a transaction|Transaction already closed|timeout|ConnectionClosed|DatabaseNotReachable|Client has encountered a connection error|closed the connection|not yet accepting connections|Client was closed|Connection ended|server login has been failing|Cannot use a pool after calling end/i;

/**
 * A change worked out from a read that another writer has since overtaken: nothing was written, and
 * doing the whole step again from a new read is the fix. Retried like a write conflict (P2034).
 */
export class StaleReadError extends Error {
  override readonly name = 'StaleReadError';
  readonly code = 'P2034';
  constructor() {
    super('the parts this change was based on changed since they were read; read again and retry');
  }
}

/**
 * Whether an error from the database is worth retrying: the server was down, restarting, busy or
 * the pool was exhausted. A constraint violation or a bug is not — retrying it only repeats it.
 */
export function isTransientDbError(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 5; depth++) {
    const o = x as { code?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown; kind?: unknown };
    if (typeof o.code === 'string' && (TRANSIENT_CODES.has(o.code) || TRANSIENT_SQLSTATE.test(o.code))) return true;
    if (typeof o.originalCode === 'string' && TRANSIENT_SQLSTATE.test(o.originalCode)) return true;
    if (typeof o.kind === 'string' && /ConnectionClosed|DatabaseNotReachable|SocketTimeout|TooManyConnections|TransactionAlreadyClosed/.test(o.kind)) return true;
    if (typeof o.message === 'string' && TRANSIENT_TEXT.test(o.message)) return true;
    x = o.cause;
  }
  return false;
}

export interface RetryOptions {
  /** Waits between attempts, in ms; attempts = waits.length + 1. */
  waits?: readonly number[];
  /** Stop retrying when this aborts (shutdown). */
  signal?: AbortSignal;
  onRetry?: (e: unknown, attempt: number) => void;
}

/**
 * Runs `fn`, retrying transient database errors after each wait (real time: this is I/O back-off,
 * not business time, so it does not go through the injected clock). Other errors throw at once.
 */
export async function retryTransient<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const waits = opts.waits ?? [50, 200, 1_000];
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= waits.length || !isTransientDbError(e) || opts.signal?.aborted) throw e;
      opts.onRetry?.(e, attempt + 1);
      await sleep(waits[attempt]!, undefined, opts.signal ? { signal: opts.signal } : undefined).catch(() => undefined);
    }
  }
}
