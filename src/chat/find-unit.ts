import type { Tx } from './chat-deps.ts';

/** A unit by its name, one of its aliases, or a unique partial name (商务局 → 区商务局). */
export async function findUnit(tx: Tx, name: string): Promise<{ id: number; name: string } | null> {
  const n = name.trim();
  const select = { id: true, name: true } as const;
  const exact = (await tx.unit.findUnique({ where: { name: n }, select })) ?? (await tx.unit.findFirst({ where: { aliases: { has: n } }, select }));
  if (exact) return exact;
  const partial = await tx.unit.findMany({ where: { name: { contains: n } }, select, take: 2 });
  return partial.length === 1 ? partial[0]! : null;
}
