import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, rgb } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { openDrawing } from '../../src/import/pdf-drawing.ts';
import { openPdf, readPage } from '../../src/import/pdf-page.ts';
import type { Rule } from '../../src/import/pdf-rules.ts';
import { centredLedger } from '../helpers/centred-ledger.ts';
import { pdfFile, tablePdf } from '../helpers/table-pdf.ts';

// A ledger's row borders are read from the pages' content streams (pdf-lib + our scanner) instead of
// pdfjs's operator list, which builds every glyph on the way. Both must see the same lines: pdfjs is
// the reference, and stays the fallback where the scanner cannot follow a file.

const fixtures = path.resolve(import.meta.dirname, '../fixtures/conventions/docs');
const norm = (rules: Rule[] | null) => (rules ?? []).map((r) => `${r.y.toFixed(2)}:${r.x1.toFixed(2)}-${r.x2.toFixed(2)}`).sort();

/** Every page's rules read both ways: [from the content stream, from pdfjs's operator list]. */
async function bothWays(pdf: Uint8Array): Promise<[string[], string[]][]> {
  const drawing = await openDrawing(pdf);
  expect(drawing, 'the content-stream reader opens the file').not.toBeNull();
  const { pdfjs, doc } = await openPdf(new Uint8Array(pdf));
  try {
    const out: [string[], string[]][] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const fromStream = await readPage(pdfjs, doc, p, () => true, async () => drawing);
      const fromPdfjs = await readPage(pdfjs, doc, p, () => true, async () => null);
      out.push([norm(fromStream.rules), norm(fromPdfjs.rules)]);
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
    const drawing = (await openDrawing(await formXObjectPdf()))!;
    const ys = norm(drawing.rules(1)).map((r) => Number(r.split(':')[0]));
    // The form's six lines at 40…240 (×0.8, +120) and its thin bar's two edges, the page's own line, the outline's two edges.
    expect(ys.sort((a, b) => a - b)).toEqual([40, 70, 136, 136.48, 152, 184, 216, 248, 280, 312, 560]);
    const tricky = (await openDrawing(trickyPdf()))!;
    expect(norm(tricky.rules(1))).toEqual(['300.00:40.00-540.00', '400.00:40.00-540.00', '500.00:40.00-540.00', '500.40:40.00-540.00', '520.00:60.00-460.00', '600.00:50.00-550.00']);
  });

  it('draws a form that draws itself once, as pdfjs does, instead of looping', async () => {
    const started = Date.now();
    const pages = await bothWays(formsDrawingFormsPdf(1, 7));
    expect(pages[0]![0]).toEqual(['100.00:40.00-500.00']);
    expect(pages[0]![0]).toEqual(pages[0]![1]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('hands a page with more drawing than any real page (forms fanning out 8 deep) to pdfjs instead of scanning on', async () => {
    const drawing = (await openDrawing(formsDrawingFormsPdf(8, 8)))!;
    const started = Date.now();
    expect(drawing.rules(1)).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('declines a file it cannot follow faithfully (encrypted), so pdfjs reads its lines', async () => {
    const plain = Buffer.from(centredLedger({ rules: true })).toString('latin1');
    const encrypted = plain.replace('trailer\n<< ', `trailer\n<< /Encrypt << /Filter /Standard /V 1 /R 2 /O <${'00'.repeat(32)}> /U <${'00'.repeat(32)}> /P -4 >> /ID [<01> <01>] `);
    expect(encrypted).not.toBe(plain);
    expect(await openDrawing(new Uint8Array(Buffer.from(encrypted, 'latin1')))).toBeNull();
    expect(await openDrawing(new Uint8Array(Buffer.from('not a pdf at all')))).toBeNull();
  });
});
