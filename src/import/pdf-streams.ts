import zlib from 'node:zlib';

/** pdf-lib, loaded on first use (only PDF imports need it). */
export type PdfLib = typeof import('pdf-lib');

/**
 * pdf-lib from its published single-file build: the package's CommonJS tree is some 300 modules,
 * which under tsx (how the bot and CLI run) take ~0.2 s to load against ~0.1 s for the one file.
 */
export async function loadPdfLib(): Promise<PdfLib> {
  const m = (await import('pdf-lib/dist/pdf-lib.min.js')) as { default?: PdfLib } & Partial<PdfLib>;
  return (m.PDFDocument ? m : m.default) as PdfLib;
}

/** Far beyond a page's content (a 334-page ledger's pages average 13 KB): past it the page is pdfjs's, not a memory blow-up. */
const MAX_STREAM_BYTES = 64 * 1024 * 1024;

/** A stream's decoded bytes; plain Flate (nearly every content stream) through zlib, which is fast. */
export function streamBytes(lib: PdfLib, stream: unknown): Uint8Array {
  if (!(stream instanceof lib.PDFRawStream)) throw new Error('not a stream');
  const filter = stream.dict.lookup(lib.PDFName.of('Filter'));
  const params = stream.dict.lookup(lib.PDFName.of('DecodeParms'));
  const flate = lib.PDFName.of('FlateDecode');
  const only = filter instanceof lib.PDFArray && filter.size() === 1 ? filter.lookup(0) : filter;
  if (filter === undefined) return stream.contents;
  // finishFlush: a stream cut short still yields what it holds, as pdfjs reads it.
  if (only === flate && params === undefined) return zlib.inflateSync(stream.contents, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: MAX_STREAM_BYTES });
  return lib.decodePDFRawStream(stream).decode();
}

/** Several content streams of one page are one stream split anywhere between tokens. */
export function joinStreams(parts: Uint8Array[]): Uint8Array {
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
