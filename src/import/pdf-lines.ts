import { columnOf } from '../domain/plan/parse-plan-table.ts';

/**
 * A PDF page's text as lines of items, whichever reader produced the items, and the cutting and
 * joining the table reader needs: items a font change or a marked-content span cut inside a word
 * are joined again, and an item two table cells share (their text closer than 0.6 em, so the
 * reader joined them with a space) can be cut at that space.
 */

export interface Item {
  x: number;
  right: number;
  y: number;
  size: number;
  str: string;
  /** Where each UTF-16 unit of `str` starts, when the reader knows (see pdf-text.ts); else estimated. */
  xs?: number[];
}

export interface Line {
  page: number;
  y: number;
  items: Item[];
}

/**
 * Closer than this (in ems) is the same word: pdfjs and our reader join glyphs this close into one
 * item, and split them only where the font or a marked-content span changes ("⼯" + "作任务").
 */
const SAME_WORD = 0.102;

/** Items of one page → lines, top to bottom, each left to right, with a word's pieces joined. */
export function toLines(page: number, items: Item[]): Line[] {
  items.sort((p, q) => q.y - p.y || p.x - q.x);
  const lines: Line[] = [];
  for (const it of items) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - it.y) <= Math.max(2, it.size * 0.4)) last.items.push(it);
    else lines.push({ page, y: it.y, items: [it] });
  }
  for (const l of lines) {
    l.items.sort((p, q) => p.x - q.x);
    l.items = joinWords(l.items);
  }
  return lines;
}

function joinWords(items: Item[]): Item[] {
  const out: Item[] = [];
  for (const it of items) {
    const prev = out[out.length - 1];
    const gap = prev ? it.x - prev.right : Infinity;
    if (prev && gap >= -SAME_WORD * it.size && gap <= SAME_WORD * Math.min(prev.size, it.size)) {
      out[out.length - 1] = { x: prev.x, right: Math.max(prev.right, it.right), y: prev.y, size: prev.size, str: prev.str + it.str, xs: [...starts(prev), ...starts(it)] };
    } else out.push(it);
  }
  return out;
}

/** Where each unit of an item's text starts: as read, or spread over its width by the characters' usual widths (CJK 1, other 0.5). */
export function starts(it: Item): number[] {
  if (it.xs && it.xs.length === it.str.length) return it.xs;
  const weights = [...it.str].flatMap((ch) => {
    const w = ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.5;
    return ch.length === 2 ? [w, 0] : [w];
  });
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const out: number[] = [];
  let at = 0;
  for (const w of weights) {
    out.push(it.x + ((it.right - it.x) * at) / total);
    at += w;
  }
  return out;
}

/** An item cut at its blanks into the words between them, each with its own extent. */
export function words(it: Item): Item[] {
  const xs = starts(it);
  const out: Item[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(it.str))) {
    const end = m.index + m[0].length;
    out.push({ x: xs[m.index]!, right: end < xs.length ? xs[end]! : it.right, y: it.y, size: it.size, str: m[0], xs: xs.slice(m.index, end) });
  }
  return out;
}

/**
 * A header line's column names: an item holding two names a narrow gap apart ("牵头领导 牵头单位")
 * is two columns.
 */
export function headerItems(items: Item[]): Item[] {
  return items.flatMap((it) => {
    if (!/\s/.test(it.str.trim())) return [it];
    const parts = words(it);
    return parts.every((p) => columnOf(p.str)) ? parts : [it];
  });
}

/** A ledger's header: two or more column names, the task column among them. */
export function isHeaderLine(l: Line): boolean {
  const cols = headerItems(l.items).map((it) => columnOf(it.str.trim()));
  return cols.filter(Boolean).length >= 2 && cols.includes('text');
}
