import type { PDFDict } from 'pdf-lib';
import { CMapUnsupported, MAX_CMAP_ENTRIES, parseToUnicode, type ToUnicode } from './pdf-cmap.ts';
import { streamBytes, type PdfLib } from './pdf-streams.ts';

/**
 * What the text reader needs of a font: how many bytes a character code takes, the text a code
 * stands for, and how far it moves the pen. Only fonts whose answers are written in the file itself
 * are taken — a ToUnicode map or a Unicode-coded CMap for the text, a width table for the advance —
 * the kinds office writers produce (WPS/Word: Type0 + Identity-H + ToUnicode; LibreOffice: one-byte
 * subsets with ToUnicode; STSong-Light with a UniGB CMap; Chromium: Type3 with ToUnicode). Anything
 * else (a standard font without widths, a vertical or GBK-coded CMap, a glyph the map does not
 * cover) throws FontUnsupported, and the page's text is left to pdfjs, which knows the built-in
 * metrics and encodings: a code is never given a guessed letter or width. Where pdfjs's answer is
 * known, it is the one given, so a page reads the same whichever reader had it — with one
 * deliberate exception: under a Unicode-coded CMap the text is the code the writer put there (…),
 * where pdfjs goes through the CID collection and back (… → ⋯, • → ·).
 */

export class FontUnsupported extends Error {}

export interface PdfFont {
  /** The font's name as pdfjs gives it: a change between two names ends a text run, one between two resources of one font does not. */
  name: string;
  /** Codes are two bytes (a Type0 font). */
  twoByte: boolean;
  /** Codes are UTF-16 (a …-UTF16-H CMap): a surrogate pair is one code of four bytes. */
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
/** StandardEncoding, the default of a Type1 or nonsymbolic font, differs from ASCII in two places. */
const STANDARD_QUOTES = new Map([
  [0x27, '\u2019'],
  [0x60, '\u2018'],
]);

/** Typed reads of a font dictionary's entries. */
function reader(lib: PdfLib, dict: PDFDict) {
  const get = (key: string) => dict.lookup(lib.PDFName.of(key));
  const num = (v: unknown) => (v instanceof lib.PDFNumber ? v.asNumber() : undefined);
  const name = (v: unknown) => (v instanceof lib.PDFName ? v.decodeText() : undefined);
  const dictAt = (key: string) => dict.lookupMaybe(lib.PDFName.of(key), lib.PDFDict);
  const numbers = (key: string) =>
    dict
      .lookupMaybe(lib.PDFName.of(key), lib.PDFArray)
      ?.asArray()
      .map((v) => num(dict.context.lookup(v)) ?? NaN);
  return { get, num, name, dictAt, numbers };
}

export function loadFont(lib: PdfLib, dict: PDFDict): PdfFont {
  const r = reader(lib, dict);
  const subtype = r.name(r.get('Subtype'));
  const baseFont = r.name(r.get('BaseFont')) ?? '';
  const toUnicode = readToUnicode(lib, r.get('ToUnicode'));
  if (subtype === 'Type0') return type0Font(lib, r, baseFont, toUnicode);
  if (subtype === 'Type1' || subtype === 'TrueType' || subtype === 'MMType1') return simpleFont(lib, r, subtype, baseFont, toUnicode);
  if (subtype === 'Type3') return type3Font(lib, r, toUnicode);
  throw new FontUnsupported(`font ${subtype ?? '(no subtype)'}`);
}

function readToUnicode(lib: PdfLib, tu: unknown): ToUnicode | undefined {
  if (tu === undefined) return undefined;
  if (!(tu instanceof lib.PDFRawStream)) throw new FontUnsupported('named ToUnicode');
  try {
    return parseToUnicode(Buffer.from(streamBytes(lib, tu)).toString('latin1'));
  } catch (e) {
    throw new FontUnsupported(e instanceof CMapUnsupported ? e.message : 'ToUnicode unreadable');
  }
}

function type0Font(lib: PdfLib, r: ReturnType<typeof reader>, baseFont: string, toUnicode: ToUnicode | undefined): PdfFont {
  const encoding = r.name(r.get('Encoding'));
  const descendant = r.get('DescendantFonts');
  const cid = descendant instanceof lib.PDFArray ? descendant.lookup(0) : undefined;
  if (!(cid instanceof lib.PDFDict)) throw new FontUnsupported('no descendant font');
  const d = reader(lib, cid);
  const dw = Math.ceil(d.num(d.get('DW')) ?? 1000);
  const widths = cidWidths(lib, cid);
  const fontName = d.name(d.dictAt('FontDescriptor')?.lookup(lib.PDFName.of('FontName')));
  const name = fontName ?? baseFont;
  if (encoding === 'Identity-H') {
    if (!toUnicode) throw new FontUnsupported('Identity-H without ToUnicode');
    const map = toUnicode;
    return { name, twoByte: true, utf16: false, text: (code) => mapped(map, code), advance: (c) => (widths.get(c) ?? dw) / 1000 };
  }
  const unicode = encoding ? UNICODE_CMAP.exec(encoding) : null;
  if (!unicode) throw new FontUnsupported(`Type0 encoding ${encoding ?? '(stream)'}`);
  // A Unicode-coded CMap names no CIDs; the GB1/CNS1 collections put ASCII at CIDs 1–95, so a
  // width table is understood only when it lists those (the half-width Latin letters). A code the
  // CMap does not map (a control character) is its own CID, as pdfjs takes it.
  const systemInfo = d.dictAt('CIDSystemInfo')?.lookup(lib.PDFName.of('Ordering'));
  const ordering = systemInfo instanceof lib.PDFString || systemInfo instanceof lib.PDFHexString ? systemInfo.decodeText() : '';
  if (!/^(GB1|CNS1)$/.test(ordering) || [...widths.keys()].some((c) => c < 1 || c > 95)) throw new FontUnsupported('Unicode CMap with CID widths');
  const map = toUnicode;
  const own = new Map<number, string>();
  return {
    name,
    twoByte: true,
    utf16: unicode[2] === 'UTF16',
    // The code is the text: one string per code, not one per glyph shown (a ledger shows ~500,000).
    text: (code) => map?.get(code) ?? own.get(code) ?? own.set(code, String.fromCodePoint(code)).get(code)!,
    advance: (code) => (code < 0x20 ? (widths.get(code) ?? dw) : code <= 0x7e ? (widths.get(code - 31) ?? dw) : dw) / 1000,
  };
}

function simpleFont(lib: PdfLib, r: ReturnType<typeof reader>, subtype: string, baseFont: string, toUnicode: ToUnicode | undefined): PdfFont {
  const first = r.num(r.get('FirstChar'));
  const table = r.numbers('Widths');
  // The 14 standard fonts may come without widths; pdfjs carries their metrics.
  if (first === undefined || !table) throw new FontUnsupported('simple font without widths');
  const descriptor = r.dictAt('FontDescriptor');
  const d = descriptor ? reader(lib, descriptor) : undefined;
  const missing = d?.num(d.get('MissingWidth')) ?? 0;
  const flags = d?.num(d.get('Flags')) ?? 0;
  const encoding = r.get('Encoding');
  const named = r.name(encoding);
  // Plain ASCII is the same letter in WinAnsi and MacRoman; without an encoding a Type1 or
  // nonsymbolic font is in StandardEncoding (two quotes differ), a symbolic TrueType font maps codes
  // to glyphs through its own tables, and a font with its own Differences maps them to glyph names
  // we do not read: those last two only through a ToUnicode map.
  const standard = encoding === undefined && (subtype !== 'TrueType' || (flags & 32) !== 0);
  const ascii = named === 'WinAnsiEncoding' || named === 'MacRomanEncoding' || standard || (encoding === undefined && !(flags & 4));
  const map = toUnicode;
  return {
    name: baseFont,
    twoByte: false,
    utf16: false,
    text: (code) => {
      const t = map?.get(code);
      if (t !== undefined) return t;
      if (ascii && code >= 0x20 && code <= 0x7e) return (standard && STANDARD_QUOTES.get(code)) || String.fromCharCode(code);
      throw new FontUnsupported(`code ${code} not mapped`);
    },
    advance: (code) => {
      const w = table[code - first];
      return (w === undefined || Number.isNaN(w) ? missing : w) / 1000;
    },
  };
}

/**
 * A Type3 font (Chromium prints CFF fonts, the usual CJK ones, as these): its own glyph procedures,
 * so its text comes only from its ToUnicode map, and its widths are in its own glyph space, scaled
 * by its matrix. A font box of no height would make pdfjs measure the glyphs' own boxes: not taken.
 */
function type3Font(lib: PdfLib, r: ReturnType<typeof reader>, toUnicode: ToUnicode | undefined): PdfFont {
  const matrix = r.numbers('FontMatrix');
  const widths = r.numbers('Widths');
  const first = r.num(r.get('FirstChar'));
  const descriptor = r.dictAt('FontDescriptor');
  const d = descriptor ? reader(lib, descriptor) : undefined;
  if (!toUnicode || !matrix || matrix.length !== 6 || !matrix.every(Number.isFinite) || !widths || first === undefined) throw new FontUnsupported('Type3 without map, matrix or widths');
  // pdfjs takes the box from the descriptor first.
  const box = d?.numbers('FontBBox') ?? r.numbers('FontBBox');
  const height = box && box.length === 4 && box.every(Number.isFinite) ? Math.abs(box[3]! - box[1]!) : 0;
  if (!(height > 0)) throw new FontUnsupported('Type3 without a font box');
  const fontName = d?.name(d.get('FontName'));
  const map = toUnicode;
  // pdfjs's identity for a font matrix is the usual 1/1000 scale.
  const usual = [0.001, 0, 0, 0.001, 0, 0].every((v, i) => matrix[i] === v);
  return {
    name: fontName ?? 'Type3',
    twoByte: false,
    utf16: false,
    text: (code) => mapped(map, code),
    advance: (code) => (Number.isFinite(widths[code - first]) ? widths[code - first]! : 0) * matrix[0]!,
    type3Height: usual ? undefined : height * matrix[3]!,
  };
}

function mapped(map: ToUnicode, code: number): string {
  const t = map.get(code);
  if (t === undefined) throw new FontUnsupported(`code ${code} not mapped`);
  return t;
}

/** A CID font's W array: `c [w1 w2 …]` gives consecutive CIDs from c, `c1 c2 w` one width for a range. */
function cidWidths(lib: PdfLib, owner: PDFDict): Map<number, number> {
  const out = new Map<number, number>();
  const raw = owner.lookupMaybe(lib.PDFName.of('W'), lib.PDFArray);
  if (!raw) return out;
  const entries = raw.asArray().map((v) => owner.context.lookup(v));
  const num = (v: unknown) => (v instanceof lib.PDFNumber ? v.asNumber() : NaN);
  for (let i = 0; i < entries.length; ) {
    const start = num(entries[i]);
    const next = entries[i + 1];
    if (next instanceof lib.PDFArray) {
      next.asArray().forEach((v, k) => out.set(start + k, num(owner.context.lookup(v))));
      i += 2;
    } else {
      const end = num(next);
      const width = num(entries[i + 2]);
      if (!(end - start < MAX_CMAP_ENTRIES)) throw new FontUnsupported('W range too long');
      for (let c = start; c <= end; c++) out.set(c, width);
      i += 3;
    }
    if (out.size > MAX_CMAP_ENTRIES) throw new FontUnsupported('W too long');
  }
  for (const v of out.values()) if (!Number.isFinite(v)) throw new FontUnsupported('W unreadable');
  return out;
}
