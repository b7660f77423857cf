/** A report a unit made on a task, as the 批示 rules see it. */
export interface UnitReport {
  id: number;
  unitId: number | null;
  taskId: number;
  at: Date;
}

/**
 * The feedback (反馈) to a 批示 from one unit on one task: its first report on that task at or after
 * the 批示 was given. Nothing else links them: a report made before the 批示 never answers it.
 */
export function feedbackOf<R extends UnitReport>(target: { taskId: number; unitId: number; issuedAt: Date }, reports: readonly R[]): R | null {
  let best: R | null = null;
  for (const r of reports) {
    if (r.taskId !== target.taskId || r.unitId !== target.unitId || r.at < target.issuedAt) continue;
    if (!best || r.at < best.at || (r.at.getTime() === best.at.getTime() && r.id < best.id)) best = r;
  }
  return best;
}

/** A 批示 with its units' answers, for counting. */
export interface InstructionStatus {
  targets: ReadonlyArray<{ answeredAt: Date | null; open: boolean }>;
}

/** 已反馈: every unit it was for has answered (or its part was 销号 since, nothing left to answer). */
export function isAnswered(i: InstructionStatus): boolean {
  return i.targets.length > 0 && i.targets.every((t) => t.answeredAt !== null || !t.open);
}

/** 您的批示：3条，已反馈2条 */
export function instructionTally(list: readonly InstructionStatus[]): { total: number; answered: number; line: string } {
  const answered = list.filter(isAnswered).length;
  return { total: list.length, answered, line: `您的批示：${list.length}条，已反馈${answered}条` };
}
