import { createRequire } from 'node:module';
import path from 'node:path';
import { columnOf } from '../domain/plan/parse-plan-table.ts';

/**
 * One page of a PDF as the table reader needs it: its text items laid out as lines and, from a
 * ledger's header on, its horizontal rules.
 */

export interface Item {
  x: number;
  right: number;
  y: number;
  size: number;
  str: string;
}

export interface Line {
  page: number;
  y: number;
  items: Item[];
}

/** A horizontal stretch of a drawn line or a rectangle's edge, in page coordinates. */
export interface Rule {
  y: number;
  x1: number;
  x2: number;
}

/** What reading one page gives: `rules` is null where the drawing was not read. */
export interface PageRead {
  page: number;
  lines: Line[];
  rules: Rule[] | null;
}

export type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
export type PdfDocument = Awaited<ReturnType<Pdfjs['getDocument']>['promise']>;

const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const nativePush = Array.prototype.push;

/**
 * Opens a PDF with pdfjs's legacy build (the one meant for Node). Its bundled core-js replaces
 * Array.prototype.push for the whole process with a polyfill about three times slower (the build's
 * feature test fails on V8), which cost a quarter of a long PDF's reading time and slows every
 * array in the bot afterwards; the native method is put back once pdfjs and its in-process worker
 * (loaded by the first getDocument) are in.
 */
export async function openPdf(data: Uint8Array): Promise<{ pdfjs: Pdfjs; doc: PdfDocument }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  Array.prototype.push = nativePush;
  try {
    const doc = await pdfjs.getDocument({
      data,
      // Chinese PDFs often use the predefined Adobe-GB1 CMaps instead of embedding a ToUnicode map.
      cMapUrl: `${pdfjsDir}/cmaps/`,
      cMapPacked: true,
      // Widths of the 14 standard fonts when not embedded: text positions depend on them.
      standardFontDataUrl: `${pdfjsDir}/standard_fonts/`,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
    return { pdfjs, doc };
  } finally {
    Array.prototype.push = nativePush;
  }
}

/**
 * Reads page `p`: its lines, and its rules when `wantRules` says so for a page with or without a
 * header line of its own (the drawing costs as much as the text, and a plan in running text never
 * needs it).
 */
export async function readPage(pdfjs: Pdfjs, doc: PdfDocument, p: number, wantRules: (hasHeader: boolean) => boolean): Promise<PageRead> {
  const page = await doc.getPage(p);
  try {
    const content = await page.getTextContent();
    const items: Item[] = [];
    for (const it of content.items) {
      if (!('str' in it) || !it.str.trim()) continue;
      const [a, b, , , x, y] = it.transform as number[];
      const size = Math.hypot(a!, b!) || it.height || 10;
      items.push({ x: x!, right: x! + it.width, y: y!, size, str: it.str });
    }
    const lines = toLines(p, items);
    const rules = wantRules(lines.some(isHeaderLine)) ? horizontalRules(await page.getOperatorList(), pdfjs.OPS) : null;
    return { page: p, lines, rules };
  } finally {
    page.cleanup();
  }
}

/** Items of one page → lines, top to bottom, each left to right. */
function toLines(page: number, items: Item[]): Line[] {
  items.sort((p, q) => q.y - p.y || p.x - q.x);
  const lines: Line[] = [];
  for (const it of items) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - it.y) <= Math.max(2, it.size * 0.4)) last.items.push(it);
    else lines.push({ page, y: it.y, items: [it] });
  }
  for (const l of lines) l.items.sort((p, q) => p.x - q.x);
  return lines;
}

/** A ledger's header: two or more column names, the task column among them. */
export function isHeaderLine(l: Line): boolean {
  const cols = l.items.map((it) => columnOf(it.str.trim()));
  return cols.filter(Boolean).length >= 2 && cols.includes('text');
}

type OperatorList = { fnArray: number[]; argsArray: unknown[] };
type Matrix = [number, number, number, number, number, number];

/**
 * The horizontal segments a page draws (table borders: stroked lines, or thin filled rectangles as
 * some writers print them, or rectangle outlines), with the current transform applied. Curves are
 * skipped; a row border only needs its height and horizontal extent.
 */
function horizontalRules(ops: OperatorList, OPS: Record<string, number>): Rule[] {
  const out: Rule[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform && args) {
      const [a, b, c, d, e, f] = args as number[];
      ctm = [a! * ctm[0] + b! * ctm[2], a! * ctm[1] + b! * ctm[3], c! * ctm[0] + d! * ctm[2], c! * ctm[1] + d! * ctm[3], e! * ctm[0] + f! * ctm[2] + ctm[4], e! * ctm[1] + f! * ctm[3] + ctm[5]];
    } else if (fn === OPS.constructPath && args && args[0] !== OPS.endPath) {
      // pdfjs 5: [paint operator, [path as DrawOPS codes and coordinates], bounding box].
      const path = (args[1] as ArrayLike<number>[] | undefined)?.[0];
      if (!path) continue;
      let start: [number, number] | null = null;
      let prev: [number, number] | null = null;
      const edge = (p: [number, number], q: [number, number]) => {
        if (Math.abs(p[1] - q[1]) < 0.5 && Math.abs(p[0] - q[0]) > 3) out.push({ y: (p[1] + q[1]) / 2, x1: Math.min(p[0], q[0]), x2: Math.max(p[0], q[0]) });
      };
      for (let k = 0; k < path.length; ) {
        const op = path[k]!;
        if (op === 0 || op === 1) {
          const pt = apply(ctm, path[k + 1]!, path[k + 2]!);
          if (op === 0) start = pt;
          else if (prev) edge(prev, pt);
          prev = pt;
          k += 3;
        } else if (op === 2) {
          prev = apply(ctm, path[k + 5]!, path[k + 6]!);
          k += 7;
        } else if (op === 3) {
          prev = apply(ctm, path[k + 3]!, path[k + 4]!);
          k += 5;
        } else {
          if (prev && start) edge(prev, start);
          prev = start;
          k += 1;
        }
      }
    }
  }
  return out;
}
