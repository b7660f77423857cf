import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toLocalDate } from '../domain/calendar/shanghai-time.ts';
import { cnDate } from '../engine/open-tasks.ts';
import { COLORS, renderReportPng, type PngReport, type PngRow } from '../reports/render/render-report-png.ts';
import type { ChatTurn } from './chat-turn.ts';

// Longer than this, an answer also comes as a picture: a phone reads a table better than a wall of text.
export const PICTURE_AFTER_LINES = 20;
// A list answered with a picture keeps its first lines in the text, so the chat list still shows what it is about.
const LIST_LINES_KEPT = 10;

/** The traffic light of a state label, as the reports colour it. */
export function stateDot(label: string): string {
  return label === '滞后' || label === '受阻' ? COLORS.red : label === '未启动' ? COLORS.yellow : COLORS.green;
}

export const asOf = (turn: ChatTurn) => `截至${cnDate(toLocalDate(turn.now))}`;

/**
 * Answers with the text and, when given, the picture after it: both as this message's outbox rows,
 * applied with the message's interpreted mark (a retry sends neither twice).
 */
export async function replyWithPicture(turn: ChatTurn, text: string, picture: { report: PngReport; name: string; caption: string } | null): Promise<void> {
  const outbox = [turn.replyItem(text)];
  if (picture) {
    const png = await renderReportPng(picture.report);
    const dir = turn.deps.dataDir.startsWith('memory:') ? path.join(os.tmpdir(), 'duban-answers') : path.join(turn.deps.dataDir, 'answers');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${picture.name}-${turn.inboundId}.png`);
    fs.writeFileSync(file, png);
    outbox.push({ ...turn.notifyItem(`${picture.name}-png`, turn.here, picture.caption), attachment: file });
  }
  await turn.deps.work.apply({ outbox });
}

/**
 * A list answer (a unit's tasks, what is overdue): as text when short; when long, the heading and
 * the first lines as text and the whole list as a table picture.
 */
export async function replyList(turn: ChatTurn, head: string, lines: string[], picture: { name: string; caption: string; report: () => PngReport }): Promise<void> {
  if (lines.length + 1 <= PICTURE_AFTER_LINES) return turn.reply([head, ...lines].join('\n'));
  const text = [head, ...lines.slice(0, LIST_LINES_KEPT), `……另有${lines.length - LIST_LINES_KEPT}项，完整清单见下图。`].join('\n');
  await replyWithPicture(turn, text, { name: picture.name, caption: picture.caption, report: picture.report() });
}

/** Table rows with the state in `stateAt` coloured as a traffic light. */
export function dottedRows(rows: string[][], stateAt: number): PngRow[] {
  return rows.map((cells) => ({ cells, dot: stateDot(cells[stateAt] ?? '') }));
}
