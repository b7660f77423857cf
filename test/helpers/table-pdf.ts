/**
 * Writes a small PDF with a text layer: a title and a ruled table whose cells wrap and are placed
 * top-aligned or vertically centred, the way WPS and Word print a 任务台账. Text uses the
 * predefined Chinese font STSong-Light with the UniGB-UTF16-H CMap (no font file embedded, as many
 * office PDFs do), so pdfjs reads it with its bundled CMaps. Used by tests, the fixture script and
 * the import benchmark (a 5,000-row ledger generated on the fly instead of a committed binary).
 */

export interface TablePdfOptions {
  title: string;
  header: string[];
  /** Column widths in points; their sum is the table's width. */
  widths: number[];
  /** Rows of cells; a row of one cell is a heading spanning the table (一、…). */
  rows: string[][];
  /** Where a short cell sits beside a tall one. */
  valign: 'top' | 'middle';
  /**
   * Draw the table's ruling lines (a PDF without them is read from text positions alone);
   * 'three-line' draws a 三线表: a rule above and below the header and one under the table only.
   */
  rules?: boolean | 'three-line';
  fontSize?: number;
}

const PAGE_W = 842; // A4 landscape
const PAGE_H = 595;
const MARGIN = 40;
const PAD = 4;

/** Width of a string in ems: Latin characters are half-width in STSong-Light. */
function ems(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! < 0x80 ? 0.5 : 1;
  return w;
}

/** Breaks a cell's text into lines that fit `width` points at `size`. */
function wrap(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (cur && ems(cur + ch) * size > width) {
      lines.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur || lines.length === 0) lines.push(cur);
  return lines;
}

const hex = (s: string) => Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase();
const n = (v: number) => (Math.round(v * 100) / 100).toString();

export function tablePdf(o: TablePdfOptions): Buffer {
  const size = o.fontSize ?? 10;
  const lead = size * 1.3;
  const tableW = o.widths.reduce((a, b) => a + b, 0);
  const pages: string[] = [];
  let ops: string[] = [];
  let y = PAGE_H - MARGIN;
  const text = (x: number, baseline: number, s: string) => ops.push(`BT /F1 ${size} Tf ${n(x)} ${n(baseline)} Td <${hex(s)}> Tj ET`);
  const rule = (x1: number, y1: number, x2: number, y2: number) => ops.push(`${n(x1)} ${n(y1)} m ${n(x2)} ${n(y2)} l S`);
  const line = (x1: number, y1: number, x2: number, y2: number) => o.rules !== false && o.rules !== 'three-line' && rule(x1, y1, x2, y2);
  const threeLine = o.rules === 'three-line';
  const newPage = () => {
    if (threeLine) rule(MARGIN, y, MARGIN + tableW, y); // the table's bottom rule on this page
    pages.push(ops.join('\n'));
    ops = ['0.5 w'];
    y = PAGE_H - MARGIN;
  };
  ops.push('0.5 w');
  text(MARGIN + (tableW - ems(o.title) * size) / 2, y - size, o.title);
  y -= size + 12;

  const drawRow = (cells: string[], span: boolean, header = false) => {
    const widths = span ? [tableW] : o.widths;
    const wrapped = cells.map((c, i) => wrap(c, widths[i]! - 2 * PAD, size));
    const height = Math.max(...wrapped.map((l) => l.length)) * lead + 2 * PAD;
    if (y - height < MARGIN) {
      newPage();
      drawRow(o.header, false, true); // the header again on each page
    }
    if (threeLine && header) rule(MARGIN, y, MARGIN + tableW, y);
    let x = MARGIN;
    line(MARGIN, y, MARGIN + tableW, y);
    wrapped.forEach((lines, i) => {
      const block = lines.length * lead;
      const top = o.valign === 'middle' ? y - PAD - (height - 2 * PAD - block) / 2 : y - PAD;
      lines.forEach((l, k) => text(x + PAD, top - (k + 1) * lead + (lead - size) / 2 + 1, l));
      line(x, y, x, y - height);
      x += widths[i]!;
    });
    line(x, y, x, y - height);
    y -= height;
    line(MARGIN, y, MARGIN + tableW, y);
    if (threeLine && header) rule(MARGIN, y, MARGIN + tableW, y);
  };
  drawRow(o.header, false, true);
  for (const r of o.rows) drawRow(r, r.length === 1);
  if (threeLine) rule(MARGIN, y, MARGIN + tableW, y);
  pages.push(ops.join('\n'));

  // Objects: 1 catalog, 2 pages, 3 font, 4 CID font, 5 its descriptor (without one pdfjs takes the
  // font for a simple one), then a page and its content per page.
  const objects: string[] = [];
  const kids = pages.map((_, i) => `${6 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push(...stsongFont(3));
  pages.forEach((content, i) => {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${7 + i * 2} 0 R >>`);
    objects.push(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
  });
  return pdfFile(objects);
}

/** A PDF file of `objects` (numbered from 1, the first the catalog), with its cross-reference table. */
export function pdfFile(objects: string[]): Buffer {
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * STSong-Light as office PDFs reference it, with no font file (pdfjs reads it with its bundled
 * CMaps): the Type0 font, its CID font and the descriptor, to be objects `at`, `at + 1`, `at + 2`.
 */
export function stsongFont(at: number, encoding: 'UniGB-UTF16-H' | 'UniGB-UCS2-H' = 'UniGB-UTF16-H'): string[] {
  return [
    `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /${encoding} /DescendantFonts [${at + 1} 0 R] >>`,
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor ${at + 2} 0 R /DW 1000 /W [1 95 500] >>`,
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  ];
}
