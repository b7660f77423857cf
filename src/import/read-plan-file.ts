import fs from 'node:fs';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { pickTitleAbove } from '../domain/plan/document-header.ts';
import iconv from 'iconv-lite';
import { InputError } from '../errors.ts';
import { formatBytes, IMPORT_LIMITS, type ImportLimits } from './import-limits.ts';
import { readLegacyWord } from './read-legacy-word.ts';
import { readPdf } from './read-pdf.ts';
import { zipEntries } from './zip-entries.ts';
import { tableFromText } from '../domain/plan/text-tables.ts';
import { toSourceLines } from '../domain/plan/parse-plan-text.ts';
import { columnLetter, findHeader, type TableRow } from '../domain/plan/parse-plan-table.ts';
import type { SourceLine } from '../domain/plan/document-header.ts';
import type { ImportWarning } from '../domain/plan/plan-types.ts';

/** What a file holds, in the two shapes the parsers take. */
export type PlanSource =
  | { kind: 'text'; document: string; lines: SourceLine[] }
  | {
      kind: 'table';
      document: string;
      rows: TableRow[];
      cellName: (col: number, row: number) => string;
      title?: string;
      /** Cells re-formed from broken lines (PDF, cells pasted one per line): "工作机 制" is one word. */
      rewrapped?: boolean;
      /** What the reader inferred and the admin should check (a PDF's merged cells). */
      notes?: ImportWarning[];
    };

const xlsxCell = (col: number, row: number) => `${columnLetter(col)}${row}`;
const textCell = (col: number, row: number) => `第${row}行第${col + 1}列`;

export async function readPlanFile(file: string, limits: ImportLimits = IMPORT_LIMITS): Promise<PlanSource> {
  const document = path.basename(file);
  if (!fs.existsSync(file)) throw new InputError('NOT_FOUND', `找不到文件 ${file}`, '检查路径是否正确');
  const stat = fs.statSync(file);
  if (stat.isDirectory()) throw new InputError('IMPORT_INVALID', `${file} 是目录，不是文件`, `导入目录中的文件，例如 duban import ${path.join(file, '*.docx')}`);
  const ext = path.extname(file).toLowerCase();
  const packaged = ext === '.docx' || ext === '.xlsx' || ext === '.pdf';
  const max = packaged ? limits.maxBinaryBytes : limits.maxTextBytes;
  // Checked before reading: a 50 MB text is refused at once, not after minutes of parsing.
  if (stat.size > max) {
    throw new InputError(
      'IMPORT_INVALID',
      `${document} 有 ${formatBytes(stat.size)}，超过${packaged ? ' Word/Excel/PDF 文件' : '文本文件'}的导入上限 ${formatBytes(max)}`,
      '确认选对了文件；任务台账很大时请按部分拆分成几个文件导入',
    );
  }
  const buf = fs.readFileSync(file);
  if (buf.length === 0) throw new InputError('IMPORT_INVALID', `${document} 是空文件，没有可导入的内容`, '确认导出或复制时文件内容没有丢失');
  // What the bytes are beats what the name says: a PDF or an old .doc saved as .txt is read as such.
  const kind = buf.subarray(0, 5).toString('latin1') === '%PDF-' ? '.pdf' : buf.readUInt32BE(0) === 0xd0cf11e0 && ext !== '.xls' && ext !== '.et' ? '.doc' : ext;
  if (kind === '.xlsx') {
    checkPackage(buf, document, 'xl/', limits.maxXlsxXmlBytes, 'Excel');
    return readWorkbook(buf, document);
  }
  if (kind === '.docx') {
    checkPackage(buf, document, 'word/', limits.maxDocxXmlBytes, 'Word');
    return readWordFile(buf, document);
  }
  if (kind === '.pdf') {
    const pdf = await readPdf(buf, document, limits);
    if (pdf.kind === 'table') {
      const notes = pdf.merged.map((m): ImportWarning => ({
        cell: `PDF表格第${m.rows[0]}行`,
        code: 'table',
        message: `第${m.rows[0]}–${m.rows.at(-1)}行的“${m.column}”之间没有画横线，按合并单元格读作一格，这几行都取“${m.text}”；与原表不符时请改导入 Word/Excel 版或导入后修改`,
      }));
      return { kind: 'table', document, rows: pdf.rows, cellName: (col, r) => `PDF表格第${r}行第${col + 1}列`, rewrapped: true, notes };
    }
    return sourceFromText(pdf.text, document, limits);
  }
  if (kind === '.doc' || kind === '.wps') return sourceFromText(await readLegacyWord(buf, document), document, limits);
  if (kind === '.xls' || kind === '.et') {
    throw new InputError('IMPORT_INVALID', `${document} 是旧版 Excel 格式，无法直接读取`, '用 Excel/WPS 另存为 .xlsx 后再导入');
  }
  const text = decodeText(buf, document);
  if (ext === '.html' || ext === '.htm') return sourceFromText(webPageText(text), document, limits);
  if (ext === '.csv') return csvSource(text, document);
  return sourceFromText(text, document, limits);
}

/** A .docx/.xlsx is a zip: its XML is sized from the directory before any library inflates it. */
function checkPackage(buf: Buffer, document: string, folder: string, maxXml: number, app: string): void {
  const entries = zipEntries(buf);
  if (!entries) {
    throw new InputError('IMPORT_INVALID', `${document} 不是有效的 ${app === 'Word' ? 'Word（.docx）' : 'Excel 工作簿（.xlsx）'}文件：文件已损坏或不是 Office 格式`, `用 ${app}/WPS 打开后另存为 ${app === 'Word' ? '.docx' : '.xlsx'} 再导入`);
  }
  const xml = entries.filter((e) => e.name.startsWith(folder) && e.name.endsWith('.xml')).reduce((n, e) => n + e.size, 0);
  if (xml > maxXml) {
    throw new InputError(
      'IMPORT_INVALID',
      `${document} 解压后的文档内容有 ${Number.isFinite(xml) ? formatBytes(xml) : '超过 4 GB'}，超过导入上限 ${formatBytes(maxXml)}`,
      app === 'Word' ? '很大的任务表请另存为 .xlsx（Excel）或按部分拆分后再导入' : '请删除无关的工作表或按部分拆分后再导入',
    );
  }
}

/** A saved web page → its visible text, a line per block; table cells become tab-separated. */
export function webPageText(html: string): string {
  const body = html
    .replace(/<(script|style|noscript|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    // An innermost table with cells merged down: laid out as a grid first, or its columns shift.
    .replace(/<table\b[^>]*>(?:(?!<table\b)[\s\S])*?<\/table>/gi, (t) =>
      /rowspan\s*=\s*"?[2-9]/i.test(t)
        ? `\n${tableLines(t).join('\n')}\n`
        : t,
    )
    .replace(/<\/t[dh]>\s*<t[dh][^>]*>/gi, '\t')
    .replace(/<(?:br|\/p|\/div|\/li|\/h\d|\/tr|\/table|\/section|\/article|p|div|li|tr|h\d)(?:\s[^>]*)?\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '');
  return decodeEntities(body.replace(/&nbsp;/g, ' '));
}

/** A ledger saved as CSV (quotes may hold commas and line breaks). */
function csvSource(text: string, document: string): PlanSource {
  return { kind: 'table', document, rows: delimitedRows(text, ','), cellName: textCell };
}

/**
 * Rows of delimited text, as Excel writes it: a cell that opens with a quote may hold the delimiter
 * and line breaks ("" is a quote). Rows keep the line they start on.
 */
export function delimitedRows(text: string, delimiter: ',' | '\t'): TableRow[] {
  const rows: TableRow[] = [];
  let cells: string[] = [];
  let cur = '';
  let quoted = false;
  let line = 1;
  let rowStart = 1;
  const endRow = () => {
    cells.push(cur);
    if (cells.some((c) => c.trim())) rows.push({ row: rowStart, cells: cells.map((c) => c.trim()) });
    cells = [];
    cur = '';
  };
  const src = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cur += ch;
      }
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === delimiter) {
      cells.push(cur);
      cur = '';
    } else if (ch === '\n') {
      endRow();
      line++;
      rowStart = line;
    } else cur += ch;
  }
  endRow();
  return rows;
}

/**
 * Text in the encodings Chinese offices save in: UTF-8 (with or without BOM), UTF-16 (Notepad's
 * "Unicode", with a BOM or recognised by its zero bytes) and GBK/GB18030 (Chinese Windows). Only
 * what is none of these is refused.
 */
export function decodeText(buf: Buffer, document: string): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.toString('utf8', 3);
  if (buf[0] === 0xff && buf[1] === 0xfe) return iconv.decode(buf, 'utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return iconv.decode(buf, 'utf16be');
  const utf16 = utf16WithoutBom(buf);
  if (utf16) return iconv.decode(buf, utf16);
  const nul = buf.indexOf(0);
  if (nul >= 0 && nul < 8192) {
    throw new InputError('IMPORT_INVALID', `${document} 不是文本文件（第 ${nul + 1} 字节起是二进制内容）`, '请导入 .txt、.docx、.xlsx、.pdf 或 .doc 文件；图片请先识别成文字');
  }
  const utf8 = new TextDecoder('utf-8').decode(buf);
  const bad = countReplacement(utf8);
  if (bad === 0) return utf8;
  const gbk = iconv.decode(buf, 'gb18030');
  if (countReplacement(gbk) < bad / 4 && /[\u4e00-\u9fa5]/.test(gbk)) return gbk;
  const lineNo = utf8.slice(0, utf8.indexOf('\uFFFD')).split('\n').length;
  throw new InputError('IMPORT_INVALID', `${document} 第${lineNo}行起无法按文字读取（不是 UTF-8、UTF-16 或 GBK 编码）`, '用记事本另存为 UTF-8 编码后再导入');
}

function countReplacement(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\uFFFD'); i >= 0; i = s.indexOf('\uFFFD', i + 1)) n++;
  return n;
}

/** UTF-16 saved without a BOM: in Chinese and ASCII text one byte of each pair is mostly zero for ASCII. */
function utf16WithoutBom(buf: Buffer): 'utf16le' | 'utf16be' | null {
  const n = Math.min(buf.length - (buf.length % 2), 4096);
  if (n < 32) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenZero++;
    if (buf[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  // Newlines, digits and punctuation give zero bytes on one side only; binary gives them on both.
  const guess = oddZero > pairs * 0.1 && evenZero < pairs * 0.02 ? 'utf16le' : evenZero > pairs * 0.1 && oddZero < pairs * 0.02 ? 'utf16be' : null;
  // Text has no control characters but line breaks and tabs.
  return guess && !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(iconv.decode(buf.subarray(0, n), guess)) ? guess : null;
}

/**
 * Text as read from a file: running text, or a ledger when it is laid out as one — tab-separated
 * rows, pipe rows, or one cell per line under a header (tableFromText) — so a pasted table goes
 * through the same table parser as a workbook.
 */
export function sourceFromText(text: string, document: string, limits: ImportLimits = IMPORT_LIMITS): PlanSource {
  let lineCount = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCount++;
  if (lineCount > limits.maxLines) {
    throw new InputError('IMPORT_INVALID', `${document} 有 ${lineCount} 行，超过导入上限 ${limits.maxLines} 行`, '确认选对了文件；很大的台账请按部分拆分后导入');
  }
  const lines = toSourceLines(text);
  if (lines.every((l) => !l.text.trim())) {
    throw new InputError('IMPORT_INVALID', `${document} 只有空白，没有可导入的内容`, '确认文件内容');
  }
  // A ledger pasted as tab-separated text is a table, if it has a header row.
  const tabbed = lines.filter((l) => l.text.includes('\t'));
  if (tabbed.length >= 2) {
    const rows = delimitedRows(text, '\t');
    const header = findHeader(rows);
    if (header && rows[header.index]!.cells.length >= 2 && rows.slice(header.index).filter((r) => r.cells.length >= 2).length >= 2) {
      return { kind: 'table', document, rows, cellName: textCell };
    }
  }
  const pasted = tableFromText(lines);
  if (pasted) return { kind: 'table', document, rows: pasted, cellName: textCell, rewrapped: true };
  return { kind: 'text', document, lines };
}

async function readWorkbook(buf: Buffer, document: string): Promise<PlanSource> {
  const { default: Excel } = await import('exceljs'); // loaded on use: not at start-up
  const wb = new Excel.Workbook();
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
  try {
    const { default: mammoth } = await import('mammoth');
    html = (await mammoth.convertToHtml({ buffer: buf }, { transformDocument: printListNumbers() })).value;
  } catch (e) {
    throw new InputError('IMPORT_INVALID', `${document} 不是有效的 Word（.docx）文件：${(e as Error).message}`, '用 Word/WPS 打开后另存为 .docx 再导入', { cause: e });
  }
  for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
    const rows = tableRows(table);
    if (findHeader(rows)?.columns.has('text')) {
      const before = htmlToLines(html.slice(0, html.indexOf(table))).filter(Boolean);
      const title = pickTitleAbove(before);
      return { kind: 'table', document, rows, cellName: (col, r) => `表格第${r}行第${col + 1}列`, ...(title ? { title } : {}) };
    }
  }
  const lines = htmlToLines(html);
  if (lines.every((l) => !l.trim())) throw new InputError('IMPORT_INVALID', `${document} 中没有文字`, '确认文档内容（扫描件需先识别成文字）');
  // A paragraph is one "line" here; warnings count paragraphs.
  return { kind: 'text', document, lines: lines.map((t, i) => ({ no: i + 1, text: t })) };
}

export interface DocxElement {
  type: string;
  children?: DocxElement[];
  numbering?: { isOrdered: boolean; level: string } | null;
  value?: string;
}

/**
 * Word numbers a list by its definition, not by where <ol> starts: a list interrupted by a paragraph
 * of markup ("牵头区领导：…") or a heading goes on counting (3. after 2.). mammoth starts a new <ol>
 * at each interruption, so the numbers are printed into the text here, counted per list level the
 * way Word does: a level goes on until a shallower level of any list moves, which restarts it.
 */
export function printListNumbers(): (doc: DocxElement) => DocxElement {
  const counts = new Map<object, { depth: number; n: number }>();
  const visit = (el: DocxElement): DocxElement => {
    if (el.type === 'paragraph' && el.numbering?.isOrdered) {
      const depth = Number(el.numbering.level) || 0;
      for (const [k, c] of counts) if (c.depth > depth) counts.delete(k);
      const c = counts.get(el.numbering) ?? { depth, n: 0 };
      c.n++;
      counts.set(el.numbering, c);
      const label = depth === 0 ? `${c.n}.` : depth === 1 ? `（${c.n}）` : (CIRCLED[c.n - 1] ?? `${c.n})`);
      return { ...el, numbering: null, children: [{ type: 'run', children: [{ type: 'text', value: label }] }, ...(el.children ?? [])] };
    }
    return el.children ? { ...el, children: el.children.map(visit) } : el;
  };
  return visit;
}

/**
 * The table as a grid. Word writes a vertically merged cell once, with rowspan, and leaves it out
 * of the rows below; a merged 牵头领导 would otherwise shift every later cell one column left. Each
 * merged cell's text fills its whole span, as a workbook's merged cells read.
 */
function tableRows(table: string): TableRow[] {
  const carried: Array<{ text: string; rows: number } | undefined> = [];
  return (table.match(/<tr[\s>][\s\S]*?<\/tr>/gi) ?? []).map((tr, i) => {
    const cells: string[] = [];
    const put = () => {
      for (let c = carried[cells.length]; c && c.rows > 0; c = carried[cells.length]) {
        cells.push(c.text);
        c.rows--;
      }
    };
    for (const td of tr.match(/<t[dh](?:\s[^>]*)?>[\s\S]*?<\/t[dh]>/gi) ?? []) {
      put();
      const open = /^<t[dh]([^>]*)>/i.exec(td)![1]!;
      const span = (name: string) => Math.max(1, Math.min(100, Number(new RegExp(`${name}\\s*=\\s*"?(\\d+)`, 'i').exec(open)?.[1] ?? 1)));
      const [cols, rows] = [span('colspan'), span('rowspan')];
      const text = htmlText(td);
      for (let k = 0; k < cols; k++) {
        carried[cells.length] = rows > 1 ? { text, rows: rows - 1 } : undefined;
        cells.push(text);
      }
    }
    put();
    return { row: i + 1, cells };
  });
}

/** A table as tab-separated lines of HTML text, one per row, for the text readers to take up. */
function tableLines(table: string): string[] {
  return tableRows(table).map((r) => r.cells.map((c) => c.replace(/\s*\n\s*/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;')).join('\t'));
}

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';

/**
 * The text of mammoth's HTML, a line per paragraph, heading or list item. List numbers are already
 * in the text (printListNumbers); tables become tab-separated lines (a roster table reads like seed
 * 002's).
 */
export function htmlToLines(html: string): string[] {
  const lines: string[] = [];
  let cur = '';
  const flush = () => {
    if (cur.trim()) lines.push(cur.trim());
    cur = '';
  };
  const withTables = html.replace(/<table>[\s\S]*?<\/table>/g, (t) => tableLines(t).map((l) => `<p>${l}</p>`).join(''));
  for (const token of withTables.split(/(<[^>]+>)/)) {
    if (!token) continue;
    if (!token.startsWith('<')) cur += decodeEntities(token);
    else if (/^<\/?(p|li|ol|ul|br|h\d)\b/i.test(token)) flush();
  }
  flush();
  return lines;
}

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function htmlText(fragment: string): string {
  return decodeEntities(fragment.replace(/<\/p>\s*<p>/g, '\n').replace(/<br\s*\/?>/g, '\n').replace(/<[^>]+>/g, '')).trim();
}
