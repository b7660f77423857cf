import { columnOf, isColumnLabel, type TableRow } from '../domain/plan/parse-plan-table.ts';
import { isFurniture } from '../domain/plan/document-header.ts';
import { dropAutospace } from '../domain/plan/normalise-text.ts';
import { headerItems, isHeaderLine, words, type Item, type Line } from './pdf-lines.ts';
import type { Ruling, VRule } from './pdf-rules.ts';

/**
 * A PDF's lines laid out again as table rows, when a line holds a ledger's column names: each text
 * item goes to the column whose header sits above it, and a row starts where the 序号 column has a
 * number (or, without one, where the task column starts a new cell), so a PDF ledger goes through
 * the same table parser as .xlsx and .docx. Where the table is ruled, its horizontal rules bound
 * the rows instead: a cell printed vertically centred beside a tall one (its 序号 half-way down the
 * row) then lands in its own row, not the one above.
 */

/** A run of rows whose cell in one column was read as one merged cell (no rule between them): the importer says so. */
export interface MergedRun {
  column: string;
  rows: number[];
  text: string;
}

/** Items of a line joined; a gap wider than a character becomes a space (two runs of text). */
export function lineText(line: Line): string {
  let out = '';
  let prev: Item | null = null;
  for (const it of line.items) {
    if (prev && it.x - prev.right > it.size * 0.9) out += ' ';
    out += it.str;
    prev = it;
  }
  return dropAutospace(out.trim());
}

/**
 * Where one column ends and the next begins: the vertical rule drawn between two column names, or
 * (no rule there: an unruled table, or borders this reader did not get) half-way between them. A
 * rule beats the half-way mark where names are centred over their columns and the text below is
 * not: a narrow 序号 column's centred name would else claim the start of the task text beside it.
 * `ruled` says which bounds are drawn: only a drawn border may cut an item in two.
 */
function columnBounds(header: Item[], line: Line, verticals: VRule[]): { x: number; ruled: boolean }[] {
  const crossing = verticals.filter((v) => v.y1 <= line.y + 1 && v.y2 >= line.y - 1).map((v) => v.x);
  return header.slice(1).map((it, k) => {
    const left = header[k]!.right;
    const between = crossing.filter((x) => x > left && x < it.x);
    if (between.length === 0) return { x: (left + it.x) / 2, ruled: false };
    // A border drawn as a thin filled box has two edges: its middle.
    return { x: (Math.min(...between) + Math.max(...between)) / 2, ruled: true };
  });
}

/**
 * "1 建成口袋公园…" where the 序号 is printed right-aligned next to the task text (Excel does) and the
 * reader joined the two with a space: the number is cut off when it ends before the next column's name.
 */
function leadingNumber(it: Item, nextColumn: number): Item[] {
  if (!/^\d+\s+\S/.test(it.str)) return [it];
  const [no, ...rest] = words(it);
  // The text after it starts at the next column's name: a task line beginning with a number
  // ("2026年…", a wrapped "300户…") starts left of a name centred over its column.
  if (!no || rest.length === 0 || no.x >= nextColumn - 2 || no.right > nextColumn + 1 || rest[0]!.x < nextColumn - 2) return [it];
  return [no, { x: rest[0]!.x, right: it.right, y: it.y, size: it.size, str: rest.map((w) => w.str).join(' ') }];
}

/**
 * An item's words, grouped into the cells a drawn column border separates: it is cut only at a
 * blank whose gap holds a border (two cells' text the reader joined with a space, their padding
 * being under 0.6 em); words of one cell stay together with their spaces.
 */
function cutAtBorders(it: Item, borders: number[]): Item[] {
  const ws = words(it);
  const out: Item[] = [];
  for (const w of ws) {
    const prev = out[out.length - 1];
    const border = prev && borders.some((b) => prev.right - 1 <= b && b <= w.x + 1);
    if (prev && !border) out[out.length - 1] = { x: prev.x, right: w.right, y: prev.y, size: prev.size, str: `${prev.str} ${w.str}` };
    else out.push(w);
  }
  return out;
}

/**
 * Row boundaries of the table on each page: heights where a rule crosses the task column, merged
 * when closer than 2 points (a thin filled rectangle has two edges), top to bottom.
 */
function rowBoundaries(rulings: ReadonlyMap<number, Ruling>, x1: number, x2: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const [page, { rules: list }] of rulings) {
    const ys = list.filter((r) => r.x1 <= x1 + 2 && r.x2 >= x2 - 2).map((r) => r.y).sort((a, b) => b - a);
    const merged: number[] = [];
    for (const y of ys) if (merged.length === 0 || merged[merged.length - 1]! - y > 2) merged.push(y);
    if (merged.length >= 3) out.set(page, merged);
  }
  return out;
}

/** A heading across the table (一、产业发展): one cell, a chapter or section numeral. */
function isHeading(cells: string[], text: string): boolean {
  return cells.filter(Boolean).length === 1 && /^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]/.test(text);
}

/**
 * Rows of a numbered table with no rules to go by, from where its lines sit: between two numbered
 * lines the rows part at the widest gap (cell padding on both sides of the border), so the upper
 * lines of a tall cell whose number is printed half-way down go with that number, as they would
 * with top-aligned cells (where the widest gap is just above the next number). Lines right above a
 * page's first number go with it only when no wider than a line apart (else they continue the row
 * of the page before); lines between a heading (or the header printed again) and the next number
 * are that number's. Returns a row key for each line it places; headings and lines it cannot place
 * are left to the caller.
 */
function rowsByGaps(lines: Line[], isAnchor: (l: Line) => boolean, isHeadingLine: (l: Line) => boolean): Map<Line, string> {
  const out = new Map<Line, string>();
  const pages = new Map<number, Line[]>();
  for (const l of lines) (pages.get(l.page) ?? pages.set(l.page, []).get(l.page)!).push(l);
  for (const [page, ls] of pages) {
    const gaps = ls.slice(1).map((l, i) => ls[i]!.y - l.y).filter((g) => g > 0.5);
    if (gaps.length === 0) continue;
    // The usual distance between lines (the median: centred short cells add half-steps).
    const pitch = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    const markers = ls.flatMap((l, i) => (isAnchor(l) ? [{ i, anchor: true }] : isHeadingLine(l) ? [{ i, anchor: false }] : []));
    const key = (i: number) => `gap:${page}:${i}`;
    for (const m of markers) if (m.anchor) out.set(ls[m.i]!, key(m.i));
    const first = markers[0];
    if (first?.anchor) {
      // Above the page's first number: the top of its row only if the lines run on without a wider gap.
      let k = first.i;
      while (k > 0 && ls[k - 1]!.y - ls[k]!.y <= pitch * 1.2 && !isHeadingLine(ls[k - 1]!)) out.set(ls[--k]!, key(first.i));
    }
    markers.forEach((a, n) => {
      const b = markers[n + 1];
      const end = b ? b.i : ls.length;
      if (!a.anchor) {
        if (b?.anchor) for (let k = a.i + 1; k < end; k++) out.set(ls[k]!, key(b.i));
        return;
      }
      if (!b?.anchor) {
        for (let k = a.i + 1; k < end; k++) out.set(ls[k]!, key(a.i));
        return;
      }
      // Part at the widest gap; on a tie, the lowest (the top-aligned reading).
      let split = b.i;
      let widest = -1;
      for (let k = a.i + 1; k <= b.i; k++) {
        const gap = ls[k - 1]!.y - ls[k]!.y;
        if (gap >= widest - 0.25) {
          widest = Math.max(widest, gap);
          split = k;
        }
      }
      for (let k = a.i + 1; k < b.i; k++) out.set(ls[k]!, key(k < split ? a.i : b.i));
    });
  }
  return out;
}

/**
 * A line right under a header without rules is more of the header only when every item on it is a
 * column's own name, or ends the name above it as one ("完成" + "时限"): anything looser would take
 * a short first row ("建立工作台账 | 区财政局 | 6月底前") or a heading for names.
 */
function continuesHeader(line: Line, above: Line, top: Item[]): boolean {
  const size = line.items[0]?.size ?? 10;
  if (above.y - line.y > 2 * size) return false;
  return line.items.every((it) => {
    const name = it.str.trim();
    if (isColumnLabel(name)) return true;
    const centre = (it.x + it.right) / 2;
    const over = top.find((c) => c.x - 2 <= centre && centre <= c.right + 2);
    return !!over && isColumnLabel(over.str.trim() + name);
  });
}

/**
 * The header's lines as one row of column names, left to right. A piece under a name that is not a
 * column's own name continues it ("工作内容" + "及目标"); names under a name are its sub-columns and take
 * its place ("责任单位" over "牵头单位"); a name under no column is a column of its own (the
 * spanning name's other sub-columns).
 */
function mergeHeader(top: Item[], more: Line[]): Item[] {
  let cols = top.map((it) => ({ ...it, str: it.str.trim() }));
  for (const line of more) {
    const children = new Map<Item, Item[]>();
    const added: Item[] = [];
    for (const it of headerItems(line.items)) {
      const str = it.str.trim();
      const centre = (it.x + it.right) / 2;
      const over = cols.find((c) => c.x - 2 <= centre && centre <= c.right + 2);
      if (over && !(isColumnLabel(str) && columnOf(over.str))) {
        over.str += str;
        over.x = Math.min(over.x, it.x);
        over.right = Math.max(over.right, it.right);
      } else if (over) (children.get(over) ?? children.set(over, []).get(over)!).push({ ...it, str });
      else added.push({ ...it, str });
    }
    cols = [...cols.flatMap((c) => children.get(c) ?? [c]), ...added].sort((a, b) => a.x - b.x);
  }
  return cols;
}

/**
 * A cell merged down several rows (a Word table's 牵头领导 for three tasks in a row): its text is
 * printed once, but every row it spans is that cell's. Two rows, in adjacent rule bands of one
 * page, share a column's cell where no rule separates them across that column's name; the text
 * found in such a run of rows goes to each of its empty cells, as the .docx reader fills merges.
 */
function fillMergedCells(
  bodyRows: BodyRow[],
  header: Item[],
  numbered: boolean,
  ruleAt: (page: number, y: number, x1: number, x2: number) => boolean,
  boundaries: Map<number, number[]>,
): MergedRun[] {
  const band = (b: string) => b.split(':').map(Number) as [number, number];
  const out: MergedRun[] = [];
  for (let c = numbered ? 1 : 0; c < header.length; c++) {
    let run: TableRow[] = [];
    const fill = () => {
      // One merged cell's text lies in adjacent rows (centred over them, it may fall into two):
      // joined, it is every row's. Text in rows apart, or in every row, is not one cell: left as read.
      const filled = run.flatMap((r, i) => ((r.cells[c] ?? '').trim() ? [i] : []));
      const adjacent = filled.length > 0 && filled.at(-1)! - filled[0]! === filled.length - 1;
      if (run.length > 1 && adjacent && filled.length < run.length) {
        const text = filled.map((i) => run[i]!.cells[c]).join('');
        for (const r of run) r.cells[c] = text;
        out.push({ column: header[c]!.str, rows: run.map((r) => r.row), text });
      }
      run = [];
    };
    for (let k = 0; k < bodyRows.length; k++) {
      const a = bodyRows[k];
      const b = bodyRows[k + 1];
      if (!a) {
        fill();
        continue;
      }
      run.push(a.row);
      let shared = false;
      if (b && a.band && b.band) {
        const [pa, ia] = band(a.band);
        const [pb, ib] = band(b.band);
        const y = boundaries.get(pa)?.[ia];
        shared = pa === pb && ib === ia + 1 && y !== undefined && !ruleAt(pa, y, header[c]!.x, header[c]!.right);
      }
      if (!shared) fill();
    }
    fill();
  }
  return out;
}

/** A table's header: its lines, names and column bounds, and the row bands its rules draw. */
interface Header {
  /** Its first line, in the document's lines, and how many lines it takes. */
  at: number;
  lineCount: number;
  items: Item[];
  names: string[];
  columns: { x: number; ruled: boolean }[];
  boundaries: Map<number, number[]>;
  /** The rule band a line lies in ("page:index"), where its page has row rules. */
  bandOf: (line: Line) => string | null;
  band: string | null;
}

/** A band's lines together, or a single line where there are no usable rules, cut into columns. */
interface ReadingUnit {
  text: string;
  parts: string[][];
  ruled: string | null;
}

type BodyRow = { row: TableRow; band: string | null } | null;

/**
 * When a line holds two or more column names with the task column among them: table rows, with the
 * lines above the header as one-cell rows (the title). Column bounds are the drawn borders
 * between header cells, else half-way between them (see columnBounds).
 */
export function tableRows(lines: Line[], rulings: ReadonlyMap<number, Ruling>): { rows: TableRow[]; merged: MergedRun[] } | null {
  const at = lines.findIndex(isHeaderLine);
  if (at < 0) return null;
  const header = readHeader(lines, at, rulings);
  const numbered = columnOf(header.names[0]!) === 'no';
  const cellsOf = cellSplitter(header, numbered);
  const body = lines.slice(at + header.lineCount).filter((l) => !isFurniture(lineText(l)));
  const distrusted = pagesWithoutRowRules(body, header, cellsOf, numbered);
  const { units, trailing } = readingUnits(body, header, cellsOf, numbered, distrusted);
  const { rows, bodyRows } = assembleRows(lines.slice(0, at), header, units, numbered);
  const ruleAt = (page: number, y: number, x1: number, x2: number) => (rulings.get(page)?.rules ?? []).some((r) => Math.abs(r.y - y) < 1.5 && r.x1 <= x1 + 1 && r.x2 >= x2 - 1);
  const merged = fillMergedCells(bodyRows, header.items, numbered, ruleAt, header.boundaries);
  for (const l of trailing) rows.push({ row: rows.length + 1, cells: [lineText(l)] });
  return { rows, merged };
}

function readHeader(lines: Line[], at: number, rulings: ReadonlyMap<number, Ruling>): Header {
  const top = headerItems(lines[at]!.items);
  // The rows as the rules draw them: a band between two rules that cross the task column's text.
  const topText = top.find((it) => columnOf(it.str.trim()) === 'text') ?? top[0]!;
  const boundaries = rowBoundaries(rulings, topText.x, topText.right);
  const bandOf = (line: Line): string | null => {
    const b = boundaries.get(line.page);
    const i = b ? b.findIndex((y) => y < line.y) : -1;
    return i > 0 ? `${line.page}:${i}` : null;
  };
  const band = bandOf(lines[at]!);
  // The header's further lines: its wrapped names ("工作内容" / "及目标") and the names under a
  // spanning one ("责任单位" over 牵头单位 | 责任单位 | 配合单位).
  const more: Line[] = [];
  for (let k = at + 1; k < lines.length; k++) {
    const l = lines[k]!;
    const prev = more[more.length - 1] ?? lines[at]!;
    const inBand = band !== null ? bandOf(l) === band : continuesHeader(l, prev, top);
    // A 序号 under the header: the first row, whatever band the rules put it in (a rule left undrawn).
    const firstRow = /^\d+$/.test(l.items[0]?.str.trim() ?? '') && columnOf(top[0]!.str.trim()) === 'no';
    if (l.page !== prev.page || !inBand || firstRow) break;
    more.push(l);
  }
  const items = mergeHeader(top, more);
  const last = more[more.length - 1] ?? lines[at]!;
  const columns = columnBounds(items, last, rulings.get(last.page)?.verticals ?? []);
  return { at, lineCount: 1 + more.length, items, names: items.map((it) => it.str.trim()), columns, boundaries, bandOf, band };
}

/** A line's text cut into the header's columns (remembered per line: most lines are asked for twice). */
function cellSplitter(header: Header, numbered: boolean): (line: Line) => string[] {
  const { items, names, columns } = header;
  const bounds = columns.map((c) => c.x);
  const borders = columns.filter((c) => c.ruled).map((c) => c.x);
  const columnAt = (x: number, right: number) => {
    const centre = Math.min((x + right) / 2, x + 24);
    let c = 0;
    while (c < bounds.length && centre > bounds[c]!) c++;
    return c;
  };
  // Right-aligned 序号 are looked for only where no border is drawn after the 序号 column (a drawn
  // border decides) and the names are left-aligned over their text (Excel): see leadingNumber.
  const excelNumbers = numbered && items.length > 1 && !columns[0]!.ruled;
  // An item reaching over a drawn column border is two cells' text the reader joined with a space
  // (cells padded closer than 0.6 em): it is cut there. A heading across the table stays whole.
  const crosses = (it: Item) => borders.some((b) => it.x < b - 1 && it.right > b + 1);
  const split = (line: Line) => {
    const cells: string[][] = names.map(() => []);
    for (const it of line.items) {
      let parts = crosses(it) && /\S\s+\S/.test(it.str) && !isHeading([it.str], it.str) ? cutAtBorders(it, borders) : [it];
      if (excelNumbers) parts = parts.flatMap((p) => leadingNumber(p, items[1]!.x));
      parts.forEach((part, k) => {
        // A number printed right-aligned in the 序号 column (Excel does): it starts left of the next
        // column's name and ends before it, and what follows on the line starts at that name.
        const next = parts[k + 1] ?? line.items[line.items.indexOf(it) + 1];
        const isNo = excelNumbers && /^\d+$/.test(part.str.trim()) && part.x < items[1]!.x - 2 && part.right <= items[1]!.x + 1 && (!next || next.x >= items[1]!.x - 2);
        cells[isNo ? 0 : columnAt(part.x, part.right)]!.push(part.str);
      });
    }
    return cells.map((c) => dropAutospace(c.join('')));
  };
  const cache = new Map<Line, string[]>();
  return (line) => {
    let cells = cache.get(line);
    if (!cells) cache.set(line, (cells = split(line)));
    return cells;
  };
}

/**
 * Pages whose rules do not separate rows: they are read from text positions. Numbered: a page where
 * one band holds two numbers (an outer frame only). Without numbers to count: a page whose body lies
 * in one band, a 三线表 (rules above and below the header and under the table) or a frame.
 */
function pagesWithoutRowRules(body: Line[], header: Header, cellsOf: (l: Line) => string[], numbered: boolean): Set<number> {
  const distrusted = new Set<number>();
  if (numbered) {
    const seen = new Map<string, number>();
    for (const l of body) {
      const band = header.bandOf(l);
      if (band && /^\d+$/.test(cellsOf(l)[0]!.trim())) {
        seen.set(band, (seen.get(band) ?? 0) + 1);
        if (seen.get(band)! > 1) distrusted.add(l.page);
      }
    }
    return distrusted;
  }
  const bandsOn = new Map<number, Set<string>>();
  for (const l of body) {
    const band = header.bandOf(l);
    if (band && band !== header.band) (bandsOn.get(l.page) ?? bandsOn.set(l.page, new Set()).get(l.page)!).add(band);
  }
  for (const [page, bands] of bandsOn) if (bands.size === 1 && body.filter((l) => l.page === page).length > 1) distrusted.add(page);
  return distrusted;
}

/** The body's lines as units of reading, and the lines under the table (notes) kept apart. */
function readingUnits(body: Line[], header: Header, cellsOf: (l: Line) => string[], numbered: boolean, distrusted: Set<number>): { units: ReadingUnit[]; trailing: Line[] } {
  const { bandOf, boundaries } = header;
  // Without usable rules, a numbered table's rows are told apart by the gaps between lines.
  const gapBand = numbered
    ? rowsByGaps(body.filter((l) => distrusted.has(l.page) || !boundaries.has(l.page)), (l) => /^\d+$/.test(cellsOf(l)[0]!.trim()), (l) => isHeaderLine(l) || isHeading(cellsOf(l), lineText(l)))
    : new Map<Line, string>();
  // Below a ruled table's last rule on its last page: notes after the table (注：…), not its last row.
  const lastPage = Math.max(...body.filter((l) => bandOf(l) !== null).map((l) => l.page));
  const bottom = boundaries.get(lastPage)?.at(-1);
  // A note spans the table as one piece of text ("注：…"); a line that falls into two cells, or has a
  // 序号, is a row whose borders were not drawn (Excel rows added after the borders were set).
  const isNote = (l: Line) => {
    if (l.page !== lastPage || distrusted.has(l.page) || bottom === undefined || l.y >= bottom - 1) return false;
    const cells = cellsOf(l);
    if (numbered && /^\d+$/.test(cells[0]!.trim())) return false;
    return cells.filter((c) => c.trim()).length <= 1 || /^(注|备注|说明|附)[：:]/.test(lineText(l));
  };
  const units: ReadingUnit[] = [];
  const trailing: Line[] = [];
  let unitBand: string | null = null;
  for (const line of body) {
    if (isNote(line)) {
      trailing.push(line);
      continue;
    }
    const band = (distrusted.has(line.page) ? null : bandOf(line)) ?? gapBand.get(line) ?? null;
    const cells = cellsOf(line);
    const last = units[units.length - 1];
    if (band !== null && band === unitBand && last) {
      last.text += lineText(line);
      cells.forEach((c, k) => c && last.parts[k]!.push(c));
    } else units.push({ text: lineText(line), parts: cells.map((c) => (c ? [c] : [])), ruled: distrusted.has(line.page) ? null : bandOf(line) });
    unitBand = band;
  }
  return { units, trailing };
}

/**
 * The rows: the title lines above the header as one-cell rows, the header, then task rows and
 * headings. `bodyRows` lists the task rows in order with the rule band each began in (null where a
 * heading breaks the run), for fillMergedCells.
 */
function assembleRows(title: Line[], header: Header, units: ReadingUnit[], numbered: boolean): { rows: TableRow[]; bodyRows: BodyRow[] } {
  const { names } = header;
  const textCol = Math.max(0, names.findIndex((n) => columnOf(n) === 'text'));
  const rows: TableRow[] = title.map((l, i) => ({ row: i + 1, cells: [lineText(l)] }));
  rows.push({ row: header.at + 1, cells: names });
  const bodyRows: BodyRow[] = [];
  let cur: string[][] | null = null;
  let curBand: string | null = null;
  const flush = () => {
    // A cell's lines are where the layout wrapped it ("区城管局、各" / "街道"): joined without a break.
    if (cur) {
      const row = { row: rows.length + 1, cells: cur.map((parts) => parts.join('')) };
      rows.push(row);
      bodyRows.push({ row, band: curBand });
    }
    cur = null;
  };
  for (const { text, parts, ruled } of units) {
    const joined = parts.map((c) => c.join(''));
    // The header printed again on each page.
    if (joined.filter((c, k) => c.replace(/\s+/g, '') === names[k]).length >= 2) continue;
    const startsRow = numbered ? /^\d+$/.test(joined[0]!.trim()) : joined[textCol]!.trim() !== '' && (cur == null || joined.filter(Boolean).length >= 2);
    // A heading across the table (一、产业发展): its own one-cell row.
    if (isHeading(joined, text)) {
      flush();
      rows.push({ row: rows.length + 1, cells: [text] });
      bodyRows.push(null);
      continue;
    }
    if (startsRow || !cur) {
      flush();
      cur = names.map(() => [] as string[]);
      curBand = ruled;
    }
    parts.forEach((c, k) => cur![k]!.push(...c));
  }
  flush();
  return { rows, bodyRows };
}
