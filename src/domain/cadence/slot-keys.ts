/**
 * Idempotency keys. A key names one logical message: the cadence, the slot, the recipient and,
 * for a message split for WeChat, the part. The outbox keeps keys unique, so planning a slot twice
 * (a second worker, a retry after a crash) cannot send twice.
 */
export function slotStamp(at: Date): string {
  return at.toISOString().slice(0, 16) + 'Z';
}

export function outboxKey(cadenceKey: string, slotAt: Date, recipient: string, part?: { index: number; total: number }): string {
  const base = `${cadenceKey}:${slotStamp(slotAt)}:${recipient}`;
  return part && part.total > 1 ? `${base}#p${part.index + 1}` : base;
}
