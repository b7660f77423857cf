/**
 * How much a plan file may hold before the import refuses it. Every reader and parser after these
 * checks is linear in its input, so a bound on size is a bound on time; the PDF reader, whose work
 * per page depends on the page, also watches the clock. Values are generous for real plans (a
 * 5,000-task ledger is about 3 MB of text, 0.4 MB as .xlsx) and small enough that a runaway file
 * ends in seconds with a clear message instead of minutes of memory growth.
 */
export interface ImportLimits {
  /** Plain text, CSV, HTML and legacy .doc/.wps files. */
  maxTextBytes: number;
  /** .docx / .xlsx / .pdf files as stored. */
  maxBinaryBytes: number;
  /** Uncompressed XML inside a .docx (mammoth needs ~1.5 s and 60 MB per MB of XML). */
  maxDocxXmlBytes: number;
  /** Uncompressed XML inside an .xlsx. */
  maxXlsxXmlBytes: number;
  /** Lines of text after decoding (a line per paragraph for Word files). */
  maxLines: number;
  maxPdfPages: number;
  /** Wall-clock budget for reading one PDF. */
  maxPdfMillis: number;
}

export const IMPORT_LIMITS: ImportLimits = {
  maxTextBytes: 10 * 1024 * 1024,
  maxBinaryBytes: 40 * 1024 * 1024,
  maxDocxXmlBytes: 10 * 1024 * 1024,
  maxXlsxXmlBytes: 60 * 1024 * 1024,
  maxLines: 200_000,
  maxPdfPages: 2_000,
  maxPdfMillis: 60_000,
};

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}
