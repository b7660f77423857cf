import { createRequire } from 'node:module';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { columnOf, type TableRow } from '../domain/plan/parse-plan-table.ts';
import { isFurniture } from '../domain/plan/document-header.ts';
import type { ImportLimits } from './import-limits.ts';

/**
 * The text layer of a PDF (pdfjs-dist), laid out again as lines, and — when a line holds a ledger's
 * column names — as table rows: each text item goes to the column whose header sits above it, and a
 * row starts where the 序号 column has a number (or, without one, where the task column starts a new
 * cell), so a PDF ledger goes through the same table parser as .xlsx and .docx. A PDF without a text
 * layer (a scan) is refused with a hint, never read as empty.
 */

export type PdfContent = { kind: 'table'; rows: TableRow[] } | { kind: 'text'; text: string };

interface Item {
  x: number;
  right: number;
  y: number;
  size: number;
  str: string;
}

interface Line {
  page: number;
  y: number;
  items: Item[];
}

const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

export async function readPdf(buf: Buffer, document: string, limits: ImportLimits, now: () => number = Date.now): Promise<PdfContent> {
  const started = now();
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc: Awaited<ReturnType<typeof pdfjs.getDocument>['promise']>;
  try {
    doc = await pdfjs.getDocument({
      data: new Uint8Array(buf),
      // Chinese PDFs often use the predefined Adobe-GB1 CMaps instead of embedding a ToUnicode map.
      cMapUrl: `${pdfjsDir}/cmaps/`,
      cMapPacked: true,
      standardFontDataUrl: `${pdfjsDir}/standard_fonts/`,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
  } catch (e) {
    const message = (e as Error).message;
    if (/password/i.test(message)) throw new InputError('IMPORT_INVALID', `${document} 有打开密码，无法读取`, '去掉密码后另存一份 PDF 再导入', { cause: e });
    throw new InputError('IMPORT_INVALID', `${document} 不是有效的 PDF 文件：${message}`, '用 WPS/Acrobat 打开后另存为 PDF，或导出为 .docx/.xlsx 再导入', { cause: e });
  }
  try {
    if (doc.numPages > limits.maxPdfPages) {
      throw new InputError('IMPORT_INVALID', `${document} 有 ${doc.numPages} 页，超过导入上限 ${limits.maxPdfPages} 页`, '把任务台账单独导出为 PDF 或 .xlsx 后再导入');
    }
    const lines: Line[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      if (now() - started > limits.maxPdfMillis) {
        throw new InputError('IMPORT_INVALID', `${document} 读取超时：${Math.round(limits.maxPdfMillis / 1000)} 秒内只读完 ${p - 1}/${doc.numPages} 页`, '文件可能过大或结构异常；请导出为 .xlsx/.docx，或拆分后再导入');
      }
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const items: Item[] = [];
      for (const it of content.items) {
        if (!('str' in it) || !it.str.trim()) continue;
        const [a, b, , , x, y] = it.transform as number[];
        const size = Math.hypot(a!, b!) || it.height || 10;
        items.push({ x: x!, right: x! + it.width, y: y!, size, str: it.str });
      }
      lines.push(...toLines(p, items));
      page.cleanup();
    }
    if (lines.length === 0) {
      throw new InputError('IMPORT_INVALID', `${document} 没有文字层（可能是扫描件或图片），无法读取任务`, '请用 OCR 识别成文字，或向发文单位索取 Word/Excel 版本');
    }
    const rows = tableRows(lines);
    if (rows) return { kind: 'table', rows };
    return { kind: 'text', text: lines.map(lineText).join('\n') };
  } finally {
    await doc.destroy();
  }
}

/** Items of one page → lines, top to bottom, each left to right. */
function toLines(page: number, items: Item[]): Line[] {
  items.sort((p, q) => q.y - p.y || p.x - q.x);
  const lines: Line[] = [];
  for (const it of items) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - it.y) <= Math.max(2, it.size * 0.4)) last.items.push(it);
    else lines.push({ page, y: it.y, items: [it] });
  }
  for (const l of lines) l.items.sort((p, q) => p.x - q.x);
  return lines;
}

/** Items of a line joined; a gap wider than a character becomes a space (two runs of text). */
function lineText(line: Line): string {
  let out = '';
  let prev: Item | null = null;
  for (const it of line.items) {
    if (prev && it.x - prev.right > it.size * 0.9) out += ' ';
    out += it.str;
    prev = it;
  }
  return out.trim();
}

/**
 * When a line holds two or more column names with the task column among them: table rows, with the
 * lines above the header as one-cell rows (the title). Column bounds lie half-way between
 * neighbouring header cells.
 */
function tableRows(lines: Line[]): TableRow[] | null {
  const headerAt = lines.findIndex((l) => {
    const cols = l.items.map((it) => columnOf(it.str.trim()));
    return cols.filter(Boolean).length >= 2 && cols.includes('text');
  });
  if (headerAt < 0) return null;
  const header = lines[headerAt]!.items;
  const names = header.map((it) => it.str.trim());
  const bounds = header.slice(1).map((it, k) => (header[k]!.right + it.x) / 2);
  const columnAt = (x: number, right: number) => {
    const centre = Math.min((x + right) / 2, x + 24);
    let c = 0;
    while (c < bounds.length && centre > bounds[c]!) c++;
    return c;
  };
  const numbered = columnOf(names[0]!) === 'no';
  const textCol = Math.max(0, names.findIndex((n) => columnOf(n) === 'text'));
  const rows: TableRow[] = lines.slice(0, headerAt).map((l, i) => ({ row: i + 1, cells: [lineText(l)] }));
  rows.push({ row: headerAt + 1, cells: names });
  let cur: string[][] | null = null;
  const flush = () => {
    // A cell's lines are where the layout wrapped it ("区城管局、各" / "街道"): joined without a break.
    if (cur) rows.push({ row: rows.length + 1, cells: cur.map((parts) => parts.join('')) });
    cur = null;
  };
  for (const line of lines.slice(headerAt + 1)) {
    const text = lineText(line);
    if (isFurniture(text)) continue;
    const cells: string[][] = names.map(() => []);
    for (const it of line.items) cells[columnAt(it.x, it.right)]!.push(it.str);
    const joined = cells.map((c) => c.join(''));
    // The header printed again on each page.
    if (joined.filter((c, k) => c.replace(/\s+/g, '') === names[k]).length >= 2) continue;
    const startsRow = numbered ? /^\d+$/.test(joined[0]!.trim()) : joined[textCol]!.trim() !== '' && (cur == null || joined.filter(Boolean).length >= 2);
    // A heading across the table (一、产业发展): its own one-cell row.
    const heading = joined.filter(Boolean).length === 1 && /^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]/.test(text);
    if (heading) {
      flush();
      rows.push({ row: rows.length + 1, cells: [text] });
      continue;
    }
    if (startsRow || !cur) {
      flush();
      cur = names.map(() => [] as string[]);
    }
    joined.forEach((c, k) => {
      if (c) cur![k]!.push(c);
    });
  }
  flush();
  return rows;
}
