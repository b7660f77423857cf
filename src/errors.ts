/**
 * The few error classes the bot throws on purpose. Each carries a stable `code` (for logs and
 * tests), a user-facing Chinese message that says what and where, and a `hint` that tells the
 * operator how to fix it.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'MIGRATION_CHANGED'
  | 'MIGRATION_FAILED'
  | 'DB_UNAVAILABLE'
  | 'DB_IN_USE'
  | 'REDIS_UNAVAILABLE'
  | 'IMPORT_INVALID'
  | 'CADENCE_INVALID'
  | 'CALENDAR_UNKNOWN_YEAR'
  | 'CHAT_UNAVAILABLE'
  | 'CHAT_REJECTED'
  | 'CHAT_RATE_LIMITED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'IO_FAILED';

export class DubanError extends Error {
  override readonly name: string = 'DubanError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** One line for a terminal: message, then the fix. */
  describe(): string {
    return this.hint ? `${this.message}\n  → ${this.hint}` : this.message;
  }
}

/** Bad configuration: a field, its value, what was expected. */
export class ConfigError extends DubanError {
  override readonly name = 'ConfigError';
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, hint, options);
  }
}

/** Storage: migrations and database connectivity. */
export class StoreError extends DubanError {
  override readonly name = 'StoreError';
}

/** Input documents, ledgers, cadence files and replies that cannot be used as given. */
export class InputError extends DubanError {
  override readonly name = 'InputError';
}

/** Chat channel failures (not logged in, send refused). Transient unless stated. */
export class ChatError extends DubanError {
  override readonly name: string = 'ChatError';
}

/** The platform refused for good (unknown group, bot removed, bad chat id): retrying cannot help. */
export class ChatRejectedError extends ChatError {
  override readonly name = 'ChatRejectedError';
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super('CHAT_REJECTED', message, hint, options);
  }
}

/** The platform asked us to slow down: try again after `retryAfterMs`; not a failure. */
export class ChatRateLimitedError extends ChatError {
  override readonly name = 'ChatRateLimitedError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown; ownPacing?: boolean },
    /** chat: only this chat is full (others may go on); account: the whole bot must slow down. */
    readonly scope: 'chat' | 'account' = 'account',
  ) {
    super('CHAT_RATE_LIMITED', message, undefined, options?.cause === undefined ? undefined : { cause: options.cause });
    this.ownPacing = options?.ownPacing ?? false;
  }

  /** Refused by our own pacing before the platform was asked, not by the platform: no sign of trouble. */
  readonly ownPacing: boolean;
}

export function isDubanError(e: unknown): e is DubanError {
  return e instanceof DubanError;
}
