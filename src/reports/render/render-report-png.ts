import type { SKRSContext2D } from '@napi-rs/canvas';
import { ensureFonts, FONT_FAMILY, FONT_FAMILY_BOLD } from './fonts.ts';

export const COLORS = {
  red: '#d93025',
  yellow: '#f2a600',
  green: '#1e8e3e',
  done: '#5f8dd3',
  closed: '#9aa0a6',
  ink: '#202124',
  muted: '#5f6368',
  rule: '#dadce0',
  band: '#f6f8fb',
  head: '#e8eef7',
  accent: '#b3261e',
} as const;

export interface PngTile {
  label: string;
  value: string;
  color: string;
}

export interface PngBar {
  label: string;
  /** Stacked segments, drawn left to right. */
  segments: Array<{ value: number; color: string; label?: string }>;
  /** Text at the end of the bar (e.g. the score). */
  note?: string;
}

export interface PngColumn {
  title: string;
  /** Share of the table width. */
  width: number;
  align?: 'left' | 'right' | 'center';
  /** Lines a cell may wrap onto before it is cut with an ellipsis (default 1). */
  maxLines?: number;
}

export interface PngRow {
  cells: string[];
  /** A colored dot before the first cell (the traffic light). */
  dot?: string;
  emphasis?: boolean;
}

export interface PngReport {
  title: string;
  subtitle?: string;
  tiles?: PngTile[];
  /** labelWidth: pixels for the bar labels (default 260), for labels that must not be cut, like unit names. */
  chart?: { title: string; bars: PngBar[]; legend?: Array<{ label: string; color: string }>; labelWidth?: number };
  table?: { title?: string; columns: PngColumn[]; rows: PngRow[] };
  footer?: string[];
}

const WIDTH = 1240;
const PAD = 48;
const ROW_H = 40;
/** Line pitch inside a table cell that wraps. */
const CELL_LINE_H = 26;
const BAR_H = 26;

/**
 * Draws a report as one tall PNG: title, count tiles, a bar chart and a table. Encoding (most of
 * the time) runs off the main thread, so several reports can be rendered at once.
 */
export async function renderReportPng(report: PngReport): Promise<Buffer> {
  await ensureFonts();
  // Loaded with the first picture: nothing that only answers chat pays for the canvas library.
  const { createCanvas } = await import('@napi-rs/canvas');
  // Wrapped cells make rows of different heights: lay the table out with a scratch canvas first.
  const rowHeights = report.table ? tableRowHeights(createCanvas(1, 1).getContext('2d'), report.table) : [];
  const height = layoutHeight(report, rowHeights);
  const canvas = createCanvas(WIDTH, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, WIDTH, height);
  ctx.textBaseline = 'middle';

  let y = PAD;
  ctx.fillStyle = COLORS.accent;
  ctx.fillRect(0, 0, WIDTH, 10);
  ctx.fillStyle = COLORS.ink;
  ctx.font = `36px "${FONT_FAMILY_BOLD}"`;
  ctx.textAlign = 'center';
  ctx.fillText(fit(ctx, report.title, WIDTH - 2 * PAD), WIDTH / 2, y + 20);
  y += 56;
  if (report.subtitle) {
    ctx.font = `22px "${FONT_FAMILY}"`;
    ctx.fillStyle = COLORS.muted;
    ctx.fillText(fit(ctx, report.subtitle, WIDTH - 2 * PAD), WIDTH / 2, y + 12);
    y += 44;
  }
  ctx.textAlign = 'left';

  if (report.tiles?.length) {
    y += 8;
    const gap = 16;
    const w = (WIDTH - 2 * PAD - gap * (report.tiles.length - 1)) / report.tiles.length;
    report.tiles.forEach((t, i) => {
      const x = PAD + i * (w + gap);
      ctx.fillStyle = COLORS.band;
      roundRect(ctx, x, y, w, 96, 10);
      ctx.fill();
      ctx.fillStyle = t.color;
      ctx.fillRect(x, y + 10, 6, 76);
      ctx.font = `40px "${FONT_FAMILY_BOLD}"`;
      ctx.fillText(t.value, x + 22, y + 38);
      ctx.font = `20px "${FONT_FAMILY}"`;
      ctx.fillStyle = COLORS.muted;
      ctx.fillText(fit(ctx, t.label, w - 30), x + 22, y + 76);
    });
    y += 96 + 28;
  }

  if (report.chart && report.chart.bars.length) {
    y = drawChart(ctx, report.chart, y);
  }

  if (report.table) {
    y = drawTable(ctx, report.table, rowHeights, y);
  }

  if (report.footer?.length) {
    ctx.font = `18px "${FONT_FAMILY}"`;
    ctx.fillStyle = COLORS.muted;
    for (const line of report.footer) {
      for (const l of wrap(ctx, line, WIDTH - 2 * PAD)) {
        ctx.fillText(l, PAD, y + 14);
        y += 28;
      }
    }
  }
  return canvas.encode('png');
}

function layoutHeight(r: PngReport, rowHeights: readonly number[]): number {
  let h = PAD + 56 + (r.subtitle ? 44 : 0);
  if (r.tiles?.length) h += 8 + 96 + 28;
  if (r.chart && r.chart.bars.length) h += 44 + (r.chart.legend?.length ? 36 : 0) + r.chart.bars.length * (BAR_H + 10) + 24;
  if (r.table) h += (r.table.title ? 44 : 0) + ROW_H + rowHeights.reduce((s, x) => s + x, 0) + 28;
  // footer lines may wrap; ~60 Chinese characters per line at 18px
  if (r.footer?.length) h += r.footer.reduce((n, l) => n + Math.max(1, Math.ceil(l.length / 60)) * 28, 0);
  return Math.ceil(h + PAD);
}

function drawChart(ctx: SKRSContext2D, chart: NonNullable<PngReport['chart']>, top: number): number {
  let y = top;
  ctx.font = `24px "${FONT_FAMILY_BOLD}"`;
  ctx.fillStyle = COLORS.ink;
  ctx.fillText(chart.title, PAD, y + 14);
  y += 44;
  if (chart.legend?.length) {
    let x = PAD;
    ctx.font = `18px "${FONT_FAMILY}"`;
    for (const l of chart.legend) {
      ctx.fillStyle = l.color;
      ctx.fillRect(x, y + 4, 18, 18);
      ctx.fillStyle = COLORS.muted;
      ctx.fillText(l.label, x + 26, y + 13);
      x += 40 + ctx.measureText(l.label).width;
    }
    y += 36;
  }
  const labelW = chart.labelWidth ?? 260;
  const noteW = 110;
  const plotW = WIDTH - 2 * PAD - labelW - noteW;
  const max = Math.max(1, ...chart.bars.map((b) => b.segments.reduce((s, x) => s + x.value, 0)));
  for (const bar of chart.bars) {
    ctx.font = `18px "${FONT_FAMILY}"`;
    ctx.fillStyle = COLORS.ink;
    ctx.textAlign = 'right';
    ctx.fillText(fit(ctx, bar.label, labelW - 12), PAD + labelW - 12, y + BAR_H / 2);
    ctx.textAlign = 'left';
    let x = PAD + labelW;
    for (const seg of bar.segments) {
      const w = (seg.value / max) * plotW;
      if (w <= 0) continue;
      ctx.fillStyle = seg.color;
      ctx.fillRect(x, y, w, BAR_H);
      if (seg.label && w > 28) {
        ctx.fillStyle = '#ffffff';
        ctx.font = `16px "${FONT_FAMILY}"`;
        ctx.textAlign = 'center';
        ctx.fillText(seg.label, x + w / 2, y + BAR_H / 2);
        ctx.textAlign = 'left';
      }
      x += w;
    }
    if (bar.note) {
      ctx.fillStyle = COLORS.ink;
      ctx.font = `18px "${FONT_FAMILY_BOLD}"`;
      ctx.fillText(bar.note, x + 10, y + BAR_H / 2);
    }
    y += BAR_H + 10;
  }
  return y + 24;
}

type Table = NonNullable<PngReport['table']>;

const cellFont = (bold: boolean): string => `${bold ? 20 : 19}px "${bold ? FONT_FAMILY_BOLD : FONT_FAMILY}"`;

/** Each column's left edge and width in pixels. */
function columnBoxes(table: Table): Array<{ x: number; w: number }> {
  const innerW = WIDTH - 2 * PAD;
  const total = table.columns.reduce((s, c) => s + c.width, 0);
  let acc = PAD;
  return table.columns.map((c) => {
    const box = { x: acc, w: (c.width / total) * innerW };
    acc += box.w;
    return box;
  });
}

/** The lines a cell is drawn as: wrapped up to the column's maxLines, the last one cut with an ellipsis. */
function cellLines(ctx: SKRSContext2D, text: string, width: number, maxLines: number): string[] {
  if (maxLines <= 1) return [fit(ctx, text, width)];
  const lines = wrap(ctx, text, width);
  if (lines.length <= maxLines) return lines;
  return [...lines.slice(0, maxLines - 1), fit(ctx, lines.slice(maxLines - 1).join(''), width)];
}

/** Inner width of a cell: padding, and room for the dot in the first column. */
const cellWidth = (box: { w: number }, i: number, dot: boolean): number => box.w - 20 - (i === 0 && dot ? 24 : 0);

/** The lines each cell of a table is drawn as (row, cell, line): what a reader of the picture sees. */
export async function drawnCellLines(table: Table): Promise<string[][][]> {
  await ensureFonts();
  const { createCanvas } = await import('@napi-rs/canvas');
  return tableCellLines(createCanvas(1, 1).getContext('2d'), table);
}

function tableCellLines(ctx: SKRSContext2D, table: Table): string[][][] {
  const boxes = columnBoxes(table);
  return table.rows.map((row) => {
    ctx.font = cellFont(row.emphasis ?? false);
    return row.cells.map((cell, i) => cellLines(ctx, cell, cellWidth(boxes[i]!, i, !!row.dot), table.columns[i]?.maxLines ?? 1));
  });
}

function tableRowHeights(ctx: SKRSContext2D, table: Table): number[] {
  return tableCellLines(ctx, table).map((cells) => {
    const lines = Math.max(1, ...cells.map((c) => c.length));
    return lines === 1 ? ROW_H : lines * CELL_LINE_H + 14;
  });
}

function drawTable(ctx: SKRSContext2D, table: Table, rowHeights: readonly number[], top: number): number {
  let y = top;
  if (table.title) {
    ctx.font = `24px "${FONT_FAMILY_BOLD}"`;
    ctx.fillStyle = COLORS.ink;
    ctx.fillText(table.title, PAD, y + 14);
    y += 44;
  }
  const innerW = WIDTH - 2 * PAD;
  const boxes = columnBoxes(table);
  const drawRow = (cells: string[], rowY: number, rowH: number, bold: boolean, dot?: string): void => {
    ctx.font = cellFont(bold);
    cells.forEach((cell, i) => {
      const col = table.columns[i];
      if (!col) return;
      let x = boxes[i]!.x + 10;
      const w = cellWidth(boxes[i]!, i, !!dot);
      if (i === 0 && dot) {
        ctx.fillStyle = dot;
        ctx.beginPath();
        ctx.arc(x + 8, rowY + rowH / 2, 8, 0, Math.PI * 2);
        ctx.fill();
        x += 24;
      }
      ctx.fillStyle = COLORS.ink;
      const lines = cellLines(ctx, cell, w, col.maxLines ?? 1);
      const align = col.align ?? 'left';
      ctx.textAlign = align;
      // Lines sit centred in the row as a block, so a one-line cell beside a two-line one stays level with its middle.
      const first = rowY + rowH / 2 - ((lines.length - 1) * CELL_LINE_H) / 2;
      lines.forEach((l, k) => ctx.fillText(l, align === 'left' ? x : align === 'right' ? x + w : x + w / 2, first + k * CELL_LINE_H));
      ctx.textAlign = 'left';
    });
  };
  ctx.fillStyle = COLORS.head;
  ctx.fillRect(PAD, y, innerW, ROW_H);
  drawRow(
    table.columns.map((c) => c.title),
    y,
    ROW_H,
    true,
  );
  y += ROW_H;
  table.rows.forEach((row, idx) => {
    const rowH = rowHeights[idx] ?? ROW_H;
    if (idx % 2 === 1) {
      ctx.fillStyle = COLORS.band;
      ctx.fillRect(PAD, y, innerW, rowH);
    }
    drawRow(row.cells, y, rowH, row.emphasis ?? false, row.dot);
    ctx.fillStyle = COLORS.rule;
    ctx.fillRect(PAD, y + rowH - 1, innerW, 1);
    y += rowH;
  });
  return y + 28;
}

/** Shortens text with an ellipsis so it fits `width` pixels in the current font. */
function fit(ctx: SKRSContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕”’…,.;:?!)']);

function wrap(ctx: SKRSContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (ctx.measureText(line + ch).width > width && line) {
      // A line does not start with closing punctuation (，。、）…): the character before it moves down too.
      // (By code point: a rare character outside the BMP is two UTF-16 units and must not be split.)
      const chars = [...line];
      const carry = NO_LINE_START.has(ch) && chars.length > 1 ? chars.at(-1)! : '';
      lines.push(carry ? line.slice(0, -carry.length) : line);
      line = carry + ch;
    } else line += ch;
  }
  if (line) lines.push(line);
  return lines;
}

function roundRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}
