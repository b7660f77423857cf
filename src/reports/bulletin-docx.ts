import { AlignmentType, Document, Footer, LineRuleType, Packer, PageNumber, Paragraph, Table, TableCell, TableLayoutType, TableRow, TextRun, VerticalAlign, WidthType } from 'docx';
import type { BulletinModel } from './bulletin-model.ts';
import { bulletinParagraphs } from './bulletin-text.ts';
import { pct } from './report-facts.ts';

// 党政机关公文格式 (GB/T 9704): 小标宋 title at 二号, 仿宋 body at 三号, fixed 28-point lines.
const TITLE_FONT = { eastAsia: '方正小标宋简体', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
const BODY_FONT = { eastAsia: '仿宋_GB2312', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
const HEI_FONT = { eastAsia: '黑体', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
const SIZE_2 = 44; // half-points: 二号 22pt
const SIZE_3 = 32; // 三号 16pt
const SIZE_TABLE = 21; // 五号 10.5pt
const LINE = { line: 560, lineRule: LineRuleType.EXACT };
const MM = 56.7; // twips per millimetre

const body = (text: string, opts: { indent?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}): Paragraph =>
  new Paragraph({
    alignment: opts.align ?? AlignmentType.JUSTIFIED,
    spacing: LINE,
    indent: opts.indent === false ? {} : { firstLine: 640 },
    children: [new TextRun({ text, font: BODY_FONT, size: SIZE_3 })],
  });

// Column widths in twips; they add up to the type area (210 − 28 − 26 mm ≈ 8845 twips).
const COLUMN_WIDTHS = [700, 2300, 750, 1000, 750, 950, 650, 870, 875];

const cell = (text: string, column: number, header = false): TableCell =>
  new TableCell({
    width: { size: COLUMN_WIDTHS[column]!, type: WidthType.DXA },
    verticalAlign: VerticalAlign.CENTER,
    children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text, font: header ? HEI_FONT : BODY_FONT, size: SIZE_TABLE, bold: header })] })],
  });

/** The 月通报 as a Word document ready to print: the bulletin, then the full ranking table as 附件. */
export async function bulletinDocx(m: BulletinModel): Promise<Buffer> {
  const p = bulletinParagraphs(m);
  const header = ['名次', '单位', '任务数', '按时报送', '已完成', '平均进度', '逾期', '本地值', '得分'];
  const rows = m.rows.map((r) =>
    [r.rank === null ? '—' : String(r.rank), r.unitName, String(r.tasks), `${r.reportsOnTime}/${r.reportsDue}`, String(r.completed), r.tasks ? pct(r.meanProgress) : '—', String(r.overdue), r.localValue === null ? '不计分' : String(r.localValue), r.score === null ? '不计分' : String(r.score)].map((c, i) => cell(c, i)),
  );
  const doc = new Document({
    creator: '督办助手',
    title: p.title,
    sections: [
      {
        properties: { page: { size: { width: 210 * MM, height: 297 * MM }, margin: { top: 37 * MM, bottom: 35 * MM, left: 28 * MM, right: 26 * MM } } },
        footers: {
          default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: BODY_FONT, size: 28 })] })] }),
        },
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { ...LINE, after: 560 }, children: [new TextRun({ text: p.title, font: TITLE_FONT, size: SIZE_2 })] }),
          body(p.salutation, { indent: false }),
          ...p.body.map((b) => body(b)),
          ...p.rule.map((r) => body(r)),
          body('附件：各单位重点任务推进情况得分排名表'),
          new Paragraph({ spacing: LINE, children: [] }),
          body(p.signature, { align: AlignmentType.RIGHT, indent: false }),
          body(p.dateLine, { align: AlignmentType.RIGHT, indent: false }),
          new Paragraph({ pageBreakBefore: true, spacing: LINE, children: [new TextRun({ text: '附件', font: HEI_FONT, size: SIZE_3 })] }),
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { ...LINE, after: 200 }, children: [new TextRun({ text: '各单位重点任务推进情况得分排名表', font: TITLE_FONT, size: SIZE_3 })] }),
          new Table({
            width: { size: COLUMN_WIDTHS.reduce((a, b) => a + b, 0), type: WidthType.DXA },
            columnWidths: COLUMN_WIDTHS,
            layout: TableLayoutType.FIXED,
            rows: [new TableRow({ tableHeader: true, children: header.map((h, i) => cell(h, i, true)) }), ...rows.map((children) => new TableRow({ cantSplit: true, children }))],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
