import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, rgb } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { openContent } from '../../src/import/pdf-content.ts';
import { IMPORT_LIMITS } from '../../src/import/import-limits.ts';
import { openPdf, readPage } from '../../src/import/pdf-page.ts';
import { readPdf } from '../../src/import/read-pdf.ts';
import type { Rule, VRule } from '../../src/import/pdf-rules.ts';
import { browserPdf } from '../helpers/browser-pdf.ts';
import { centredLedger } from '../helpers/centred-ledger.ts';
import { pdfFile, stsongFont, tablePdf } from '../helpers/table-pdf.ts';

// A ledger's row borders are read from the pages' content streams (pdf-lib + our scanner) instead of
// pdfjs's operator list, which builds every glyph on the way. Both must see the same lines: pdfjs is
// the reference, and stays the fallback where the scanner cannot follow a file.

const fixtures = path.resolve(import.meta.dirname, '../fixtures/conventions/docs');
const norm = (rules: Rule[] | null) => (rules ?? []).map((r) => `${r.y.toFixed(2)}:${r.x1.toFixed(2)}-${r.x2.toFixed(2)}`).sort();
const normV = (rules: VRule[] | null) => (rules ?? []).map((r) => `|${r.x.toFixed(2)}:${r.y1.toFixed(2)}-${r.y2.toFixed(2)}`).sort();

/** Every page's rules, horizontal then vertical, read both ways: [from the content stream, from pdfjs's operator list]. */
async function bothWays(pdf: Uint8Array): Promise<[string[], string[]][]> {
  const content = await openContent(pdf);
  expect(content, 'the content-stream reader opens the file').not.toBeNull();
  const { pdfjs, doc } = await openPdf(new Uint8Array(pdf));
  try {
    const out: [string[], string[]][] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const fromPdfjs = await readPage(pdfjs, doc, p, () => true, null);
      const page = content!.page(p);
      out.push([[...norm(page?.rules ?? null), ...normV(page?.verticals ?? null)], [...norm(fromPdfjs.ruling?.rules ?? null), ...normV(fromPdfjs.ruling?.verticals ?? null)]]);
    }
    return out;
  } finally {
    await doc.destroy();
  }
}

/** A page drawn by pdf-lib: a table of lines inside a form XObject placed scaled and moved, plus strokes of its own. */
async function formXObjectPdf(): Promise<Uint8Array> {
  const src = await PDFDocument.create();
  const sp = src.addPage([400, 300]);
  for (let y = 40; y <= 260; y += 40) sp.drawLine({ start: { x: 20, y }, end: { x: 380, y }, thickness: 0.5 });
  sp.drawRectangle({ x: 20, y: 20, width: 360, height: 0.6, color: rgb(0, 0, 0) });
  sp.drawLine({ start: { x: 20, y: 20 }, end: { x: 20, y: 260 }, thickness: 0.5 }); // vertical: no rule
  const doc = await PDFDocument.create();
  const page = doc.addPage([842, 595]);
  const form = await doc.embedPage(sp);
  page.drawPage(form, { x: 60, y: 120, xScale: 1.5, yScale: 0.8 });
  page.drawLine({ start: { x: 40, y: 560 }, end: { x: 800, y: 560 }, thickness: 1 });
  page.drawRectangle({ x: 40, y: 40, width: 200, height: 30, borderColor: rgb(0, 0, 0), borderWidth: 0.5 }); // outline: two rules
  return doc.save();
}

/** A hand-written page whose operands hide path operators in strings, a comment and an inline image. */
function trickyPdf(): Uint8Array {
  const content = [
    '% 0 0 m 500 0 l S in a comment draws nothing',
    'BT /F1 12 Tf 50 700 Td (a (nested) string \\) 10 10 m 300 10 l S) Tj <0a0b> Tj ET',
    'q 1 0 0 1 0 0 cm BI /W 4 /H 2 /BPC 8 /CS /G ID \x01l S)(EI2\xff\x00m\x07 EI Q',
    '0.5 w 50 600 m 550 600 l S',
    'q 2 0 0 2 10 20 cm 25 250 m 225 250 l S Q',
    '40 500 500 0.4 re f',
    '40 400 m 540 400 l 540 300 l 40 300 l s',
    '40 200 300 20 re W n',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  return new Uint8Array(pdfFile(objects));
}

/** A page whose form XObjects draw each other: `fan` forms deep, each drawing the next `fan` times; the last draws itself. */
function formsDrawingFormsPdf(depth: number, fan: number): Uint8Array {
  const first = 4; // objects 1–3: catalog, pages, page; forms from 4 on
  const forms = Array.from({ length: depth }, (_, d) => {
    const next = d + 1 < depth ? first + d + 1 : first + d; // the last one draws itself
    const content = `${'/Fm Do '.repeat(fan)}\n40 ${100 + d * 10} m 500 ${100 + d * 10} l S`;
    return `<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /Fm ${next} 0 R >> >> /Length ${content.length} >>\nstream\n${content}\nendstream`;
  });
  const page = 'q /Fm Do Q';
  return new Uint8Array(
    pdfFile([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Fm ${first} 0 R >> >> /Contents ${first + depth} 0 R >>`,
      ...forms,
      `<< /Length ${page.length} >>\nstream\n${page}\nendstream`,
    ]),
  );
}

describe('PDF ruling lines from the content stream', () => {
  const cases: [string, () => Promise<Uint8Array> | Uint8Array][] = [
    ['a LibreOffice ledger (Flate streams), fixture d19', () => fs.readFileSync(path.join(fixtures, 'd19_ledger_table.pdf'))],
    ['the centred-cells ledger, fixture d22', () => fs.readFileSync(path.join(fixtures, 'd22_centred_cells.pdf'))],
    ['a ruled ledger over pages', () => centredLedger({ rules: true })],
    ['a 三线表', () => tablePdf({ title: '台账', header: ['任务内容', '责任单位'], widths: [300, 200], valign: 'top', rows: [['建成口袋公园5个。', '区住建局']], rules: 'three-line' })],
    ['a table without rules', () => centredLedger({ rules: false })],
    ['lines inside a scaled and moved form XObject (pdf-lib, object streams)', formXObjectPdf],
    ['path operators hidden in strings, a comment and an inline image', trickyPdf],
  ];
  for (const [name, make] of cases) {
    it(`sees the same rules as pdfjs: ${name}`, async () => {
      const pages = await bothWays(await make());
      for (const [i, [fromStream, fromPdfjs]] of pages.entries()) expect(fromStream, `page ${i + 1}`).toEqual(fromPdfjs);
    });
  }

  it('finds the lines it should, where pdfjs is not asked', async () => {
    const content = (await openContent(await formXObjectPdf()))!;
    const ys = norm(content.page(1)!.rules).map((r) => Number(r.split(':')[0]));
    // The form's six lines at 40…240 (×0.8, +120) and its thin bar's two edges, the page's own line, the outline's two edges.
    expect(ys.sort((a, b) => a - b)).toEqual([40, 70, 136, 136.48, 152, 184, 216, 248, 280, 312, 560]);
    const tricky = (await openContent(trickyPdf()))!;
    expect(norm(tricky.page(1)!.rules)).toEqual(['300.00:40.00-540.00', '400.00:40.00-540.00', '500.00:40.00-540.00', '500.40:40.00-540.00', '520.00:60.00-460.00', '600.00:50.00-550.00']);
  });

  it('draws a form that draws itself once, as pdfjs does, instead of looping', async () => {
    const started = Date.now();
    const pages = await bothWays(formsDrawingFormsPdf(1, 7));
    expect(pages[0]![0]).toEqual(['100.00:40.00-500.00']);
    expect(pages[0]![0]).toEqual(pages[0]![1]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('hands a page with more drawing than any real page (forms fanning out 8 deep) to pdfjs instead of scanning on', async () => {
    const content = (await openContent(formsDrawingFormsPdf(8, 8)))!;
    const started = Date.now();
    expect(content.page(1)).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('declines a file it cannot follow faithfully (encrypted), so pdfjs reads its lines', async () => {
    const plain = Buffer.from(centredLedger({ rules: true })).toString('latin1');
    const encrypted = plain.replace('trailer\n<< ', `trailer\n<< /Encrypt << /Filter /Standard /V 1 /R 2 /O <${'00'.repeat(32)}> /U <${'00'.repeat(32)}> /P -4 >> /ID [<01> <01>] `);
    expect(encrypted).not.toBe(plain);
    expect(await openContent(new Uint8Array(Buffer.from(encrypted, 'latin1')))).toBeNull();
    expect(await openContent(new Uint8Array(Buffer.from('not a pdf at all')))).toBeNull();
  });
});

// ---- text -----------------------------------------------------------------------------------------

const hex = (s: string) => Buffer.from(s, 'utf16le').swap16().toString('hex');

/**
 * A page that exercises what the text reader follows, with fonts as office writers embed them (no
 * font programs: only what text extraction reads): a Type0 Identity-H font with a ToUnicode map
 * (bfchar, counting and listed bfranges, a ligature) and a W table; a one-byte TrueType font in
 * WinAnsi with widths and no map; STSong-Light in UniGB-UTF16-H with a surrogate pair. Operators:
 * TJ kerning and wide gaps, Tc, Tw, Tz, TD, T* and the quote operators, literal-string escapes, spaced hex, a scaled CTM,
 * text above the crop box, a form XObject with its own matrix, rotated text.
 */
function textPdf(astral = false): Uint8Array {
  const cmap = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    '3 beginbfchar <0001> <4EFB> <0002> <52A1> <0021> <FB01> endbfchar',
    '3 beginbfrange <0003> <0005> [<5B8C> <6210> <7387>] <0010> <0019> <0030> <0020> <0020> <0020> endbfrange',
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const form = 'BT /F1 10 Tf 0 0 Td <000300040005> Tj ET';
  const content = [
    'BT /F1 12 Tf 50 350 Td <00010002> Tj ET',
    'BT /F1 12 Tf 1 0 0 1 50 330 Tm [<0001> -200 <0002> -3000 <00030004>] TJ ET',
    'BT /F1 10 Tf 2 Tc 50 310 Td <00010002> Tj 0 Tc 12 TL T* <0010 0011 0012 001> Tj ET',
    'BT /F1 10 Tf 5 Tw 50 280 Td <000100200002> Tj 0 Tw ET',
    'BT /F1 10 Tf 150 Tz 50 260 Td <000100020003> Tj 100 Tz ET',
    'BT /F1 10 Tf 50 240 Td <00210010> Tj ET',
    'BT /F2 11 Tf 300 350 Td (Hello \\(x\\) \\101B\\\nC) Tj 0 -14 TD (next) Tj (line) \' 1 0.5 (spaced) " ET',
    'q 0.5 0 0 0.5 300 200 cm BT /F1 20 Tf 0 0 Td <00010002> Tj ET Q',
    'BT /F1 10 Tf 50 390 Td <00010002> Tj ET',
    'q /Fm1 Do Q',
    `BT /F3 10 Tf 50 150 Td <${hex(astral ? '任务𠀀A1' : '任务A1')}> Tj ET`,
    'BT /F1 9 Tf 0 1 -1 0 500 100 Tm <00010002> Tj ET',
  ].join('\n');
  const stream = (body: string, dict = '') => `<< ${dict} /Length ${Buffer.byteLength(body, 'latin1')} >>\nstream\n${body}\nendstream`;
  return new Uint8Array(
    pdfFile([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 400] /CropBox [0 0 600 380] /Resources << /Font << /F1 5 0 R /F2 8 0 R /F3 10 0 R >> /XObject << /Fm1 9 0 R >> >> /Contents 4 0 R >>',
      stream(content),
      '<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>',
      '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 13 0 R /DW 1000 /W [1 [1000 1000] 3 5 1000 16 25 500 32 [250] 33 [556]] >>',
      stream(cmap),
      '<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 32 /LastChar 126 /Encoding /WinAnsiEncoding /Widths [' + Array.from({ length: 95 }, (_, i) => 500 + (i % 7) * 20).join(' ') + '] >>',
      stream(form, '/Type /XObject /Subtype /Form /BBox [0 0 300 100] /Matrix [1 0 0 1 100 100] /Resources << /Font << /F1 5 0 R >> >>'),
      ...stsongFont(10),
      '<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 859 /StemV 93 >>',
    ]),
  );
}

/** Text runs both ways, page by page: [from the content stream, from pdfjs's getTextContent], blank runs left out as the reader leaves them. */
async function textBothWays(pdf: Uint8Array): Promise<[string[], string[]][]> {
  const content = (await openContent(pdf))!;
  const { doc } = await openPdf(new Uint8Array(pdf));
  const fmt = (str: string, x: number, y: number, width: number, size: number) => `${str} @${x.toFixed(2)},${y.toFixed(2)} w${width.toFixed(2)} s${size.toFixed(2)}`;
  try {
    const out: [string[], string[]][] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const items = (await page.getTextContent()).items.flatMap((it) => ('str' in it && it.str.trim() ? [fmt(it.str, it.transform[4], it.transform[5], it.width, Math.hypot(it.transform[0], it.transform[1]))] : []));
      const runs = content.page(p)?.runs;
      expect(runs, `page ${p} is read without pdfjs`).toBeTruthy();
      out.push([runs!.filter((r) => r.str.trim()).map((r) => fmt(r.str, r.x, r.y, r.width, r.size)), items]);
    }
    return out;
  } finally {
    await doc.destroy();
  }
}

describe('PDF text from the content stream', () => {
  const cases: [string, () => Promise<Uint8Array> | Uint8Array][] = [
    ['a LibreOffice ledger (one-byte subset fonts with ToUnicode), fixture d19', () => fs.readFileSync(path.join(fixtures, 'd19_ledger_table.pdf'))],
    ['a LibreOffice plan in running text, fixture d21', () => fs.readFileSync(path.join(fixtures, 'd21_text_plan.pdf'))],
    ['STSong-Light in UniGB-UTF16-H, centred cells, fixture d22', () => fs.readFileSync(path.join(fixtures, 'd22_centred_cells.pdf'))],
    ['a ruled ledger over pages', () => centredLedger({ rules: true })],
    ['Identity-H + ToUnicode, WinAnsi widths, UTF-16 pairs; TJ, Tc/Tw/Tz, quotes, escapes, forms, rotation, crop box', textPdf],
  ];
  for (const [name, make] of cases) {
    it(`gives the runs pdfjs gives: ${name}`, async () => {
      const pages = await textBothWays(await make());
      for (const [i, [ours, theirs]] of pages.entries()) expect(ours, `page ${i + 1}`).toEqual(theirs);
      expect(pages.flatMap(([ours]) => ours).length).toBeGreaterThan(5);
    });
  }

  it('reads what the hand-made page says', async () => {
    // pdfjs gives U+FFFD for a character outside the BMP in a UTF-16 CMap; this reader gives the character.
    const runs = (await openContent(textPdf(true)))!.page(1)!.runs!.map((r) => r.str);
    expect(runs).toEqual(expect.arrayContaining(['任务', '任 务', '完成', '0120', '任', '务', 'fi0', 'Hello (x) ABC', 'next', 'line', 'spaced', '完成率', '任务𠀀A1']));
    expect(runs.join('|')).not.toContain('任务|任务|任务|任务|任务|任务|任务'); // the run above the crop box is not there
  });

  it('leaves a page whose font it does not know to pdfjs, and the reader reads it all the same', async () => {
    // trickyPdf shows its text in Helvetica with no widths: pdfjs knows the standard metrics, we do not.
    const content = (await openContent(trickyPdf()))!;
    expect(content.page(1)!.runs).toBeNull();
    expect(content.page(1)!.rules.length).toBeGreaterThan(0);
  });
});

describe('readPdf: content streams or pdfjs, the same result', () => {
  const files: [string, () => Promise<Uint8Array> | Uint8Array][] = [
    ['d19', () => fs.readFileSync(path.join(fixtures, 'd19_ledger_table.pdf'))],
    ['d21', () => fs.readFileSync(path.join(fixtures, 'd21_text_plan.pdf'))],
    ['d22', () => fs.readFileSync(path.join(fixtures, 'd22_centred_cells.pdf'))],
    ['a ruled ledger', () => centredLedger({ rules: true })],
    ['a ledger without rules', () => centredLedger({ rules: false })],
    ['a page left to pdfjs (standard font)', trickyPdf],
  ];
  for (const [name, make] of files) {
    it(name, async () => {
      const buf = Buffer.from(await make());
      const auto = await readPdf(buf, 'x.pdf', IMPORT_LIMITS);
      const viaPdfjs = await readPdf(buf, 'x.pdf', IMPORT_LIMITS, { engine: 'pdfjs' });
      expect(auto).toEqual(viaPdfjs);
    });
  }
});

/** Two pages: the first in a font this reader knows (the ledger's STSong-Light), the second in `font` showing `show`. */
function pageInFont(font: string, show: string, extra: string[] = []): Uint8Array {
  const first = 'BT /F1 12 Tf 50 700 Td <4EFB52A1> Tj ET';
  const second = `BT /F2 12 Tf 50 700 Td ${show} Tj ET`;
  const stream = (body: string) => `<< /Length ${Buffer.byteLength(body, 'latin1')} >>\nstream\n${body}\nendstream`;
  return new Uint8Array(
    pdfFile([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> >> /Contents 5 0 R >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F2 10 0 R >> >> /Contents 6 0 R >>',
      stream(first),
      stream(second),
      ...stsongFont(7, 'UniGB-UCS2-H'),
      font,
      ...extra,
    ]),
  );
}

describe('fonts this reader leaves to pdfjs, page by page', () => {
  const cases: [string, Uint8Array][] = [
    ['a GBK-coded CMap (GBK-EUC-H)', pageInFont('<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [8 0 R] >>', '<C8CECEF1>')],
    ['a Type3 font', pageInFont('<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /a 11 0 R >> /Encoding << /Type /Encoding /Differences [97 /a] >> /FirstChar 97 /LastChar 97 /Widths [1000] >>', '(aaa)', ['<< /Length 0 >>\nstream\n\nendstream'])],
    ['a simple font with its own Differences and no ToUnicode', pageInFont('<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 32 /LastChar 126 /Widths [' + Array(95).fill(600).join(' ') + '] /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [65 /B /C] >> >>', '(ABC)')],
    ['an Identity-H font whose ToUnicode misses a code it shows', pageInFont('<< /Type /Font /Subtype /Type0 /BaseFont /X+SimSun /Encoding /Identity-H /DescendantFonts [11 0 R] /ToUnicode 12 0 R >>', '<00010002>', ['<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X+SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 9 0 R /DW 1000 >>', '<< /Length 37 >>\nstream\n1 beginbfchar <0001> <4EFB> endbfchar\nendstream'])],
  ];
  for (const [name, pdf] of cases) {
    it(`${name}: the other page is still read here, that page by pdfjs, the result the same`, async () => {
      const content = (await openContent(pdf))!;
      expect(content.page(1)!.runs!.map((r) => r.str)).toEqual(['任务']);
      expect(content.page(2)!.runs).toBeNull();
      const buf = Buffer.from(pdf);
      const auto = await readPdf(buf, 'x.pdf', IMPORT_LIMITS);
      expect(auto).toEqual(await readPdf(buf, 'x.pdf', IMPORT_LIMITS, { engine: 'pdfjs' }));
      expect(auto.kind === 'text' && auto.text.split('\n')[0]).toBe('任务');
    });
  }
});

describe('a ledger printed to PDF from Chromium', () => {
  const header = ['序号', '工作任务', '牵头领导', '牵头单位', '责任单位', '完成时限'];
  const rows = Array.from({ length: 40 }, (_, i) => [String(i + 1), `推进第${i + 1}项重点工作，完成年度目标任务（目标${80 + (i % 20)}%）。`, '张伟', '区发改委', '区财政局、各街道', `2026年${(i % 12) + 1}月底前`]);
  const cell = (tag: string) => (s: string) => `<${tag}>${s}</${tag}>`;
  const html = `<html><body style="font-family:'Noto Serif CJK SC';font-size:10pt"><h3>2026年重点工作任务台账</h3><table border=1 style="border-collapse:collapse"><tr>${header.map(cell('th')).join('')}</tr>${rows.map((r) => `<tr>${r.map(cell('td')).join('')}</tr>`).join('')}</table></body></html>`;
  let pdf: Uint8Array;
  beforeAll(async () => {
    pdf = await browserPdf(html);
  }, 60_000);

  it('gives the runs pdfjs gives (Type3 fonts with ToUnicode, ActualText spans)', async () => {
    const pages = await textBothWays(pdf);
    expect(pages.length).toBeGreaterThan(1);
    for (const [i, [ours, theirs]] of pages.entries()) expect(ours, `page ${i + 1}`).toEqual(theirs);
  });

  it('reads into the same table rows either way, 工 for the radical ⼯ its fonts map to', async () => {
    const buf = Buffer.from(pdf);
    const auto = await readPdf(buf, 'printed.pdf', IMPORT_LIMITS);
    expect(auto).toEqual(await readPdf(buf, 'printed.pdf', IMPORT_LIMITS, { engine: 'pdfjs' }));
    expect(auto.kind).toBe('table');
    const cells = auto.kind === 'table' ? auto.rows.map((r) => r.cells.join('|')) : [];
    expect(cells.join('\n')).not.toMatch(/[\u2f00-\u2fd5]/);
    expect(cells.filter((c) => /^\d+\|推进第\d+项重点工作/.test(c))).toHaveLength(40);
  });
});

describe('cutting two cells apart only where a border is drawn', () => {
  /** A 三线表 (no vertical rules): names centred over wide columns, task text left-aligned with ordinary spaces in it. */
  function threeLine(): Buffer {
    const size = 10;
    const cols = [
      { name: '工作任务', w: 360 },
      { name: '责任单位', w: 120 },
      { name: '完成时限', w: 100 },
    ];
    const rows = [
      ['推进 5G 基站建设，新建 200 个站点，覆盖全区主要街道，总投资 5 亿元', '区工信局', '2026年6月底前'],
      ['完成老旧小区改造 12 个，惠及居民 3000 户，同步完善配套设施 2 项', '区住建局', '2026年12月底前'],
    ];
    const ems = (s: string) => [...s].reduce((w, ch) => w + (ch.codePointAt(0)! < 0x80 ? 0.5 : 1), 0);
    const ops = ['0.5 w'];
    const text = (x: number, base: number, s: string) => ops.push(`BT /F1 ${size} Tf ${x.toFixed(2)} ${base.toFixed(2)} Td <${hex(s)}> Tj ET`);
    const rule = (y: number) => ops.push(`40 ${y} m 660 ${y} l S`);
    let y = 540;
    text(200, 560, '2026年重点工作任务台账');
    rule(y);
    let x = 40;
    for (const c of cols) {
      text(x + (c.w - ems(c.name) * size) / 2, y - 15, c.name);
      x += c.w;
    }
    y -= 20;
    rule(y);
    for (const r of rows) {
      x = 40;
      r.forEach((cell, i) => {
        text(x + 4, y - 15, cell);
        x += cols[i]!.w;
      });
      y -= 20;
    }
    rule(y);
    return pageWith(ops.join('\n'));
  }
  const pageWith = (content: string) =>
    pdfFile([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
      ...stsongFont(5),
    ]);

  it('a number printed right-aligned in a wide 序号 column (as Excel prints it) stays in 序号', async () => {
    const ops: string[] = [];
    const text = (x: number, y: number, str: string) => ops.push(`BT /F1 10 Tf ${x} ${y} Td <${hex(str)}> Tj ET`);
    text(40, 500, '序号');
    text(120, 500, '工作任务');
    text(300, 500, '责任单位');
    [['1', '建成口袋公园5个。', '区住建局'], ['2', '新增停车泊位300个。', '区城管局']].forEach(([no, task, unit], i) => {
      text(110, 480 - i * 20, no!); // ends at 115, past the half-way mark between the names (90)
      text(120, 480 - i * 20, task!);
      text(300, 480 - i * 20, unit!);
    });
    const got = await readPdf(pageWith(ops.join('\n')), 'excel.pdf', IMPORT_LIMITS);
    expect(got.kind === 'table' && got.rows.map((r) => r.cells)).toEqual([
      ['序号', '工作任务', '责任单位'],
      ['1', '建成口袋公园5个。', '区住建局'],
      ['2', '新增停车泊位300个。', '区城管局'],
    ]);
  });

  it('an unruled table keeps task text whole even where it runs past the half-way mark between centred names', async () => {
    for (const engine of ['auto', 'pdfjs'] as const) {
      const got = await readPdf(threeLine(), 'three.pdf', IMPORT_LIMITS, { engine });
      // The spaces between Chinese and digits go (see dropAutospace); those between Latin words stay.
      expect(got.kind === 'table' && got.rows.slice(2).map((r) => r.cells), engine).toEqual([
        ['推进5G基站建设，新建200个站点，覆盖全区主要街道，总投资5亿元', '区工信局', '2026年6月底前'],
        ['完成老旧小区改造12个，惠及居民3000户，同步完善配套设施2项', '区住建局', '2026年12月底前'],
      ]);
    }
  });
});

describe('page edges read as pdfjs reads them', () => {
  /** A media box written upside down, an image drawn between two words of one line, a Type1 font without an encoding (StandardEncoding quotes). */
  function edges(): Uint8Array {
    const content = ['BT /F1 12 Tf 50 700 Td <4EFB> Tj ET', 'q 1 0 0 1 0 0 cm /Im1 Do Q', 'BT /F1 12 Tf 64 700 Td <52A1> Tj ET', "BT /F2 12 Tf 50 650 Td (it's `so') Tj ET"].join('\n');
    const stream = (body: string, dict = '') => `<< ${dict} /Length ${Buffer.byteLength(body, 'latin1')} >>\nstream\n${body}\nendstream`;
    return new Uint8Array(
      pdfFile([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 800 600 0] /Resources << /Font << /F1 5 0 R /F2 8 0 R >> /XObject << /Im1 9 0 R >> >> /Contents 4 0 R >>',
        stream(content),
        ...stsongFont(5, 'UniGB-UCS2-H'),
        `<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /FirstChar 32 /LastChar 126 /Widths [${Array(95).fill(500).join(' ')}] /FontDescriptor 10 0 R >>`,
        stream('\x00', '/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8'),
        '<< /Type /FontDescriptor /FontName /Times-Roman /Flags 34 /FontBBox [-168 -218 1000 898] /ItalicAngle 0 /Ascent 683 /Descent -217 /CapHeight 662 /StemV 84 >>',
      ]),
    );
  }

  it('gives the runs pdfjs gives', async () => {
    const [[ours, theirs]] = (await textBothWays(edges())) as [[string[], string[]]];
    expect(ours).toEqual(theirs);
    expect(ours.map((r) => r.split(' @')[0])).toEqual(['任', '务', 'it’s ‘so’']);
  });
});
