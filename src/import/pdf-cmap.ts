/**
 * A font's ToUnicode CMap (PDF 32000 §9.10.3): which text each character code stands for. Only the
 * parts a ToUnicode map uses are read — `bfchar` pairs and `bfrange` runs, the latter with a start
 * value that counts up or an array of values. A map that points elsewhere (`usecmap`) is not
 * followed: the caller leaves such a font to pdfjs, so a code is never given a guessed meaning.
 * One pass over the tokens, and a bound on the entries, so a hostile map costs no more than its size.
 */

export class CMapUnsupported extends Error {}

/** Code → the text it stands for. */
export type ToUnicode = Map<number, string>;

/** More codes than any font maps (a two-byte space holds 65,536): past it the map is not a font's. */
export const MAX_CMAP_ENTRIES = 0x20000;

/** A destination `<…>`: UTF-16BE code units as text; a two-digit one (some writers map single bytes so) is one unit. */
function utf16(hex: string): string {
  if (hex.length === 2) return String.fromCharCode(parseInt(hex, 16));
  let out = '';
  for (let i = 0; i + 4 <= hex.length; i += 4) out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return out;
}

/** The same text with its last code unit moved on by `by`: a bfrange's value for the range's n-th code. */
function advanced(text: string, by: number): string {
  if (by === 0 || text.length === 0) return text;
  return text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) + by);
}

const TOKEN = /<([0-9A-Fa-f\s]*)>|(\[)|(\])|([A-Za-z]+)/g;

export function parseToUnicode(source: string): ToUnicode {
  const map: ToUnicode = new Map();
  const set = (code: number, text: string) => {
    // An empty destination says nothing: pdfjs then reads the glyph itself, so it stays unmapped here.
    if (text === '') return;
    map.set(code, text);
    if (map.size > MAX_CMAP_ENTRIES) throw new CMapUnsupported('too many codes');
  };
  let mode: 'char' | 'range' | null = null;
  let hexes: string[] = []; // the current entry's hex operands
  let list: string[] | null = null; // a bfrange's [ … ] while it is read
  for (const [, hex, open, close, word] of source.matchAll(TOKEN)) {
    if (word !== undefined) {
      if (word === 'usecmap') throw new CMapUnsupported('usecmap');
      if (word === 'beginbfchar') mode = 'char';
      else if (word === 'beginbfrange') mode = 'range';
      else if (word === 'endbfchar' || word === 'endbfrange') mode = null;
      hexes = [];
      list = null;
    } else if (mode === null) continue;
    else if (open !== undefined) list = [];
    else if (close !== undefined) {
      if (mode === 'range' && hexes.length === 2 && list) {
        const from = parseInt(hexes[0]!, 16);
        const to = parseInt(hexes[1]!, 16);
        list.forEach((v, i) => from + i <= to && set(from + i, utf16(v)));
      }
      hexes = [];
      list = null;
    } else if (hex !== undefined) {
      const h = hex.replace(/\s/g, '');
      if (list) list.push(h);
      else hexes.push(h);
      if (mode === 'char' && hexes.length === 2) {
        set(parseInt(hexes[0]!, 16), utf16(hexes[1]!));
        hexes = [];
      } else if (mode === 'range' && hexes.length === 3) {
        const from = parseInt(hexes[0]!, 16);
        const to = parseInt(hexes[1]!, 16);
        if (to - from >= MAX_CMAP_ENTRIES) throw new CMapUnsupported('range too long');
        const start = utf16(hexes[2]!);
        for (let code = from; code <= to; code++) set(code, advanced(start, code - from));
        hexes = [];
      }
    }
  }
  return map;
}
