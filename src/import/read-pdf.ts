import { InputError } from '../errors.ts';
import type { TableRow } from '../domain/plan/parse-plan-table.ts';
import type { ImportLimits } from './import-limits.ts';
import { openContent } from './pdf-content.ts';
import type { Line } from './pdf-lines.ts';
import { openPdf, pageFromRuns, readPage, type PageRead } from './pdf-page.ts';
import type { Ruling } from './pdf-rules.ts';
import { lineText, tableRows, type MergedRun } from './pdf-table.ts';

/**
 * The text layer of a PDF (read from the content streams, or by pdfjs where that reader cannot
 * follow a file or a font), laid out again as lines, and — when a line holds a ledger's column
 * names — as table rows (pdf-table.ts). A PDF without a text layer (a scan) is refused with a hint,
 * never read as empty.
 */


export type PdfContent = { kind: 'table'; rows: TableRow[]; merged: MergedRun[] } | { kind: 'text'; text: string };

/** `engine: 'pdfjs'` reads every page through pdfjs (tests and the benchmark compare the two readers). */
export interface ReadPdfOptions {
  now?: () => number;
  engine?: 'auto' | 'pdfjs';
}

export async function readPdf(buf: Buffer, document: string, limits: ImportLimits, options: ReadPdfOptions = {}): Promise<PdfContent> {
  const now = options.now ?? Date.now;
  const started = now();
  // Pages are read from their content streams where that reader can follow them; pdfjs is opened
  // only for a page it cannot (a font it does not know) or a file it cannot (encrypted, broken:
  // pdfjs then also gives the error the user sees).
  const content = options.engine === 'pdfjs' ? null : await openContent(new Uint8Array(buf));
  let pdfjs: Promise<Awaited<ReturnType<typeof openPdf>>> | undefined;
  const openPdfjs = () => (pdfjs ??= openPdfFor(buf, document));
  try {
    const numPages = content?.numPages || (await openPdfjs()).doc.numPages;
    if (numPages > limits.maxPdfPages) {
      throw new InputError('IMPORT_INVALID', `${document} 有 ${numPages} 页，超过导入上限 ${limits.maxPdfPages} 页`, '把任务台账单独导出为 PDF 或 .xlsx 后再导入');
    }
    // Rules are kept from the page where a table's header appears on (a plan in running text never
    // needs them, and pdfjs's way of reading them is slow).
    const lines: Line[] = [];
    const rulings = new Map<number, Ruling>();
    let tableSeen = false;
    const wantRules = (hasHeader: boolean) => (tableSeen ||= hasHeader);
    for (let p = 1; p <= numPages; p++) {
      if (now() - started > limits.maxPdfMillis) {
        throw new InputError('IMPORT_INVALID', `${document} 读取超时：${Math.round(limits.maxPdfMillis / 1000)} 秒内只读完 ${p - 1}/${numPages} 页`, '文件可能过大或结构异常；请导出为 .xlsx/.docx，或拆分后再导入');
      }
      const page = content?.numPages ? content.page(p) : null;
      let read: PageRead;
      if (page?.runs) read = pageFromRuns(p, page.runs, page, wantRules);
      else {
        const { pdfjs: lib, doc } = await openPdfjs();
        // pdf-lib and pdfjs disagree on the page tree (a broken file pdfjs rebuilt): pdfjs reads it all.
        if (content && doc.numPages !== numPages) return await readPdf(buf, document, limits, { ...options, engine: 'pdfjs' });
        try {
          read = await readPage(lib, doc, p, wantRules, page);
        } catch (e) {
          throw new InputError('IMPORT_INVALID', `${document} 第 ${p} 页无法读取（${damage((e as Error).message)}）`, '用 WPS/Acrobat 打开后另存为 PDF，或导出为 .docx/.xlsx 再导入', { cause: e });
        }
      }
      lines.push(...read.lines);
      if (read.ruling) rulings.set(p, read.ruling);
    }
    if (lines.length === 0) {
      throw new InputError('IMPORT_INVALID', `${document} 没有文字层（可能是扫描件或图片），无法读取任务`, '请用 OCR 识别成文字，或向发文单位索取 Word/Excel 版本');
    }
    const table = tableRows(lines, rulings);
    if (table) return { kind: 'table', rows: table.rows, merged: table.merged };
    return { kind: 'text', text: lines.map(lineText).join('\n') };
  } finally {
    if (pdfjs) await (await pdfjs.catch(() => null))?.doc.destroy().catch(() => undefined);
  }
}

/** What pdfjs found wrong, in the user's words (its English message stays in the error's cause, for the log). */
function damage(message: string): string {
  if (/Invalid PDF structure|No PDF header|startxref|xref/i.test(message)) return '文件结构损坏或不完整';
  if (/empty|zero/i.test(message)) return '文件为空';
  return '内容无法解析，文件可能已损坏';
}

/** pdfjs's view of the file, its failures worded for the user. */
async function openPdfFor(buf: Buffer, document: string): Promise<Awaited<ReturnType<typeof openPdf>>> {
  try {
    return await openPdf(new Uint8Array(buf));
  } catch (e) {
    const message = (e as Error).message;
    if (/password/i.test(message)) throw new InputError('IMPORT_INVALID', `${document} 有打开密码，无法读取`, '去掉密码后另存一份 PDF 再导入', { cause: e });
    throw new InputError('IMPORT_INVALID', `${document} 不是有效的 PDF 文件（${damage(message)}）`, '用 WPS/Acrobat 打开后另存为 PDF，或导出为 .docx/.xlsx 再导入', { cause: e });
  }
}
