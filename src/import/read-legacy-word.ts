import { InputError } from '../errors.ts';

/**
 * The text of a legacy Word (.doc, WPS .wps) file. word-extractor writes a table's cells separated
 * by tabs and its rows by line breaks, so a ledger in a .doc reaches the same tab-row reader as a
 * ledger pasted from Excel, and running text the text parser.
 */
export async function readLegacyWord(buf: Buffer, document: string): Promise<string> {
  try {
    const { default: WordExtractor } = await import('word-extractor'); // loaded on use: not at start-up
    const doc = await new WordExtractor().extract(buf);
    return doc.getBody({ filterUnicode: true });
  } catch (e) {
    throw new InputError('IMPORT_INVALID', `${document} 不是可读取的 Word 97-2003（.doc）文件：${(e as Error).message}`, '用 Word/WPS 打开后另存为 .docx 再导入', { cause: e });
  }
}
