import type { PdfFont } from './pdf-fonts.ts';
import { concat, IDENTITY, type Matrix } from './pdf-rules.ts';

/**
 * A page's text as positioned runs, built glyph by glyph from the text operators. Runs are cut and
 * joined where pdfjs's getTextContent cuts and joins them (same thresholds, in the same units), so
 * the table reader sees the items it was built on whichever reader produced them: a gap of over
 * 0.6 em or a jump to another line starts a new run, 0.1–0.6 em becomes a space inside one, a
 * space glyph between words is kept once. Only horizontal writing is read (a vertical font never
 * gets here: see pdf-fonts.ts).
 */

export interface TextRun {
  str: string;
  x: number;
  y: number;
  /** Advance along the line in page units. */
  width: number;
  /** Text space scaled to the page: the run's font size as printed. */
  size: number;
  height: number;
  /** Where each UTF-16 unit of `str` starts along the line (so a run two table cells share can be cut between them). */
  xs: number[];
}

/** The text state a `q` saves and a `Q` restores (pdfjs saves the text matrices with it too). */
interface TextState {
  font: PdfFont | null;
  fontName: string;
  fontSize: number;
  charSpacing: number;
  wordSpacing: number;
  hScale: number;
  leading: number;
  rise: number;
  tm: Matrix;
  tlm: Matrix;
}

const TRACKING_SPACE = 0.102;
const NOT_A_SPACE = 0.03;
const NEGATIVE_SPACE = -0.2;
const SPACE_IN_FLOW_MIN = 0.102;
const SPACE_IN_FLOW_MAX = 0.6;
const VERTICAL_SHIFT = 0.25;

/** pdfjs's categories: a leading blank, a non-spacing mark, an invisible format mark. */
const SPECIAL = /^(\s)|(\p{Mn})|(\p{Cf})$/u;
const categories = new Map<string, number>();
/** Single code units, the usual case, by number: 255 = not yet known. */
const unitCategories = new Uint8Array(0x10000).fill(255);
function category(ch: string): number {
  if (ch.length === 1) {
    const u = ch.charCodeAt(0);
    let c = unitCategories[u]!;
    if (c === 255) c = unitCategories[u] = categoryOf(ch);
    return c;
  }
  let c = categories.get(ch);
  if (c === undefined) {
    c = categoryOf(ch);
    categories.set(ch, c);
  }
  return c;
}
function categoryOf(ch: string): number {
  const g = SPECIAL.exec(ch);
  return g?.[1] ? 1 : g?.[2] ? 2 : g?.[3] ? 3 : 0;
}
const WHITESPACE = 1;
const DIACRITIC = 2;
const FORMAT_MARK = 3;

/** Compatibility forms pdfjs folds (ligatures, spaces of other widths, presentation forms). */
const NORMALIZE = /[\u00a0\u00b5\u037e\u0eb3\u2000-\u200a\u202f\u2126\ufb00-\ufb04\ufb06\ufb20-\ufb36\ufb38-\ufb3c\ufb3e\ufb40-\ufb41\ufb43-\ufb44\ufb46-\ufba1\ufba4-\ufba9\ufbae-\ufbb1\ufbd3-\ufbdc\ufbde-\ufbe7\ufbea-\ufbf8\ufbfc-\ufbfd\ufc00-\ufc5d\ufc64-\ufcf1\ufcf5-\ufd3d\ufd88\ufdf4\ufdfa-\ufdfb\ufe71\ufe77\ufe79\ufe7b\ufe7d]+/gu;
const normalize = (s: string) => s.replace(NORMALIZE, (m) => m.normalize('NFKC')).replace(/\ufb05/g, 'ſt');
const NEEDS_NORMALIZE = new RegExp(`${NORMALIZE.source}|\ufb05`, 'u');

/** Matrices are changed in place: a ledger sets one per text object, tens of thousands per file. */
const setTo = (m: Matrix, from: Readonly<Matrix>) => {
  for (let i = 0; i < 6; i++) m[i] = from[i]!;
};

const translate = (m: Matrix, x: number, y: number) => {
  m[4] += m[0] * x + m[2] * y;
  m[5] += m[1] * x + m[3] * y;
};

export class TextLayout {
  readonly runs: TextRun[] = [];
  ctm: Matrix = IDENTITY;
  #s: TextState = { font: null, fontName: '', fontSize: 0, charSpacing: 0, wordSpacing: 0, hScale: 1, leading: 0, rise: 0, tm: [...IDENTITY], tlm: [...IDENTITY] };
  #saved: { s: TextState; ctm: Matrix }[] = [];
  /** The page's visible box [x1 y1 x2 y2]: glyphs outside it are not text of the page. */
  readonly #view: [number, number, number, number];

  // The run being built (pdfjs's textContentItem); its measures outlive a flush, as pdfjs's do.
  #open = false;
  #str: string[] = [];
  /** Start of each piece of #str: the glyph's origin; an added space sits where the next glyph starts. */
  #xs: number[] = [];
  #start: Matrix = IDENTITY;
  #width = 0;
  #totalWidth = 0;
  #height = 0;
  #advanceScale = 1;
  #prev = new Float64Array(6);
  #hasPrev = false;
  #cur = new Float64Array(6);
  #prevRise = 0;
  #trackingSpaceMin = Infinity;
  #notASpace = -Infinity;
  #negativeSpaceMax = -Infinity;
  #spaceInFlowMin = 0;
  #spaceInFlowMax = 0;
  #lastChars: [string, string] = [' ', ' '];
  #lastPos = 0;
  /** Size and font name the open run was begun in (pdfjs ends a run when either changes). */
  #runSize = NaN;
  #runFontName: string | null = null;

  constructor(view: [number, number, number, number]) {
    this.#view = view;
  }

  save(): void {
    const s = this.#s;
    this.#saved.push({ s: { ...s, tm: [...s.tm], tlm: [...s.tlm] }, ctm: this.ctm });
  }

  restore(): void {
    const top = this.#saved.pop();
    if (!top) return;
    this.#s = top.s;
    this.ctm = top.ctm;
  }

  /** `cm`: pdfjs leaves the open run's advance scale as it is (only Tm changes it). */
  transform(m: Matrix): void {
    this.ctm = concat(m, this.ctm);
  }

  beginText(): void {
    setTo(this.#s.tm, IDENTITY);
    setTo(this.#s.tlm, IDENTITY);
  }

  setFont(name: string, font: PdfFont, size: number): void {
    this.#s.fontName = name;
    this.#s.font = font;
    this.#s.fontSize = size;
  }

  get font(): PdfFont | null {
    return this.#s.font;
  }

  get fontSize(): number {
    return this.#s.fontSize;
  }

  /** The layout a form XObject's text starts from: this state, the form's matrix, no run open. */
  fork(matrix: Matrix): TextLayout {
    const inner = new TextLayout(this.#view);
    inner.#s = { ...this.#s, tm: [...this.#s.tm], tlm: [...this.#s.tlm] };
    inner.ctm = concat(matrix, this.ctm);
    return inner;
  }

  /** Same font and size again: pdfjs skips it, and so no run is cut. */
  isFont(name: string, size: number): boolean {
    return this.#s.font !== null && this.#s.fontName === name && this.#s.fontSize === size;
  }

  set charSpacing(v: number) {
    this.#s.charSpacing = v;
  }
  set wordSpacing(v: number) {
    this.#s.wordSpacing = v;
  }
  set hScale(percent: number) {
    this.#s.hScale = percent / 100;
  }
  set leading(v: number) {
    this.#s.leading = v;
  }
  set rise(v: number) {
    this.#s.rise = v;
  }

  /** Td; TD also sets the leading. */
  moveText(x: number, y: number, setLeading = false): void {
    if (setLeading) this.#s.leading = -y;
    translate(this.#s.tlm, x, y);
    setTo(this.#s.tm, this.#s.tlm);
  }

  setMatrix(m: Matrix): void {
    setTo(this.#s.tm, m);
    setTo(this.#s.tlm, m);
    this.#updateAdvanceScale();
  }

  /** T*, and the line feed of ' and ". */
  nextLine(): void {
    this.moveText(0, -this.#s.leading);
  }

  /** Tj's string (its codes decoded by the caller), or one string of a TJ followed by `extraSpacing`. */
  show(codes: ArrayLike<number>, count: number, extraSpacing: number): void {
    const s = this.#s;
    const font = s.font;
    if (!font) return;
    if (this.#runFontName !== null && (this.#runSize !== s.fontSize || this.#runFontName !== font.name)) this.flush();
    this.#runSize = s.fontSize;
    this.#runFontName = font.name;
    if (count === 0) {
      const spacing = s.charSpacing + extraSpacing;
      if (spacing) translate(s.tm, spacing * s.hScale, 0);
      return;
    }
    const scale = s.fontSize;
    for (let i = 0; i < count; i++) {
      const code = codes[i]!;
      const text = font.text(code);
      const cat = category(text);
      if (cat === FORMAT_MARK) continue;
      let spacing = s.charSpacing + (i + 1 === count ? extraSpacing : 0);
      let dim = font.advance(code) * scale;
      if (code === 0x20) spacing += s.wordSpacing;
      if (cat === WHITESPACE) {
        translate(s.tm, (spacing + dim) * s.hScale, 0);
        this.#saveLastChar(' ');
        continue;
      }
      if (cat !== DIACRITIC && !this.#compareWithLast(dim)) {
        translate(s.tm, dim * s.hScale, 0);
        continue;
      }
      this.#ensureRun();
      if (cat === DIACRITIC) dim = 0;
      dim *= s.hScale;
      translate(s.tm, dim, 0);
      this.#width += dim;
      if (dim) {
        // Computed afresh as pdfjs does (not moved on from #cur): the same rounding, the same runs.
        this.#trmInto(this.#prev);
        this.#hasPrev = true;
        this.#prevRise = s.rise;
      }
      const x = cat === DIACRITIC ? (this.#xs[this.#xs.length - 1] ?? this.#cur[4]!) : this.#cur[4]!;
      if (this.#saveLastChar(text)) this.#piece(' ', x);
      this.#piece(text, x);
      if (spacing) translate(s.tm, spacing * s.hScale, 0);
    }
  }

  /** A form XObject, an ET-less end of page: the run so far is complete. */
  flush(): void {
    if (!this.#open) return;
    this.#totalWidth += this.#width * this.#advanceScale;
    const m = this.#start;
    let str = this.#str.join('');
    let xs = this.#xs;
    if (str.length !== xs.length || NEEDS_NORMALIZE.test(str)) {
      // A piece of more than one unit (a ligature's text, a pair) or one to fold: each piece's x for each of its units.
      str = '';
      xs = [];
      this.#str.forEach((piece, i) => {
        const text = normalize(piece);
        str += text;
        for (let k = 0; k < text.length; k++) xs.push(this.#xs[i]!);
      });
    }
    this.runs.push({ str, x: m[4], y: m[5], width: Math.abs(this.#totalWidth), size: Math.hypot(m[0], m[1]), height: this.#height, xs });
    this.#open = false;
    this.#str = [];
    this.#xs = [];
  }

  #piece(text: string, x: number): void {
    this.#str.push(text);
    this.#xs.push(x);
  }

  /** Text rendering matrix into `out`: font size, scaling and rise, then the text matrix, then the CTM (per glyph: no allocation). */
  #trmInto(out: Float64Array | Matrix): void {
    const s = this.#s;
    const t = s.tm;
    const c = this.ctm;
    const a = s.fontSize * s.hScale;
    const d = s.fontSize;
    const m0 = a * t[0];
    const m1 = a * t[1];
    const m2 = d * t[2];
    const m3 = d * t[3];
    const m4 = s.rise * t[2] + t[4];
    const m5 = s.rise * t[3] + t[5];
    out[0] = m0 * c[0] + m1 * c[2];
    out[1] = m0 * c[1] + m1 * c[3];
    out[2] = m2 * c[0] + m3 * c[2];
    out[3] = m2 * c[1] + m3 * c[3];
    out[4] = m4 * c[0] + m5 * c[2] + c[4];
    out[5] = m4 * c[1] + m5 * c[3] + c[5];
  }

  #ensureRun(): void {
    if (this.#open) return;
    const s = this.#s;
    const trm: Matrix = [0, 0, 0, 0, 0, 0];
    this.#trmInto(trm);
    this.#start = trm;
    this.#width = this.#totalWidth = 0;
    const type3 = s.font?.type3Height;
    this.#height = Math.hypot(trm[2], trm[3]) * (type3 !== undefined && s.fontSize <= 1 ? Math.abs(type3) : 1);
    this.#advanceScale = Math.hypot(s.tlm[0], s.tlm[1]) * Math.hypot(this.ctm[0], this.ctm[1]);
    this.#trackingSpaceMin = s.fontSize * TRACKING_SPACE;
    this.#notASpace = s.fontSize * NOT_A_SPACE;
    this.#negativeSpaceMax = s.fontSize * NEGATIVE_SPACE;
    this.#spaceInFlowMin = s.fontSize * SPACE_IN_FLOW_MIN;
    this.#spaceInFlowMax = s.fontSize * SPACE_IN_FLOW_MAX;
    this.#open = true;
  }

  #updateAdvanceScale(): void {
    if (!this.#open) return;
    const s = this.#s;
    const scale = Math.hypot(s.tlm[0], s.tlm[1]) * Math.hypot(this.ctm[0], this.ctm[1]);
    if (scale === this.#advanceScale) return;
    this.#totalWidth += this.#width * this.#advanceScale;
    this.#width = 0;
    this.#advanceScale = scale;
  }

  #saveLastChar(ch: string): boolean {
    const next = (this.#lastPos + 1) % 2;
    const spaceBetween = this.#lastChars[this.#lastPos] !== ' ' && this.#lastChars[next] === ' ';
    this.#lastChars[this.#lastPos] = ch;
    this.#lastPos = next;
    return spaceBetween;
  }

  #shouldAddWhitespace(): boolean {
    return this.#lastChars[this.#lastPos] !== ' ' && this.#lastChars[(this.#lastPos + 1) % 2] === ' ';
  }

  #resetLastChars(): void {
    this.#lastChars = [' ', ' '];
    this.#lastPos = 0;
  }

  /**
   * Where the next glyph sits against the last one: false when it lies outside the page (not
   * shown); otherwise cuts the run, adds a space or widens it, as pdfjs's compareWithLastPosition.
   */
  #compareWithLast(glyphWidth: number): boolean {
    const cur = this.#cur;
    this.#trmInto(cur);
    const posXOnPage = cur[4]!;
    let posX = cur[4]!;
    let posY = cur[5]!;
    const v = this.#view;
    if (posX + glyphWidth < v[0] || posX > v[2] || posY < v[1] || posY > v[3]) return false;
    if (!this.#hasPrev) return true;
    const prev = this.#prev;
    let lastX = prev[4]!;
    let lastY = prev[5]!;
    if (lastX === posX && lastY === posY) return true;
    if (cur[0] && cur[1] === 0 && cur[2] === 0) {
      if (cur[0] < 0) [posX, posY, lastX, lastY] = [-posX, -posY, -lastX, -lastY];
    } else if (cur[1] && cur[0] === 0 && cur[3] === 0) {
      if (cur[1] > 0) [posX, posY, lastX, lastY] = [posY, posX, lastY, lastX];
      else [posX, posY, lastX, lastY] = [-posY, -posX, -lastY, -lastX];
    } else {
      [posX, posY] = unrotate(posX, posY, cur);
      [lastX, lastY] = unrotate(lastX, lastY, prev);
    }
    const advanceX = (posX - lastX) / this.#advanceScale;
    const advanceY = posY - lastY;
    const orientation = Math.sign(this.#width || this.#totalWidth);
    if (advanceX < orientation * this.#negativeSpaceMax) {
      this.#resetLastChars();
      this.flush();
      return true;
    }
    const riseDelta = this.#s.rise - this.#prevRise;
    const advanceYCorrected = riseDelta === 0 ? advanceY : advanceY - (cur[3]! / this.#s.fontSize) * riseDelta;
    if (Math.abs(advanceYCorrected) > this.#height) {
      this.#resetLastChars();
      this.flush();
      return true;
    }
    if (advanceX <= orientation * this.#notASpace) this.#resetLastChars();
    if (advanceX <= orientation * this.#trackingSpaceMin) {
      if (this.#shouldAddWhitespace()) {
        this.#resetLastChars();
        this.flush();
      } else this.#width += advanceX;
    } else if (orientation * this.#spaceInFlowMin <= advanceX && advanceX <= orientation * this.#spaceInFlowMax) {
      if (this.#open) {
        this.#resetLastChars();
        this.#piece(' ', posXOnPage);
      }
      if (this.#str.length === 0) this.#resetLastChars();
      else this.#width += advanceX;
    } else {
      this.flush();
      this.#resetLastChars();
    }
    if (Math.abs(advanceY) > this.#height * VERTICAL_SHIFT) this.flush();
    return true;
  }
}

function unrotate(x: number, y: number, m: Float64Array): [number, number] {
  const [a, b, c, d] = m as unknown as Matrix;
  const scale = Math.hypot(a, b);
  return [(a * x + b * y) / scale, (c * x + d * y) / scale];
}
