/**
 * The lexical level of a content stream (PDF 32000 §7.2–7.3): which bytes are white space and
 * delimiters, numbers, the extent of a literal string and of an inline image, and the bytes a
 * string stands for. Used by the content reader (pdf-content.ts) without allocating per token.
 */

export const WHITE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WHITE[c] = 1;
export const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;

/** A string operand's bytes, decoded into one reused buffer (valid until the next call). */
export class StringBytes {
  #bytes = new Uint8Array(256);

  #scratch(len: number): Uint8Array {
    if (this.#bytes.length < len) this.#bytes = new Uint8Array(Math.max(len, this.#bytes.length * 2));
    return this.#bytes;
  }

  /** `<…>`: hex digits, white space ignored, an odd last digit followed by 0 (§7.3.4.3). */
  hex(b: Uint8Array, start: number, end: number): Uint8Array {
    const out = this.#scratch((end - start + 1) >> 1);
    let k = 0;
    let high = -1;
    for (let i = start; i < end; i++) {
      const d = hexDigit(b[i]!);
      if (d < 0) continue;
      if (high < 0) high = d;
      else {
        out[k++] = (high << 4) | d;
        high = -1;
      }
    }
    if (high >= 0) out[k++] = high << 4;
    return out.subarray(0, k);
  }

  /** `(…)` with its escapes: \n \r \t \b \f \( \) \\, octal \ddd, and a backslash-newline continuation. */
  literal(b: Uint8Array, start: number, end: number): Uint8Array {
    const out = this.#scratch(end - start);
    let k = 0;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c !== 0x5c) {
        // An end-of-line inside a string is one \n, however it was written.
        if (c === 0x0d) {
          if (b[i + 1] === 0x0a) i++;
          out[k++] = 0x0a;
        } else out[k++] = c;
        continue;
      }
      const e = b[++i];
      if (e === undefined || i >= end) break;
      if (e === 0x6e) out[k++] = 0x0a;
      else if (e === 0x72) out[k++] = 0x0d;
      else if (e === 0x74) out[k++] = 0x09;
      else if (e === 0x62) out[k++] = 0x08;
      else if (e === 0x66) out[k++] = 0x0c;
      else if (e >= 0x30 && e <= 0x37) {
        let v = e - 0x30;
        for (let d = 0; d < 2 && i + 1 < end && b[i + 1]! >= 0x30 && b[i + 1]! <= 0x37; d++) v = v * 8 + b[++i]! - 0x30;
        out[k++] = v & 0xff;
      } else if (e === 0x0d) {
        if (b[i + 1] === 0x0a) i++;
      } else if (e !== 0x0a) out[k++] = e;
    }
    return out.subarray(0, k);
  }
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

export const latin1 = (b: Uint8Array, start: number, end: number) => String.fromCharCode(...b.subarray(start, end));

/** Reads numbers in place: `read` returns the index after one, `value` holds it. */
export class NumberReader {
  value = 0;

  read(b: Uint8Array, i: number): number {
    let sign = 1;
    if (b[i] === 0x2d || b[i] === 0x2b) {
      if (b[i] === 0x2d) sign = -1;
      i++;
    }
    let value = 0;
    while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) value = value * 10 + b[i++]! - 0x30;
    if (b[i] === 0x2e) {
      i++;
      // Digits as one integer over a power of ten: rounded once, as parseFloat (and pdfjs) read them.
      let fraction = 0;
      let scale = 1;
      while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) {
        if (scale < 1e15) {
          fraction = fraction * 10 + b[i]! - 0x30;
          scale *= 10;
        }
        i++;
      }
      value += fraction / scale;
    }
    this.value = sign * value;
    return i;
  }
}

/** The index after a literal string `( … )`: nested parentheses balance, a backslash escapes one byte. */
export function afterLiteralString(b: Uint8Array, i: number): number {
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
export function afterInlineImage(b: Uint8Array, i: number): number {
  const n = b.length;
  while (i < n - 1 && !(b[i] === 0x49 && b[i + 1] === 0x44 && WHITE[b[i - 1]!] && (i + 2 >= n || WHITE[b[i + 2]!]))) i++;
  for (i += 3; i < n - 1; i++) {
    if (b[i] === 0x45 && b[i + 1] === 0x49 && WHITE[b[i - 1]!] && (i + 2 >= n || WHITE[b[i + 2]!] || DELIMITER[b[i + 2]!])) return i + 2;
  }
  return n;
}
