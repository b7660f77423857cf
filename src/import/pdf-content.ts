import type { PDFDict } from 'pdf-lib';
import { FontUnsupported, loadFont, type PdfFont } from './pdf-fonts.ts';
import { IDENTITY, RuleCollector, type Matrix, type Ruling } from './pdf-rules.ts';
import { joinStreams, loadPdfLib, streamBytes, type PdfLib } from './pdf-streams.ts';
import { TextLayout, type TextRun } from './pdf-text.ts';
import { afterInlineImage, afterLiteralString, DELIMITER, latin1, NumberReader, StringBytes, WHITE } from './pdf-tokens.ts';

/**
 * A PDF's pages read straight from their content streams: pdf-lib finds and decodes the streams,
 * and one scanner follows the operators that paint paths (for a ledger's ruling lines) and show
 * text (for its cells), plus q/Q/cm and form XObjects, which move both. pdfjs reads the same, but
 * through a general engine that builds every glyph as an object and copies it between its two
 * halves — three quarters of a long ledger's reading time. What this reader cannot follow
 * faithfully is reported as unknown, never as empty: an encrypted file or a stream it cannot decode
 * (the page, or the whole file, goes to pdfjs), a font whose text or widths the file does not spell
 * out (the page's text goes to pdfjs; see pdf-fonts.ts).
 */

/** A page's borders (in page coordinates) and text. */
export interface PageContent extends Ruling {
  /** Text runs, or null where a font is beyond this reader (pdfjs reads that page's text). */
  runs: TextRun[] | null;
}

export interface ContentReader {
  numPages: number;
  /** Page `p` (1-based), or null when this reader cannot tell what it holds. */
  page(p: number): PageContent | null;
}

/** Opens `data`, or null when the file is encrypted or pdf-lib cannot parse it. */
export async function openContent(data: Uint8Array): Promise<ContentReader | null> {
  const lib = await loadPdfLib();
  let doc: Awaited<ReturnType<PdfLib['PDFDocument']['load']>>;
  // A damaged object makes pdf-lib throw (instead of printing an English warning to the user's
  // terminal and going on): pdfjs, which rebuilds broken files, reads those.
  try {
    doc = await lib.PDFDocument.load(data, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: true, parseSpeed: lib.ParseSpeeds.Fastest });
  } catch {
    return null;
  }
  // Encrypted streams would scan as noise; pdfjs decrypts them.
  if (doc.isEncrypted) return null;
  let pages: ReturnType<typeof doc.getPages>;
  try {
    pages = doc.getPages();
  } catch {
    return null; // no page tree pdf-lib can follow: pdfjs rebuilds what it can, or says what is wrong
  }
  if (pages.length === 0) return null;
  const shared: Shared = { lib, decoded: new Map(), fonts: new Map() };
  return {
    numPages: pages.length,
    page(p) {
      const page = pages[p - 1];
      if (!page) return null;
      try {
        const view = visibleBox(page.getMediaBox(), page.getCropBox());
        const reader = new PageReader(shared, view);
        const contents = page.node.Contents();
        if (contents) {
          const parts = contents instanceof lib.PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
          reader.read(joinStreams(parts.map((s) => streamBytes(lib, s))), page.node.Resources(), reader.layout);
        }
        reader.layout.flush();
        return { rules: reader.rules.rules, verticals: reader.rules.verticals, runs: reader.textFailed ? null : reader.layout.runs };
      } catch {
        // Undecodable, or more operators than any real page (a form drawing itself many times
        // over): pdfjs, which guards against both, reads this page.
        return null;
      }
    },
  };
}

type Box = { x: number; y: number; width: number; height: number };

/**
 * The part of the page pdfjs counts as shown: crop box within media box, each read corner to
 * corner whichever way round it was written; the media box alone when the two do not overlap.
 */
function visibleBox(media: Box, crop: Box): [number, number, number, number] {
  const norm = (b: Box): [number, number, number, number] => [Math.min(b.x, b.x + b.width), Math.min(b.y, b.y + b.height), Math.max(b.x, b.x + b.width), Math.max(b.y, b.y + b.height)];
  const m = norm(media);
  const c = norm(crop);
  const both: [number, number, number, number] = [Math.max(m[0], c[0]), Math.max(m[1], c[1]), Math.min(m[2], c[2]), Math.min(m[3], c[3])];
  return both[0] < both[2] && both[1] < both[3] ? both : m;
}

/** What all pages share: decoded form streams and loaded fonts, by object, each done once. */
interface Shared {
  lib: PdfLib;
  decoded: Map<object, Uint8Array>;
  fonts: Map<object, PdfFont | FontUnsupported>;
}

const MAX_FORM_DEPTH = 8;
/** Far beyond a real page (a 334-page ledger averages ~2,000); past it the page is pdfjs's to read. */
const MAX_OPERATORS_PER_PAGE = 2_000_000;

/** An operator of up to three bytes as one number, so the scanner compares without making strings. */
const code = (op: string) => op.split('').reduce((n, ch, i) => n + ch.charCodeAt(0) * 256 ** i, 0);
const OP = {
  q: code('q'), Q: code('Q'), cm: code('cm'), m: code('m'), l: code('l'), c: code('c'), v: code('v'), y: code('y'), re: code('re'), h: code('h'),
  s: code('s'), b: code('b'), bStar: code('b*'), S: code('S'), f: code('f'), F: code('F'), fStar: code('f*'), B: code('B'), BStar: code('B*'), n: code('n'),
  BI: code('BI'), Do: code('Do'), gs: code('gs'),
  BT: code('BT'), Tf: code('Tf'), Tc: code('Tc'), Tw: code('Tw'), Tz: code('Tz'), TL: code('TL'), Ts: code('Ts'), Td: code('Td'), TD: code('TD'), Tm: code('Tm'),
  TStar: code('T*'), Tj: code('Tj'), TJ: code('TJ'), quote: code("'"), dquote: code('"'),
  BMC: code('BMC'), BDC: code('BDC'), EMC: code('EMC'),
};
const CLOSE_AND_PAINT = new Set([OP.s, OP.b, OP.bStar]);
const PAINT = new Set([OP.S, OP.f, OP.F, OP.fStar, OP.B, OP.BStar]);
const TEXT_SHOW = new Set([OP.Tj, OP.TJ, OP.quote, OP.dquote]);
/** Marked content: pdfjs ends the run at its edges (an ActualText span is a run of its own). */
const MARKED = new Set([OP.BMC, OP.BDC, OP.EMC]);

const NUM = 0;
const STR = 1;
const HEX = 2;
const NAME = 3;
const ARRAY = 4;
const OTHER = 5;
const SLOTS = 32;

/**
 * An operator's operands as the scanner met them, without an object per token: kind, value (a
 * number) or byte range (a string or name) in parallel arrays. An array operand (TJ's) keeps its
 * elements in a second set.
 */
class Operands {
  readonly kind = new Uint8Array(SLOTS);
  readonly num = new Float64Array(SLOTS);
  readonly start = new Int32Array(SLOTS);
  readonly end = new Int32Array(SLOTS);
  k = 0;
  readonly arr = { kind: [] as number[], num: [] as number[], start: [] as number[], end: [] as number[], length: 0 };
  depth = 0;

  push(kind: number, num: number, start: number, end: number): void {
    if (this.depth > 0) {
      if (this.depth > 1) return; // a nested array: no text operator takes one
      const a = this.arr;
      a.kind[a.length] = kind;
      a.num[a.length] = num;
      a.start[a.length] = start;
      a.end[a.length] = end;
      a.length++;
      return;
    }
    if (this.k === SLOTS) {
      // Only an operator's last operands matter.
      this.kind.copyWithin(0, 1);
      this.num.copyWithin(0, 1);
      this.start.copyWithin(0, 1);
      this.end.copyWithin(0, 1);
      this.k--;
    }
    this.kind[this.k] = kind;
    this.num[this.k] = num;
    this.start[this.k] = start;
    this.end[this.k] = end;
    this.k++;
  }

  /** The i-th from last operand as a number (NaN when it is not one). */
  n(back: number): number {
    const i = this.k - back;
    return i >= 0 && this.kind[i] === NUM ? this.num[i]! : NaN;
  }
}

type Lookup = (name: string) => unknown;

class PageReader {
  readonly rules = new RuleCollector();
  readonly layout: TextLayout;
  textFailed = false;
  #operators = MAX_OPERATORS_PER_PAGE;
  #active = new Set<object>();
  readonly #strings = new StringBytes();
  readonly #numbers = new NumberReader();
  #codes = new Int32Array(256);
  #count = 0;

  constructor(
    private readonly shared: Shared,
    view: [number, number, number, number],
  ) {
    this.layout = new TextLayout(view);
  }

  /** Scans one content stream with `resources` in force, its text laid out by `layout`. */
  read(b: Uint8Array, resources: PDFDict | undefined, layout: TextLayout): void {
    const lib = this.shared.lib;
    const dictOf = (key: string) => resources?.lookupMaybe(lib.PDFName.of(key), lib.PDFDict);
    const xobjects = dictOf('XObject');
    const fonts = dictOf('Font');
    const states = dictOf('ExtGState');
    const lookup = (dict: PDFDict | undefined): Lookup => (name) => dict?.lookup(lib.PDFName.of(name));
    const ops = new Operands();
    const n = b.length;
    let i = 0;
    while (i < n) {
      const c = b[i]!;
      if (WHITE[c]) i++;
      else if (c === 0x25) {
        while (i < n && b[i] !== 0x0a && b[i] !== 0x0d) i++;
      } else if (c === 0x28) {
        const end = afterLiteralString(b, i);
        ops.push(STR, NaN, i + 1, end - 1);
        i = end;
      } else if (c === 0x3c) {
        if (b[i + 1] === 0x3c) i += 2;
        else {
          const start = i + 1;
          while (i < n && b[i] !== 0x3e) i++;
          ops.push(HEX, NaN, start, i);
          i++;
        }
      } else if (c === 0x2f) {
        let j = i + 1;
        while (j < n && !WHITE[b[j]!] && !DELIMITER[b[j]!]) j++;
        ops.push(NAME, NaN, i + 1, j);
        i = j;
      } else if (c === 0x5b) {
        if (ops.depth++ === 0) ops.arr.length = 0;
        i++;
      } else if (c === 0x5d) {
        if (ops.depth > 0 && --ops.depth === 0) ops.push(ARRAY, NaN, 0, 0);
        i++;
      } else if (DELIMITER[c]) {
        if (c === 0x3e && b[i + 1] === 0x3e) ops.push(OTHER, NaN, 0, 0);
        i++; // { } and the second > of >>
      } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e) {
        const next = this.#numbers.read(b, i);
        ops.push(NUM, this.#numbers.value, 0, 0);
        i = next;
      } else {
        let j = i + 1;
        while (j < n && !WHITE[b[j]!] && !DELIMITER[b[j]!]) j++;
        const op = j - i === 1 ? c : j - i === 2 ? c + b[i + 1]! * 256 : j - i === 3 ? c + b[i + 1]! * 256 + b[i + 2]! * 65536 : -1;
        i = j;
        if (--this.#operators < 0) throw new Error('too many operators');
        if (op === OP.BI) i = afterInlineImage(b, i);
        else if (op === OP.Do) this.#form(ops, b, lookup(xobjects), layout, resources);
        else if (op === OP.gs) this.#graphicsState(ops, b, lookup(states));
        else if (!this.#pathOperator(op, ops, layout) && !this.textFailed) {
          try {
            this.#textOperator(op, ops, b, lookup(fonts), layout);
          } catch (e) {
            if (!(e instanceof FontUnsupported)) throw e;
            this.textFailed = true;
          }
        }
        ops.k = 0;
        ops.depth = 0;
      }
    }
  }

  /** Applies a path or transform operator; false when `op` is not one. */
  #pathOperator(op: number, o: Operands, layout: TextLayout): boolean {
    const ctm = layout.ctm;
    const out = this.rules;
    if (op === OP.q) layout.save();
    else if (op === OP.Q) layout.restore();
    else if (op === OP.cm) {
      const m = [o.n(6), o.n(5), o.n(4), o.n(3), o.n(2), o.n(1)] as Matrix;
      if (m.every(Number.isFinite)) layout.transform(m);
    } else if (op === OP.m) out.moveTo(ctm, o.n(2), o.n(1));
    else if (op === OP.l) out.lineTo(ctm, o.n(2), o.n(1));
    else if (op === OP.c || op === OP.v || op === OP.y) out.curveTo(ctm, o.n(2), o.n(1));
    else if (op === OP.re) {
      if (o.k >= 4) out.rect(ctm, o.n(4), o.n(3), o.n(2), o.n(1));
    } else if (op === OP.h) out.closePath();
    else if (CLOSE_AND_PAINT.has(op)) {
      out.closePath();
      out.paint();
    } else if (PAINT.has(op)) out.paint();
    else if (op === OP.n) out.discard();
    else return false;
    return true;
  }

  #textOperator(op: number, o: Operands, b: Uint8Array, fonts: Lookup, layout: TextLayout): void {
    if (op === OP.BT) layout.beginText();
    else if (MARKED.has(op)) layout.flush();
    else if (op === OP.Tf) {
      const size = o.n(1);
      const i = o.k - 2;
      if (i < 0 || o.kind[i] !== NAME || !Number.isFinite(size)) throw new FontUnsupported('Tf operands');
      const name = latin1(b, o.start[i]!, o.end[i]!);
      if (!layout.isFont(name, size)) layout.setFont(name, this.#font(fonts(name)), size);
    } else if (op === OP.Tc) layout.charSpacing = finite(o.n(1));
    else if (op === OP.Tw) layout.wordSpacing = finite(o.n(1));
    else if (op === OP.Tz) layout.hScale = finite(o.n(1));
    else if (op === OP.TL) layout.leading = finite(o.n(1));
    else if (op === OP.Ts) layout.rise = finite(o.n(1));
    else if (op === OP.Td || op === OP.TD) layout.moveText(finite(o.n(2)), finite(o.n(1)), op === OP.TD);
    else if (op === OP.Tm) layout.setMatrix([o.n(6), o.n(5), o.n(4), o.n(3), o.n(2), o.n(1)].map(finite) as Matrix);
    else if (op === OP.TStar) layout.nextLine();
    else if (TEXT_SHOW.has(op)) {
      const font = layout.font;
      if (!font) throw new FontUnsupported('text before a font');
      if (op === OP.TJ) {
        if (o.k < 1 || o.kind[o.k - 1] !== ARRAY) return;
        const a = o.arr;
        const spaceFactor = -layout.fontSize / 1000;
        this.#count = 0;
        for (let e = 0; e < a.length; e++) {
          if (a.kind[e] === STR || a.kind[e] === HEX) this.#decode(font, b, a.kind[e]!, a.start[e]!, a.end[e]!);
          else if (a.kind[e] === NUM && a.num[e] !== 0) {
            layout.show(this.#codes, this.#count, a.num[e]! * spaceFactor);
            this.#count = 0;
          }
        }
        if (this.#count > 0) layout.show(this.#codes, this.#count, 0);
        return;
      }
      const s = o.k - 1;
      if (s < 0 || (o.kind[s] !== STR && o.kind[s] !== HEX)) return;
      if (op === OP.dquote) {
        layout.wordSpacing = finite(o.n(3));
        layout.charSpacing = finite(o.n(2));
      }
      if (op !== OP.Tj) layout.nextLine();
      this.#count = 0;
      this.#decode(font, b, o.kind[s]!, o.start[s]!, o.end[s]!);
      layout.show(this.#codes, this.#count, 0);
    }
  }

  #font(obj: unknown): PdfFont {
    const lib = this.shared.lib;
    if (!(obj instanceof lib.PDFDict)) throw new FontUnsupported('no such font');
    let font = this.shared.fonts.get(obj);
    if (font === undefined) {
      try {
        font = loadFont(lib, obj);
      } catch (e) {
        font = e instanceof FontUnsupported ? e : new FontUnsupported(String(e));
      }
      this.shared.fonts.set(obj, font);
    }
    if (font instanceof FontUnsupported) throw font;
    return font;
  }

  /** A string operand's bytes → the font's codes, appended to #codes. */
  #decode(font: PdfFont, b: Uint8Array, kind: number, start: number, end: number): void {
    const bytes = kind === HEX ? this.#strings.hex(b, start, end) : this.#strings.literal(b, start, end);
    const len = bytes.length;
    if (this.#codes.length < this.#count + len) {
      const grown = new Int32Array(Math.max(this.#codes.length * 2, this.#count + len));
      grown.set(this.#codes.subarray(0, this.#count));
      this.#codes = grown;
    }
    const codes = this.#codes;
    if (!font.twoByte) {
      for (let i = 0; i < len; i++) codes[this.#count++] = bytes[i]!;
      return;
    }
    // A lone last byte is the high byte of a code, as pdfjs reads it.
    for (let i = 0; i < len; i += 2) {
      let c = (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
      if (font.utf16 && c >= 0xd800 && c < 0xdc00 && i + 3 < len) {
        const lo = (bytes[i + 2]! << 8) | bytes[i + 3]!;
        if (lo >= 0xdc00 && lo < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
          i += 2;
        }
      }
      codes[this.#count++] = c;
    }
  }

  /** `gs` with a font in it sets the text font outside Tf: left to pdfjs. */
  #graphicsState(o: Operands, b: Uint8Array, states: Lookup): void {
    const i = o.k - 1;
    if (i < 0 || o.kind[i] !== NAME) return;
    const lib = this.shared.lib;
    const state = states(latin1(b, o.start[i]!, o.end[i]!));
    if (state instanceof lib.PDFDict && state.has(lib.PDFName.of('Font'))) this.textFailed = true;
  }

  /** `Do` of a form XObject: its paths and text, through its matrix, with its own resources. */
  #form(o: Operands, b: Uint8Array, xobjects: Lookup, layout: TextLayout, resources: PDFDict | undefined): void {
    // pdfjs ends the run at every Do, whatever it draws.
    layout.flush();
    const i = o.k - 1;
    if (i < 0 || o.kind[i] !== NAME || this.#active.size >= MAX_FORM_DEPTH) return;
    const lib = this.shared.lib;
    const obj = xobjects(latin1(b, o.start[i]!, o.end[i]!));
    if (!(obj instanceof lib.PDFRawStream) || obj.dict.lookup(lib.PDFName.of('Subtype')) !== lib.PDFName.of('Form')) return;
    // A form that draws itself (directly or through another) is drawn once, as pdfjs does.
    if (this.#active.has(obj)) return;
    const m = obj.dict.lookupMaybe(lib.PDFName.of('Matrix'), lib.PDFArray)?.asArray().map((v) => (v instanceof lib.PDFNumber ? v.asNumber() : NaN));
    const matrix = m && m.length === 6 && m.every(Number.isFinite) ? (m as Matrix) : IDENTITY;
    const bytes = this.shared.decoded.get(obj) ?? streamBytes(lib, obj);
    this.shared.decoded.set(obj, bytes);
    // pdfjs reads a form's text as a text content of its own, begun from the state in force.
    const inner = layout.fork(matrix);
    this.#active.add(obj);
    try {
      // A form without resources of its own uses its page's (PDF 1.1 and earlier writers).
      const own = obj.dict.lookupMaybe(lib.PDFName.of('Resources'), lib.PDFDict);
      this.read(bytes, own ?? resources, inner);
    } finally {
      this.#active.delete(obj);
    }
    inner.flush();
    layout.runs.push(...inner.runs);
  }

}

const finite = (v: number) => {
  if (!Number.isFinite(v)) throw new FontUnsupported('operand is not a number');
  return v;
};

