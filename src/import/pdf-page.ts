import { createRequire } from 'node:module';
import path from 'node:path';
import { foldRadicals } from '../domain/plan/normalise-text.ts';
import { concat, IDENTITY, RuleCollector, type Matrix, type Ruling } from './pdf-rules.ts';
import { isHeaderLine, toLines, type Item, type Line } from './pdf-lines.ts';
import type { TextRun } from './pdf-text.ts';

/** What reading one page gives: `ruling` is null where the drawing was not read. */
export interface PageRead {
  page: number;
  lines: Line[];
  ruling: Ruling | null;
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
 * or without a header line of its own (a plan in running text never needs them). `known` is the
 * page's ruling read from its content stream, when that reader could; else pdfjs's operator list
 * gives it.
 */
export async function readPage(pdfjs: Pdfjs, doc: PdfDocument, p: number, wantRules: (hasHeader: boolean) => boolean, known: Ruling | null): Promise<PageRead> {
  const page = await doc.getPage(p);
  try {
    const content = await page.getTextContent();
    const items: Item[] = [];
    for (const it of content.items) {
      if (!('str' in it) || !it.str.trim()) continue;
      const [a, b, , , x, y] = it.transform as number[];
      const size = Math.hypot(a!, b!) || it.height || 10;
      items.push({ x: x!, right: x! + it.width, y: y!, size, str: foldRadicals(it.str) });
    }
    const lines = toLines(p, items);
    const ruling = wantRules(lines.some(isHeaderLine)) ? (known ?? operatorListRuling(await page.getOperatorList(), pdfjs.OPS)) : null;
    return { page: p, lines, ruling };
  } finally {
    page.cleanup();
  }
}

/** Page `p` from the content-stream reader's runs (see pdf-content.ts), as pdfjs's items would give it. */
export function pageFromRuns(p: number, runs: TextRun[], ruling: Ruling, wantRules: (hasHeader: boolean) => boolean): PageRead {
  const items: Item[] = [];
  for (const r of runs) if (r.str.trim()) items.push({ x: r.x, right: r.x + r.width, y: r.y, size: r.size || r.height || 10, str: foldRadicals(r.str), xs: r.xs });
  const lines = toLines(p, items);
  return { page: p, lines, ruling: wantRules(lines.some(isHeaderLine)) ? ruling : null };
}

type OperatorList = { fnArray: number[]; argsArray: unknown[] };

/**
 * The same rules from pdfjs's operator list, for a file the content-stream reader cannot follow
 * (encrypted, or a stream pdf-lib cannot decode): slower, since the list carries every glyph.
 */
export function operatorListRuling(ops: OperatorList, OPS: Record<string, number>): Ruling {
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
  return { rules: out.rules, verticals: out.verticals };
}
