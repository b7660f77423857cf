import { createRequire } from 'node:module';
import path from 'node:path';
import { columnOf } from '../domain/plan/parse-plan-table.ts';
import { concat, IDENTITY, RuleCollector, type Matrix, type Rule } from './pdf-rules.ts';
import type { TextRun } from './pdf-text.ts';

export type { Rule };

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
 * Reads page `p` through pdfjs: its lines, and its rules when `wantRules` says so for a page with
 * or without a header line of its own (a plan in running text never needs them). `knownRules` are
 * the page's rules read from its content stream, when that reader could; else pdfjs's operator
 * list gives them.
 */
export async function readPage(pdfjs: Pdfjs, doc: PdfDocument, p: number, wantRules: (hasHeader: boolean) => boolean, knownRules: Rule[] | null): Promise<PageRead> {
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
    const rules = wantRules(lines.some(isHeaderLine)) ? (knownRules ?? operatorListRules(await page.getOperatorList(), pdfjs.OPS)) : null;
    return { page: p, lines, rules };
  } finally {
    page.cleanup();
  }
}

/** Page `p` from the content-stream reader's runs (see pdf-content.ts), as pdfjs's items would give it. */
export function pageFromRuns(p: number, runs: TextRun[], rules: Rule[], wantRules: (hasHeader: boolean) => boolean): PageRead {
  const items: Item[] = [];
  for (const r of runs) if (r.str.trim()) items.push({ x: r.x, right: r.x + r.width, y: r.y, size: r.size || r.height || 10, str: r.str });
  const lines = toLines(p, items);
  return { page: p, lines, rules: wantRules(lines.some(isHeaderLine)) ? rules : null };
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

/**
 * The same rules from pdfjs's operator list, for a file the content-stream reader cannot follow
 * (encrypted, or a stream pdf-lib cannot decode): slower, since the list carries every glyph.
 */
export function operatorListRules(ops: OperatorList, OPS: Record<string, number>): Rule[] {
  const out = new RuleCollector();
  let ctm = IDENTITY;
  const stack: Matrix[] = [];
  const closing = new Set([OPS.closeStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform && args) ctm = concat(args as Matrix, ctm);
    else if (fn === OPS.constructPath && args) {
      // pdfjs 5: [paint operator, [path as DrawOPS codes and coordinates], bounding box].
      const path = (args[1] as ArrayLike<number>[] | undefined)?.[0];
      if (!path) continue;
      for (let k = 0; k < path.length; ) {
        const op = path[k]!;
        if (op === 0 || op === 1) {
          if (op === 0) out.moveTo(ctm, path[k + 1]!, path[k + 2]!);
          else out.lineTo(ctm, path[k + 1]!, path[k + 2]!);
          k += 3;
        } else if (op === 2) {
          out.curveTo(ctm, path[k + 5]!, path[k + 6]!);
          k += 7;
        } else if (op === 3) {
          out.curveTo(ctm, path[k + 3]!, path[k + 4]!);
          k += 5;
        } else {
          out.closePath();
          k += 1;
        }
      }
      if (args[0] === OPS.endPath) out.discard();
      else {
        if (closing.has(args[0] as number)) out.closePath();
        out.paint();
      }
    }
  }
  return out.rules;
}
