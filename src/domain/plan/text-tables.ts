import { columnOf, findHeader, type TableRow } from './parse-plan-table.ts';
import { readMarker } from './numbering.ts';
import type { SourceLine } from './document-header.ts';

/**
 * Ledgers pasted as text, recognised by their shape and handed to the table parser like a
 * workbook's rows:
 * - pipe rows: `序号 | 任务 | 责任单位 |` (a web page or Markdown copy), one row per line;
 * - pipe-ended cells: `序号 |` then `任务 |` … one cell per line, a cell may wrap onto more lines;
 * - one cell per line under a header of column names one per line (a PDF or a table copied
 *   cell by cell), rows re-formed by the header's width and, where there is one, the 序号 column.
 * Tab-separated rows are read by the caller (delimitedRows). Lines outside the table become
 * one-cell rows, so a title above the header and 一、 headings between rows keep their meaning.
 */
export function tableFromText(lines: SourceLine[]): TableRow[] | null {
  return pipeRows(lines) ?? pipeEndedCells(lines) ?? cellPerLine(lines);
}

const usable = (rows: TableRow[]): TableRow[] | null => {
  const header = findHeader(rows);
  if (!header || !header.columns.has('text')) return null;
  const width = rows[header.index]!.cells.length;
  return width >= 2 && rows.slice(header.index + header.height).some((r) => r.cells.filter((c) => c.trim()).length >= 2) ? rows : null;
};

function splitPipes(text: string): string[] {
  const cells = text.split('|').map((c) => c.trim());
  if (cells[0] === '') cells.shift();
  if (cells[cells.length - 1] === '') cells.pop();
  return cells;
}

const SEPARATOR_ROW = /^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$/;

function pipeRows(lines: SourceLine[]): TableRow[] | null {
  const piped = lines.filter((l) => splitPipes(l.text).length >= 2);
  if (piped.length < 2) return null;
  const rows: TableRow[] = [];
  for (const l of lines) {
    const t = l.text.trim();
    if (!t || SEPARATOR_ROW.test(t)) continue;
    rows.push({ row: l.no, cells: t.includes('|') ? splitPipes(t) : [t] });
  }
  return usable(rows);
}

function pipeEndedCells(lines: SourceLine[]): TableRow[] | null {
  const ended = lines.filter((l) => /\|\s*$/.test(l.text) && splitPipes(l.text).length === 1);
  if (ended.length < 4) return null;
  // Each cell: the text up to its closing pipe, over as many lines as it wraps onto.
  const cells: { text: string; line: number }[] = [];
  const before: SourceLine[] = [];
  let cur: string[] = [];
  let curLine = 0;
  for (const l of lines) {
    const t = l.text.trim();
    if (!t) continue;
    if (!t.includes('|')) {
      if (cells.length === 0 && cur.length === 0) before.push(l);
      else {
        if (cur.length === 0) curLine = l.no;
        cur.push(t);
      }
      continue;
    }
    const parts = t.split('|');
    for (let k = 0; k < parts.length - 1; k++) {
      if (cur.length === 0) curLine = l.no;
      cur.push(parts[k]!.trim());
      cells.push({ text: cur.join('\n').trim(), line: curLine });
      cur = [];
    }
    const rest = parts[parts.length - 1]!.trim();
    if (rest) {
      curLine = l.no;
      cur.push(rest);
    }
  }
  return regroup(cells, before);
}

function cellPerLine(lines: SourceLine[]): TableRow[] | null {
  const nonEmpty = lines.filter((l) => l.text.trim());
  // The header: three or more column names in a row, one per line.
  let start = -1;
  let width = 0;
  for (let i = 0; i < nonEmpty.length && start < 0; i++) {
    let k = i;
    while (k < nonEmpty.length && isColumnName(nonEmpty[k]!.text)) k++;
    if (k - i >= 3) {
      start = i;
      width = k - i;
    }
  }
  if (start < 0) return null;
  const cells = nonEmpty.slice(start).map((l) => ({ text: l.text.trim(), line: l.no }));
  return regroup(cells, nonEmpty.slice(0, start), width);
}

/** Exact column names only ("责任单位", not a sentence that mentions one). */
function isColumnName(text: string): boolean {
  const t = text.trim().replace(/\s*\|$/, '');
  return [...t].length <= 10 && columnOf(t) != null;
}

/**
 * Cells in reading order → rows of the header's width. With a 序号 column first, a row starts at
 * the next number, and a row with more cells than columns had its task text wrapped onto extra
 * lines: they are joined back into the task column.
 */
function regroup(cells: { text: string; line: number }[], before: SourceLine[], knownWidth?: number): TableRow[] | null {
  let width = knownWidth ?? 0;
  if (!width) while (width < cells.length && isColumnName(cells[width]!.text)) width++;
  if (width < 2 || cells.length < width * 2) return null;
  const header = cells.slice(0, width);
  const rows: TableRow[] = before.map((l) => ({ row: l.no, cells: [l.text.trim()] }));
  rows.push({ row: header[0]!.line, cells: header.map((c) => c.text) });
  const headerCols = header.map((c) => columnOf(c.text));
  const numbered = headerCols[0] === 'no';
  const textCol = Math.max(0, headerCols.indexOf('text'));
  const body = cells.slice(width);
  if (!numbered) {
    for (let i = 0; i < body.length; i += width) rows.push({ row: body[i]!.line, cells: body.slice(i, i + width).map((c) => c.text) });
    return usable(rows);
  }
  let expected = 1;
  let cur: { text: string; line: number }[] | null = null;
  const flush = () => {
    if (!cur) return;
    const c = cur.map((x) => x.text);
    // Extra cells: the task text wrapped onto several lines.
    while (c.length > width) c.splice(textCol, 2, `${c[textCol]}\n${c[textCol + 1]}`);
    rows.push({ row: cur[0]!.line, cells: c });
    cur = null;
  };
  for (const cell of body) {
    const n = /^\d+$/.test(cell.text) ? Number(cell.text) : NaN;
    if (n === expected || (cur == null && Number.isFinite(n))) {
      flush();
      cur = [cell];
      expected = n + 1;
    } else if (cur == null || (cur.length >= width && /^(cn、|\(cn\)|第cn)$/.test(readMarker(cell.text)?.style ?? ''))) {
      // A heading between rows (一、产业发展) or text before the first row.
      flush();
      rows.push({ row: cell.line, cells: [cell.text] });
    } else cur.push(cell);
  }
  flush();
  return usable(rows);
}
