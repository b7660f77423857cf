import zlib from 'node:zlib';
import { concat, IDENTITY, RuleCollector, type Matrix, type Rule } from './pdf-rules.ts';

/**
 * A PDF's drawing read straight from its pages' content streams: pdf-lib finds and decodes the
 * streams, and a small scanner follows only the operators that build and paint paths (plus q/Q/cm
 * and form XObjects, which move them). pdfjs's operator list gives the same lines, but it builds
 * and copies every glyph of the page's text on the way, which was half of a long ledger's reading
 * time. Anything this reader cannot follow faithfully (an encrypted file, a stream it cannot
 * decode) is reported as unknown, and the caller asks pdfjs instead — never as "no lines".
 */

type PdfLib = typeof import('pdf-lib');
type PDFDictT = import('pdf-lib').PDFDict;

export interface Drawing {
  /** Horizontal rules of page `p` (1-based), or null when this reader cannot tell. */
  rules(p: number): Rule[] | null;
}

/** Opens `data` for its drawing, or null when the file is encrypted or pdf-lib cannot parse it. */
export async function openDrawing(data: Uint8Array): Promise<Drawing | null> {
  const lib = await import('pdf-lib');
  let doc: Awaited<ReturnType<PdfLib['PDFDocument']['load']>>;
  try {
    doc = await lib.PDFDocument.load(data, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false, parseSpeed: lib.ParseSpeeds.Fastest });
  } catch {
    return null;
  }
  // Encrypted streams would scan as noise; pdfjs decrypts them.
  if (doc.isEncrypted) return null;
  const pages = doc.getPages();
  const decoded = new Map<object, Uint8Array>();
  return {
    rules(p) {
      const page = pages[p - 1];
      if (!page) return null;
      try {
        const collector = new RuleCollector();
        const contents = page.node.Contents();
        if (!contents) return [];
        const parts = contents instanceof lib.PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
        const bytes = joinStreams(parts.map((s) => streamBytes(lib, s)));
        scanPaths(bytes, IDENTITY, collector, formsOf(lib, page.node.Resources(), decoded), { active: new Set(), operators: MAX_OPERATORS_PER_PAGE });
        return collector.rules;
      } catch {
        // Undecodable, or more drawing than any real page (a form drawing itself many times over):
        // pdfjs, which guards against both, reads this page's lines.
        return null;
      }
    },
  };
}

/** Where a `Do` may lead: a form XObject of the resources in force (its object, bytes, matrix, own forms). */
type FormLookup = (name: string) => { key: object; bytes: Uint8Array; matrix: Matrix; forms: FormLookup } | null;

/** `decoded`: each form's bytes by object, inflated once however often pages draw it. */
function formsOf(lib: PdfLib, resources: PDFDictT | undefined, decoded: Map<object, Uint8Array>): FormLookup {
  const xobjects = resources?.lookupMaybe(lib.PDFName.of('XObject'), lib.PDFDict);
  return (name) => {
    const obj = xobjects?.lookup(lib.PDFName.of(name));
    if (!(obj instanceof lib.PDFRawStream) || obj.dict.lookup(lib.PDFName.of('Subtype')) !== lib.PDFName.of('Form')) return null;
    const m = obj.dict.lookupMaybe(lib.PDFName.of('Matrix'), lib.PDFArray)?.asArray().map((n) => (n instanceof lib.PDFNumber ? n.asNumber() : NaN));
    const matrix = m && m.length === 6 && m.every(Number.isFinite) ? (m as Matrix) : IDENTITY;
    // A form without resources of its own uses its page's (PDF 1.1 and earlier writers).
    const own = obj.dict.lookupMaybe(lib.PDFName.of('Resources'), lib.PDFDict);
    const bytes = decoded.get(obj) ?? streamBytes(lib, obj);
    decoded.set(obj, bytes);
    return { key: obj, bytes, matrix, forms: formsOf(lib, own ?? resources, decoded) };
  };
}

/** A stream's decoded bytes; plain Flate (nearly every content stream) through zlib, which is fast. */
function streamBytes(lib: PdfLib, stream: unknown): Uint8Array {
  if (!(stream instanceof lib.PDFRawStream)) throw new Error('not a stream');
  const filter = stream.dict.lookup(lib.PDFName.of('Filter'));
  const params = stream.dict.lookup(lib.PDFName.of('DecodeParms'));
  const flate = lib.PDFName.of('FlateDecode');
  const only = filter instanceof lib.PDFArray && filter.size() === 1 ? filter.lookup(0) : filter;
  if (filter === undefined) return stream.contents;
  // finishFlush: a stream cut short still yields what it holds, as pdfjs reads it.
  if (only === flate && params === undefined) return zlib.inflateSync(stream.contents, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return lib.decodePDFRawStream(stream).decode();
}

/** Several content streams of one page are one stream split anywhere between tokens. */
function joinStreams(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    out[at + p.length] = 0x0a;
    at += p.length + 1;
  }
  return out;
}

const WHITE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WHITE[c] = 1;
const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;
const MAX_FORM_DEPTH = 8;
/** Far beyond a real page (a 334-page ledger averages ~2,000); past it the page is pdfjs's to read. */
const MAX_OPERATORS_PER_PAGE = 2_000_000;

/** One page's scan: the forms being drawn (a form drawing itself is skipped) and the operators left. */
interface ScanBudget {
  active: Set<object>;
  operators: number;
}

/** An operator of up to three bytes as one number, so the scanner compares without making strings. */
const code = (op: string) => op.split('').reduce((n, ch, i) => n + ch.charCodeAt(0) * 256 ** i, 0);
const OP = {
  q: code('q'), Q: code('Q'), cm: code('cm'), m: code('m'), l: code('l'), c: code('c'), v: code('v'), y: code('y'), re: code('re'), h: code('h'),
  s: code('s'), b: code('b'), bStar: code('b*'), S: code('S'), f: code('f'), F: code('F'), fStar: code('f*'), B: code('B'), BStar: code('B*'), n: code('n'),
  BI: code('BI'), Do: code('Do'),
};
const CLOSE_AND_PAINT = new Set([OP.s, OP.b, OP.bStar]);
const PAINT = new Set([OP.S, OP.f, OP.F, OP.fStar, OP.B, OP.BStar]);

/**
 * Follows one content stream's tokens, keeping numeric operands and acting on the path operators;
 * strings, names, arrays and dictionaries are stepped over (they only feed text and marked
 * content), and an inline image's binary data is skipped whole. Nothing is allocated per token: a
 * ledger page is mostly text operators, and this runs over every byte of every page.
 */
function scanPaths(b: Uint8Array, start: Matrix, out: RuleCollector, forms: FormLookup, budget: ScanBudget): void {
  let ctm = start;
  const saved: Matrix[] = [];
  const nums = new Float64Array(16);
  let k = 0; // operands on the stack; a non-number operand counts as NaN
  const push = (v: number) => {
    if (k === nums.length) {
      nums.copyWithin(0, 1); // only an operator's last operands matter
      k--;
    }
    nums[k++] = v;
  };
  let nameStart = 0;
  let nameEnd = 0;
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (WHITE[c]) {
      i++;
    } else if (c === 0x25) {
      while (i < n && b[i] !== 0x0a && b[i] !== 0x0d) i++;
    } else if (c === 0x28) {
      i = afterLiteralString(b, i);
      push(NaN);
    } else if (c === 0x3c) {
      if (b[i + 1] === 0x3c) i += 2;
      else {
        while (i < n && b[i] !== 0x3e) i++;
        i++;
        push(NaN);
      }
    } else if (c === 0x2f) {
      let j = i + 1;
      while (j < n && !WHITE[b[j]!] && !DELIMITER[b[j]!]) j++;
      nameStart = i + 1;
      nameEnd = j;
      push(NaN);
      i = j;
    } else if (DELIMITER[c]) {
      i++; // [ ] { } and the second > of >>
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e) {
      const [value, next] = readNumber(b, i);
      push(value);
      i = next;
    } else {
      let j = i + 1;
      while (j < n && !WHITE[b[j]!] && !DELIMITER[b[j]!]) j++;
      const op = j - i === 1 ? c : j - i === 2 ? c + b[i + 1]! * 256 : j - i === 3 ? c + b[i + 1]! * 256 + b[i + 2]! * 65536 : -1;
      i = j;
      if (--budget.operators < 0) throw new Error('too much drawing');
      if (op === OP.BI) i = afterInlineImage(b, i);
      else if (op === OP.Do) {
        const form = budget.active.size < MAX_FORM_DEPTH ? forms(String.fromCharCode(...b.subarray(nameStart, nameEnd))) : null;
        // A form that draws itself (directly or through another) is drawn once, as pdfjs does.
        if (form && !budget.active.has(form.key)) {
          budget.active.add(form.key);
          scanPaths(form.bytes, concat(form.matrix, ctm), out, form.forms, budget);
          budget.active.delete(form.key);
        }
      } else ctm = pathOperator(op, nums, k, ctm, saved, out);
      k = 0;
    }
  }
}

/** Applies one operator (its `k` operands last in `a`) to the path or the transform; returns the transform after it. */
function pathOperator(op: number, a: Float64Array, k: number, ctm: Matrix, saved: Matrix[], out: RuleCollector): Matrix {
  if (op === OP.q) saved.push(ctm);
  else if (op === OP.Q) return saved.pop() ?? ctm;
  else if (op === OP.cm) {
    if (k < 6) return ctm;
    const m = Array.from(a.subarray(k - 6, k)) as Matrix;
    return m.every(Number.isFinite) ? concat(m, ctm) : ctm;
  } else if (op === OP.m) {
    if (k >= 2) out.moveTo(ctm, a[k - 2]!, a[k - 1]!);
  } else if (op === OP.l) {
    if (k >= 2) out.lineTo(ctm, a[k - 2]!, a[k - 1]!);
  } else if (op === OP.c || op === OP.v || op === OP.y) {
    if (k >= 2) out.curveTo(ctm, a[k - 2]!, a[k - 1]!);
  } else if (op === OP.re) {
    if (k >= 4) out.rect(ctm, a[k - 4]!, a[k - 3]!, a[k - 2]!, a[k - 1]!);
  } else if (op === OP.h) out.closePath();
  else if (CLOSE_AND_PAINT.has(op)) {
    out.closePath();
    out.paint();
  } else if (PAINT.has(op)) out.paint();
  else if (op === OP.n) out.discard();
  return ctm;
}

function readNumber(b: Uint8Array, i: number): [number, number] {
  let sign = 1;
  if (b[i] === 0x2d || b[i] === 0x2b) {
    if (b[i] === 0x2d) sign = -1;
    i++;
  }
  let value = 0;
  while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) value = value * 10 + b[i++]! - 0x30;
  if (b[i] === 0x2e) {
    i++;
    let scale = 0.1;
    while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) {
      value += (b[i++]! - 0x30) * scale;
      scale /= 10;
    }
  }
  return [sign * value, i];
}

/** The index after a literal string `( … )`: nested parentheses balance, a backslash escapes one byte. */
function afterLiteralString(b: Uint8Array, i: number): number {
  let depth = 0;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === 0x5c) i++;
    else if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i + 1;
  }
  return i;
}

/** The index after an inline image: past `ID`, its binary data, and the `EI` standing alone. */
function afterInlineImage(b: Uint8Array, i: number): number {
  const n = b.length;
  while (i < n - 1 && !(b[i] === 0x49 && b[i + 1] === 0x44 && WHITE[b[i - 1]!] && (i + 2 >= n || WHITE[b[i + 2]!]))) i++;
  for (i += 3; i < n - 1; i++) {
    if (b[i] === 0x45 && b[i + 1] === 0x49 && WHITE[b[i - 1]!] && (i + 2 >= n || WHITE[b[i + 2]!] || DELIMITER[b[i + 2]!])) return i + 2;
  }
  return n;
}
