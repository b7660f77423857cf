// Regenerates the PDF and legacy .doc fixtures of the conventions set from text written here:
// builds .docx files with `docx`, converts them with LibreOffice (soffice must be installed).
// Run: npx tsx scripts/make-pdf-doc-fixtures.ts — the outputs are committed; tests never run this.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';

const OUT = path.resolve(import.meta.dirname, '../test/fixtures/conventions/docs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-fixtures-'));
const p = (text: string, bold = false) => new Paragraph({ children: [new TextRun({ text, bold, font: 'Noto Serif CJK SC' })] });

// A ledger table over two pages, header repeated, a section row, cells that wrap.
const header = ['序号', '工作任务', '牵头领导', '牵头单位', '配合单位', '完成时限'];
const widths = [700, 4200, 1100, 1500, 1500, 1400];
const cell = (text: string, i: number) => new TableCell({ width: { size: widths[i]!, type: WidthType.DXA }, children: [p(text)] });
const row = (cells: string[], isHeader = false) => new TableRow({ tableHeader: isHeader, children: cells.map(cell) });
const sectionRow = (text: string) => new TableRow({ children: [new TableCell({ columnSpan: 6, children: [p(text, true)] })] });
const ledgerRows: TableRow[] = [row(header, true), sectionRow('一、交通基础设施')];
const roads = ['环城北路', '滨江大道', '工业大道', '学府路', '纬三路', '经五路', '科创路', '湖滨路'];
roads.forEach((road, i) => {
  ledgerRows.push(row([String(i + 1), `推进${road}改造提升工程，完成路面改造和雨污分流改造，同步实施沿线绿化提升。`, i % 2 ? '韩冰' : '马骏', '区住建局', i % 3 ? '区城管局' : '区城管局、各街道', `2026年${6 + (i % 6)}月底前`]));
  if (i === 3) ledgerRows.push(sectionRow('二、公共服务设施'));
});
const ledger = new Document({
  sections: [{ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: '东湖区2026年城建重点工作台账', bold: true, size: 32 })] }), new Table({ rows: ledgerRows })] }],
});
fs.writeFileSync(path.join(tmp, 'd19_ledger_table.docx'), await Packer.toBuffer(ledger));

// Running text with markup in brackets, saved as Word 97-2003.
const plan = new Document({
  sections: [
    {
      children: [
        p('白沙镇2026年基层治理重点任务分工', true),
        p('一、提升治理能力'),
        p('1.推行网格化管理，全镇划分网格48个，配齐专职网格员。（牵头领导：梁晨；牵头单位：镇综治中心；配合单位：各村（社区）；完成时限：2026年6月底前）'),
        p('2.建成镇级矛盾纠纷调处中心。（责任单位：镇司法所；完成时限：三季度末）'),
        p('二、改善人居环境'),
        p('3.完成农村户厕改造300户，镇卫生院、镇农业服务中心配合，镇建设办负责，11月底前完成。'),
      ],
    },
  ],
});
fs.writeFileSync(path.join(tmp, 'd20_legacy_word.docx'), await Packer.toBuffer(plan));

execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', OUT, path.join(tmp, 'd19_ledger_table.docx')], { stdio: 'inherit' });
execFileSync('soffice', ['--headless', '--convert-to', 'doc', '--outdir', OUT, path.join(tmp, 'd20_legacy_word.docx')], { stdio: 'inherit' });
execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', tmp, path.join(tmp, 'd20_legacy_word.docx')], { stdio: 'inherit' });
fs.copyFileSync(path.join(tmp, 'd20_legacy_word.pdf'), path.join(OUT, 'd21_text_plan.pdf'));
// The Word 分解表 d05 as a PDF: a two-level header (责任单位 over 牵头单位 | 责任单位 | 配合单位), a
// 责任区领导 cell merged down three rows, a note under the table.
execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', tmp, path.join(OUT, 'd05_fenjie_table.docx')], { stdio: 'inherit' });
fs.copyFileSync(path.join(tmp, 'd05_fenjie_table.pdf'), path.join(OUT, 'd23_fenjie_table_pdf.pdf'));
fs.rmSync(tmp, { recursive: true, force: true });
