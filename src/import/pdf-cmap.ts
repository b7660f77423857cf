/**
 * A font's ToUnicode CMap (PDF 32000 §9.10.3): which text each character code stands for. Only the
 * parts a ToUnicode map uses are read — `bfchar` pairs and `bfrange` runs, the latter with a start
 * value that counts up or an array of values. A map that points elsewhere (`usecmap`) is not
 * followed: the caller leaves such a font to pdfjs, so a code is never given a guessed meaning.
 */

export class CMapUnsupported extends Error {}

/** Code → the text it stands for. */
export type ToUnicode = Map<number, string>;

const hexValue = (h: string) => parseInt(h, 16);

/** A destination `<…>`: UTF-16BE code units as text. */
function utf16(hex: string): string {
  let out = '';
  for (let i = 0; i + 4 <= hex.length; i += 4) out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  // A two-digit destination (some writers map single bytes so) is one code unit.
  if (hex.length === 2) out = String.fromCharCode(parseInt(hex, 16));
  return out;
}

/** The same text with its last code unit moved on by `by`: a bfrange's value for the range's n-th code. */
function advanced(text: string, by: number): string {
  if (by === 0 || text.length === 0) return text;
  return text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) + by);
}

/** At most this many codes per range: a 2-byte space has 65,536, and a broken file may claim more. */
const MAX_RANGE = 0x10000;

export function parseToUnicode(source: string): ToUnicode {
  if (/\busecmap\b/.test(source)) throw new CMapUnsupported('usecmap');
  const map: ToUnicode = new Map();
  for (const block of source.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, src, dst] of block[1]!.matchAll(/<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>/g)) {
      map.set(hexValue(src!.replace(/\s/g, '')), utf16(dst!.replace(/\s/g, '')));
    }
  }
  for (const block of source.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, dst, list] of block[1]!.matchAll(/<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(?:<([0-9A-Fa-f\s]*)>|\[([^\]]*)\])/g)) {
      const from = hexValue(lo!.replace(/\s/g, ''));
      const to = Math.min(hexValue(hi!.replace(/\s/g, '')), from + MAX_RANGE - 1);
      if (dst !== undefined) {
        const start = utf16(dst.replace(/\s/g, ''));
        for (let code = from; code <= to; code++) map.set(code, advanced(start, code - from));
      } else {
        const values = [...list!.matchAll(/<([0-9A-Fa-f\s]*)>/g)].map((m) => utf16(m[1]!.replace(/\s/g, '')));
        values.forEach((v, i) => from + i <= to && map.set(from + i, v));
      }
    }
  }
  return map;
}
