/**
 * Retries a unit of database work that failed for a reason that passes (the machine was busy, a
 * connection dropped, a serialisation conflict), never one that would fail again (a constraint, bad
 * SQL). Only for work that is safe to repeat: idempotent writes or single statements that either
 * happened entirely or not at all.
 */
export async function withTransientRetry<T>(work: () => Promise<T>, opts: { attempts?: number; baseMs?: number; onRetry?: (e: unknown, attempt: number) => void } = {}): Promise<T> {
  const attempts = opts.attempts ?? 4;
  const base = opts.baseMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (attempt >= attempts || !isTransientDbError(e)) throw e;
      opts.onRetry?.(e, attempt);
      await new Promise((r) => setTimeout(r, base * 2 ** (attempt - 1)));
    }
  }
}

// Prisma: transaction timeout/start (P2028), unreachable (P1001), timeout (P1008), closed (P1017),
// write conflict or deadlock (P2034). Postgres: serialisation failure, deadlock, admin shutdown,
// connection classes. Node: sockets that reset.
const PRISMA = new Set(['P2028', 'P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2034']);
const SQLSTATE = /^(40001|40P01|57P01|57P02|57P03|53300|08\w{3})$/;
const NODE = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export function isTransientDbError(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = String((cur as { code?: unknown }).code ?? (cur as { originalCode?: unknown }).originalCode ?? '');
    if (PRISMA.has(code) || SQLSTATE.test(code) || NODE.has(code)) return true;
    if (/Unable to start a transaction in the given time|Transaction already closed|Connection terminated|timeout exceeded when trying to connect/i.test(String((cur as Error).message ?? ''))) return true;
  }
  return false;
}
