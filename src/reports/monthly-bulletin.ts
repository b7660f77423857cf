import type { Db } from '../store/open-database.ts';
import { bulletinModel } from './bulletin-model.ts';
import { bulletinText } from './bulletin-text.ts';
import { loadReportData } from './report-data.ts';
import type { MonthlyBulletin, ReportOptions } from './report-types.ts';
import { splitForWeChat } from './split-for-wechat.ts';
import { writeReportFile } from './write-report-file.ts';

/** The 月通报 for the month of `date` (from the 1st up to `date`): text, and with outDir a PNG, .docx and .xlsx. */
export async function buildMonthlyBulletin(prisma: Db, opts: ReportOptions): Promise<MonthlyBulletin> {
  // The bulletin counts reports and reads none of their text.
  const data = await loadReportData(prisma, { ...opts, texts: false });
  const model = bulletinModel(data, opts.calendar);
  const text = bulletinText(model);
  const out: MonthlyBulletin = { text, parts: splitForWeChat(text) };
  if (opts.outDir) {
    const base = `monthly-${opts.date.slice(0, 7)}`;
    // The file renderers (canvas, docx, exceljs) load only when files are asked for: the chat text alone never loads them.
    const [{ bulletinPng }, { renderReportPng }, { bulletinDocx }, { bulletinXlsx }] = await Promise.all([
      import('./bulletin-png.ts'),
      import('./render/render-report-png.ts'),
      import('./bulletin-docx.ts'),
      import('./bulletin-xlsx.ts'),
    ]);
    const [png, docx, xlsx] = await Promise.all([renderReportPng(bulletinPng(model)), bulletinDocx(model), bulletinXlsx(model, data.tasks)]);
    out.imagePath = await writeReportFile(opts.outDir, `${base}.png`, png);
    out.docxPath = await writeReportFile(opts.outDir, `${base}.docx`, docx);
    out.xlsxPath = await writeReportFile(opts.outDir, `${base}.xlsx`, xlsx);
  }
  return out;
}
