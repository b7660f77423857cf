import * as OpenCC from 'opencc-js';

/**
 * One normalisation step before any plan parser runs: traditional → simplified characters,
 * full-width letters and digits → ASCII. Both are one character for one character, so a position
 * in the normalised text is the same position in the original: `restoreOriginal` gives back the
 * words as printed for display (task text, titles), while labels, unit names, leaders and dates are
 * read from the normalised text — the unit directory is in simplified characters.
 */

let t2s: ((s: string) => string) | null = null;
const toSimplified = (s: string): string => (t2s ??= OpenCC.Converter({ from: 'hk', to: 'cn' }))(s);

/**
 * Characters that only traditional writing uses and that any plan of the genre contains (單 位, 責 任,
 * 牽 頭, 時 限, 縣 區 …). Converting costs ~0.5 ms per 1,000 characters, so a document none of them
 * occur in is left alone.
 */
const TRADITIONAL_HINT = /[單責牽頭時縣區發會辦務實進與為這對關應開總點組織領導計劃劃產業經濟設議標數據參協調門們個來國]/;

export function hasTraditional(text: string): boolean {
  return TRADITIONAL_HINT.test(text);
}

/** Full-width digits, letters and % (０-９Ａ-Ｚａ-ｚ％) → ASCII; the genre's Chinese punctuation stays. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF05]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * Traditional → simplified, one character for one character (see the module comment). `known`:
 * the caller already knows the document is in traditional characters (a heading such as 強化要素保障
 * holds none of the hint characters and must still be converted).
 */
export function simplify(text: string, known = false): string {
  if (!known && !hasTraditional(text)) return text;
  const whole = toSimplified(text);
  if (whole.length === text.length) return whole;
  // A phrase mapping changed the length: convert character by character to keep positions.
  let out = '';
  for (const ch of text) {
    const c = toSimplified(ch);
    out += c.length === ch.length ? c : ch;
  }
  return out;
}

/**
 * Kangxi radicals (⼯ U+2F2F, ⼀ U+2F00) and compatibility ideographs → the ideographs they stand
 * for (工, 一), as Unicode itself equates them (NFKC; of the supplementary radicals only ⺟ and ⻳
 * have such an equivalent). Nobody types them: they come from PDFs whose fonts map one
 * glyph to both code points (Chromium and some Word exports pick the radical), and copied from such
 * a PDF into Word. "⼯作" would match no label, unit or keyword. One character for one character.
 */
export function foldRadicals(text: string): string {
  return text.replace(/[⺀-⻳⼀-⿕豈-龎]/g, (c) => {
    const n = c.normalize('NFKC');
    return n.length === 1 ? n : c;
  });
}

export function normaliseText(text: string, traditional = false): string {
  return toHalfWidth(simplify(foldRadicals(text), traditional));
}

/**
 * "工作机 制" / "服务重 大项目": a word broken where a PDF or a hard-wrapped cell broke its line and a
 * space was left. Whitespace between two Chinese characters is dropped; between Latin words or
 * digits it stays. For task text only: in a leaders cell "张三 李四" are two people.
 */
export function joinBrokenWords(text: string): string {
  return text.replace(/(?<=[\u4e00-\u9fff，。、；：])[ \t\u3000]+(?=[\u4e00-\u9fff])/g, '');
}

const CJK = '\u2e80-\u9fff\u3000-\u303f\uff00-\uffef';
const AUTOSPACE = new RegExp(`(?<=[${CJK}])[ \\t]+(?=[0-9A-Za-z%])|(?<=[0-9A-Za-z%])[ \\t]+(?=[${CJK}])`, 'g');

/**
 * Word and LibreOffice widen the gap between Chinese and Latin letters or digits on the page
 * ("改造 300 户", "2026 年"), and a PDF reader turns the gap into a space. It is layout, not text:
 * dropped, as the .docx of the same document has none.
 */
export function dropAutospace(s: string): string {
  return s.replace(AUTOSPACE, '');
}

/**
 * Finds where a normalised phrase sits in the normalised document and returns the original words
 * at the same place; the phrase itself when it is not one contiguous run of the document (the
 * parsers join lines and drop markup) or nothing was changed. Phrases are looked for from where the
 * last one was found first (tasks come in document order), so restoring every task is linear.
 */
export function originalFinder(original: string, normalised: string): (s: string) => string {
  if (original === normalised) return (s) => s;
  const flatOriginal = original.replace(/\s+/g, '');
  const flatNormalised = normalised.replace(/\s+/g, '');
  if (flatOriginal.length !== flatNormalised.length) return (s) => s;
  let cursor = 0;
  return (s) => {
    const flat = s.replace(/\s+/g, '');
    if (!flat) return s;
    let at = flatNormalised.indexOf(flat, cursor);
    if (at < 0) at = flatNormalised.indexOf(flat);
    if (at < 0) return s;
    cursor = at;
    const found = flatOriginal.slice(at, at + flat.length);
    return found === flat ? s : found;
  };
}
