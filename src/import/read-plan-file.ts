import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { InputError } from '../errors.ts';
import { toSourceLines } from '../domain/plan/parse-plan-text.ts';
import { columnLetter, findHeader, type TableRow } from '../domain/plan/parse-plan-table.ts';
import type { SourceLine } from '../domain/plan/document-header.ts';

/** What a file holds, in the two shapes the parsers take. */
export type PlanSource =
  | { kind: 'text'; document: string; lines: SourceLine[] }
  | { kind: 'table'; document: string; rows: TableRow[]; cellName: (col: number, row: number) => string; title?: string };

const xlsxCell = (col: number, row: number) => `${columnLetter(col)}${row}`;
const textCell = (col: number, row: number) => `第${row}行第${col + 1}列`;

export async function readPlanFile(file: string): Promise<PlanSource> {
  const document = path.basename(file);
  if (!fs.existsSync(file)) throw new InputError('NOT_FOUND', `找不到文件 ${file}`, '检查路径是否正确');
  const buf = fs.readFileSync(file);
  if (buf.length === 0) throw new InputError('IMPORT_INVALID', `${document} 是空文件，没有可导入的内容`, '确认导出或复制时文件内容没有丢失');
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx') return readWorkbook(buf, document);
  if (ext === '.docx') return readWordFile(buf, document);
  if (ext === '.doc' || ext === '.xls' || ext === '.wps' || ext === '.et') {
    throw new InputError('IMPORT_INVALID', `${document} 是旧版 Office 格式，无法直接读取`, '用 Office/WPS 另存为 .docx 或 .xlsx 后再导入');
  }
  return sourceFromText(decodeText(buf, document), document);
}

/** UTF-8, else GBK (common for files saved on Chinese Windows); binary content is refused. */
export function decodeText(buf: Buffer, document: string): string {
  const nul = buf.indexOf(0);
  if (nul >= 0 && nul < 8192) {
    throw new InputError('IMPORT_INVALID', `${document} 不是文本文件（第 ${nul + 1} 字节起是二进制内容）`, '请导入 .txt、.docx 或 .xlsx 文件；若是 PDF 或图片，请先转成文字');
  }
  const utf8 = new TextDecoder('utf-8').decode(buf);
  const bad = (utf8.match(/\uFFFD/g) ?? []).length;
  if (bad === 0) return utf8;
  const gbk = new TextDecoder('gbk').decode(buf);
  if ((gbk.match(/\uFFFD/g) ?? []).length < bad / 4 && /[\u4e00-\u9fa5]/.test(gbk)) return gbk;
  const lineNo = utf8.slice(0, utf8.indexOf('\uFFFD')).split('\n').length;
  throw new InputError('IMPORT_INVALID', `${document} 第${lineNo}行起无法按文字读取（既不是 UTF-8 也不是 GBK 编码）`, '用记事本另存为 UTF-8 编码后再导入');
}

/** Text as read from a file: running text, or a tab-separated ledger when it has a header row. */
export function sourceFromText(text: string, document: string): PlanSource {
  const lines = toSourceLines(text);
  if (lines.every((l) => !l.text.trim())) {
    throw new InputError('IMPORT_INVALID', `${document} 只有空白，没有可导入的内容`, '确认文件内容');
  }
  // A ledger pasted as tab-separated text is a table, if it has a header row.
  const tabbed = lines.filter((l) => l.text.includes('\t'));
  if (tabbed.length >= 2) {
    const rows: TableRow[] = lines.filter((l) => l.text.trim()).map((l) => ({ row: l.no, cells: l.text.split('\t').map((c) => c.trim()) }));
    const header = findHeader(rows);
    if (header && rows[header.index]!.cells.length >= 2 && rows.slice(header.index).filter((r) => r.cells.length >= 2).length >= 2) {
      return { kind: 'table', document, rows, cellName: textCell };
    }
  }
  return { kind: 'text', document, lines };
}

async function readWorkbook(buf: Buffer, document: string): Promise<PlanSource> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (e) {
    throw new InputError('IMPORT_INVALID', `${document} 不是有效的 Excel 工作簿：${(e as Error).message}`, '用 Excel/WPS 打开后另存为 .xlsx 再导入', { cause: e });
  }
  let first: TableRow[] | null = null;
  for (const ws of wb.worksheets) {
    const rows: TableRow[] = [];
    // columnCount walks every row: read it once, not per cell.
    const columns = ws.columnCount;
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: string[] = [];
      for (let c = 1; c <= columns; c++) cells.push(cellText(row.getCell(c).value));
      rows.push({ row: rowNumber, cells });
    });
    first ??= rows;
    if (findHeader(rows)) return { kind: 'table', document, rows, cellName: (col, r) => `${ws.name}!${xlsxCell(col, r)}` };
  }
  if (!first || first.length === 0) throw new InputError('IMPORT_INVALID', `${document} 的工作表都是空的`, '确认工作簿中有任务台账');
  return { kind: 'table', document, rows: first, cellName: xlsxCell };
}

/** exceljs cell values: strings, numbers, dates, rich text, formulas, hyperlinks. */
export function cellText(v: ExcelJS.CellValue): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if ('error' in v) return '';
  }
  return String(v);
}

async function readWordFile(buf: Buffer, document: string): Promise<PlanSource> {
  let html: string;
  let raw: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: buf })).value;
    raw = (await mammoth.extractRawText({ buffer: buf })).value;
  } catch (e) {
    throw new InputError('IMPORT_INVALID', `${document} 不是有效的 Word（.docx）文件：${(e as Error).message}`, '用 Word/WPS 打开后另存为 .docx 再导入', { cause: e });
  }
  for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
    const rows: TableRow[] = (table.match(/<tr>[\s\S]*?<\/tr>/g) ?? []).map((tr, i) => ({
      row: i + 1,
      cells: (tr.match(/<t[dh][^>]*>[\s\S]*?<\/t[dh]>/g) ?? []).map((td) => htmlText(td)),
    }));
    if (findHeader(rows)) {
      const before = html.slice(0, html.indexOf(table));
      const title = (before.match(/<(?:p|h\d)[^>]*>[\s\S]*?<\/(?:p|h\d)>/g) ?? []).map(htmlText).filter(Boolean).pop();
      return { kind: 'table', document, rows, cellName: (col, r) => `表格第${r}行第${col + 1}列`, ...(title ? { title } : {}) };
    }
  }
  // Paragraphs come out separated by blank lines; a paragraph is one "line" here.
  const paragraphs = raw.split(/\n+/);
  if (paragraphs.every((p) => !p.trim())) throw new InputError('IMPORT_INVALID', `${document} 中没有文字`, '确认文档内容（扫描件需先识别成文字）');
  return { kind: 'text', document, lines: paragraphs.map((t, i) => ({ no: i + 1, text: t })) };
}

function htmlText(fragment: string): string {
  return fragment
    .replace(/<\/p>\s*<p>/g, '\n')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
}
