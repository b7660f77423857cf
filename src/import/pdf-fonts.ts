import type { PDFDict } from 'pdf-lib';
import { CMapUnsupported, parseToUnicode, type ToUnicode } from './pdf-cmap.ts';
import { streamBytes, type PdfLib } from './pdf-streams.ts';

/**
 * What the text reader needs of a font: how many bytes a character code takes, the text a code
 * stands for, and how far it moves the pen. Only fonts whose answers are written in the file itself
 * are taken — a ToUnicode map or a Unicode-coded CMap for the text, a width table for the advance —
 * the kinds office writers produce (WPS/Word: Type0 + Identity-H + ToUnicode; LibreOffice: one-byte
 * subsets with ToUnicode; STSong-Light with a UniGB CMap; Chromium: Type3 with ToUnicode). Anything
 * else (a standard font without widths, a vertical or GBK-coded CMap, a glyph the map does not cover) throws
 * FontUnsupported, and the page's text is left to pdfjs, which knows the built-in metrics and
 * encodings: a code is never given a guessed letter or width.
 */

export class FontUnsupported extends Error {}

export interface PdfFont {
  /** BaseFont: pdfjs keeps one text item across a change between two resources of the same font. */
  name: string;
  /** Codes are two bytes (a Type0 font); UTF-16 fonts take four for a surrogate pair. */
  twoByte: boolean;
  utf16: boolean;
  /** The text of `code`; throws FontUnsupported when the file does not say. */
  text(code: number): string;
  /** Advance of `code` as a fraction of the font size. */
  advance(code: number): number;
  /**
   * A Type3 font's glyph height in text space (its box's height through its matrix): pdfjs sizes a
   * run of such a font by it when the font size is 1 or less, as some writers scale the glyphs
   * with the text matrix instead.
   */
  type3Height?: number;
}

const UNICODE_CMAP = /^Uni(GB|CNS)-(UCS2|UTF16)-H$/;

export function loadFont(lib: PdfLib, dict: PDFDict): PdfFont {
  const N = (s: string) => lib.PDFName.of(s);
  const nameOf = (v: unknown) => (v instanceof lib.PDFName ? v.decodeText() : undefined);
  const num = (v: unknown) => (v instanceof lib.PDFNumber ? v.asNumber() : undefined);
  const subtype = nameOf(dict.lookup(N('Subtype')));
  const baseFont = nameOf(dict.lookup(N('BaseFont'))) ?? '';
  let toUnicode: ToUnicode | undefined;
  const tu = dict.lookup(N('ToUnicode'));
  if (tu !== undefined) {
    if (!(tu instanceof lib.PDFRawStream)) throw new FontUnsupported('named ToUnicode');
    try {
      toUnicode = parseToUnicode(Buffer.from(streamBytes(lib, tu)).toString('latin1'));
    } catch (e) {
      throw new FontUnsupported(e instanceof CMapUnsupported ? e.message : 'ToUnicode unreadable');
    }
  }

  if (subtype === 'Type0') {
    const encoding = nameOf(dict.lookup(N('Encoding')));
    const descendant = dict.lookupMaybe(N('DescendantFonts'), lib.PDFArray)?.lookup(0);
    if (!(descendant instanceof lib.PDFDict)) throw new FontUnsupported('no descendant font');
    const dw = num(descendant.lookup(N('DW'))) ?? 1000;
    const widths = cidWidths(lib, descendant, descendant.lookupMaybe(N('W'), lib.PDFArray));
    if (encoding === 'Identity-H') {
      if (!toUnicode) throw new FontUnsupported('Identity-H without ToUnicode');
      const map = toUnicode;
      return { name: baseFont, twoByte: true, utf16: false, text: (code) => mapped(map, code), advance: (cid) => (widths.get(cid) ?? dw) / 1000 };
    }
    if (encoding && UNICODE_CMAP.test(encoding)) {
      // A Unicode-coded CMap names no CIDs; the GB1/CNS1 collections put ASCII at CIDs 1–95, so a
      // width table is understood only when it lists those (the half-width Latin letters).
      const ordering = descendant.lookupMaybe(N('CIDSystemInfo'), lib.PDFDict)?.lookup(N('Ordering'));
      const order = ordering instanceof lib.PDFString || ordering instanceof lib.PDFHexString ? ordering.decodeText() : '';
      if (!/^(GB1|CNS1)$/.test(order) || [...widths.keys()].some((cid) => cid < 1 || cid > 95)) throw new FontUnsupported('Unicode CMap with CID widths');
      const map = toUnicode;
      return {
        name: baseFont,
        twoByte: true,
        utf16: true,
        text: (code) => map?.get(code) ?? String.fromCodePoint(code),
        advance: (code) => (code >= 0x20 && code <= 0x7e ? (widths.get(code - 31) ?? dw) : dw) / 1000,
      };
    }
    throw new FontUnsupported(`Type0 encoding ${encoding ?? '(stream)'}`);
  }

  if (subtype === 'Type1' || subtype === 'TrueType' || subtype === 'MMType1') {
    const first = num(dict.lookup(N('FirstChar')));
    const list = dict.lookupMaybe(N('Widths'), lib.PDFArray);
    // The 14 standard fonts may come without widths; pdfjs carries their metrics.
    if (first === undefined || !list) throw new FontUnsupported('simple font without widths');
    const table = list.asArray().map((v) => num(dict.context.lookup(v)) ?? 0);
    const descriptor = dict.lookupMaybe(N('FontDescriptor'), lib.PDFDict);
    const missing = num(descriptor?.lookup(N('MissingWidth'))) ?? 0;
    const flags = num(descriptor?.lookup(N('Flags'))) ?? 0;
    const encoding = dict.lookup(N('Encoding'));
    // Plain ASCII is the same letter in WinAnsi and MacRoman; a symbolic font or one with its own
    // Differences maps codes to glyph names we do not read.
    const ascii = (encoding === undefined && !(flags & 4)) || nameOf(encoding) === 'WinAnsiEncoding' || nameOf(encoding) === 'MacRomanEncoding';
    const map = toUnicode;
    return {
      name: baseFont,
      twoByte: false,
      utf16: false,
      text: (code) => {
        const t = map?.get(code);
        if (t !== undefined) return t;
        if (ascii && code >= 0x20 && code <= 0x7e) return String.fromCharCode(code);
        throw new FontUnsupported(`code ${code} not mapped`);
      },
      advance: (code) => (table[code - first] ?? missing) / 1000,
    };
  }
  if (subtype === 'Type3') return type3Font(lib, dict, toUnicode);
  throw new FontUnsupported(`font ${subtype ?? '(no subtype)'}`);
}

/**
 * A Type3 font (Chromium prints CFF fonts, the usual CJK ones, as these): its own glyph procedures,
 * so its text comes only from its ToUnicode map, and its widths are in its own glyph space, scaled
 * by its matrix. A font box of no size would make pdfjs measure the glyphs' own boxes: not taken.
 */
function type3Font(lib: PdfLib, dict: PDFDict, toUnicode: ToUnicode | undefined): PdfFont {
  const N = (s: string) => lib.PDFName.of(s);
  const numbers = (key: string) => dict.lookupMaybe(N(key), lib.PDFArray)?.asArray().map((v) => dict.context.lookup(v)).map((v) => (v instanceof lib.PDFNumber ? v.asNumber() : NaN));
  const matrix = numbers('FontMatrix');
  const box = numbers('FontBBox');
  const widths = numbers('Widths');
  const first = dict.lookup(N('FirstChar'));
  if (!toUnicode || !matrix || matrix.length !== 6 || !matrix.every(Number.isFinite) || !widths || !(first instanceof lib.PDFNumber)) throw new FontUnsupported('Type3 without map, matrix or widths');
  if (!box || box.length !== 4 || !box.every(Number.isFinite) || box[0] === box[2] || box[1] === box[3]) throw new FontUnsupported('Type3 without a font box');
  const start = first.asNumber();
  const descriptor = dict.lookupMaybe(N('FontDescriptor'), lib.PDFDict);
  const fontName = descriptor?.lookup(N('FontName'));
  const map = toUnicode;
  const identity = matrix.every((v, i) => v === [1, 0, 0, 1, 0, 0][i]);
  return {
    name: fontName instanceof lib.PDFName ? fontName.decodeText() : 'Type3',
    twoByte: false,
    utf16: false,
    text: (code) => mapped(map, code),
    advance: (code) => (Number.isFinite(widths[code - start]) ? widths[code - start]! : 0) * matrix[0]!,
    type3Height: identity ? undefined : Math.abs(box[3]! - box[1]!) * matrix[3]!,
  };
}

function mapped(map: ToUnicode, code: number): string {
  const t = map.get(code);
  if (t === undefined) throw new FontUnsupported(`code ${code} not mapped`);
  return t;
}

/** A CID font's W array: `c [w1 w2 …]` gives consecutive CIDs from c, `c1 c2 w` one width for a range. */
function cidWidths(lib: PdfLib, owner: PDFDict, w: import('pdf-lib').PDFArray | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (!w) return out;
  const items = w.asArray().map((v) => owner.context.lookup(v));
  const num = (v: unknown) => (v instanceof lib.PDFNumber ? v.asNumber() : NaN);
  for (let i = 0; i < items.length; ) {
    const start = num(items[i]);
    const next = items[i + 1];
    if (next instanceof lib.PDFArray) {
      next.asArray().forEach((v, k) => out.set(start + k, num(owner.context.lookup(v))));
      i += 2;
    } else {
      const end = num(next);
      const width = num(items[i + 2]);
      if (!(end - start < 0x10000)) throw new FontUnsupported('W range too long');
      for (let c = start; c <= end; c++) out.set(c, width);
      i += 3;
    }
  }
  for (const v of out.values()) if (!Number.isFinite(v)) throw new FontUnsupported('W unreadable');
  return out;
}
