import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { HEALTH_LABEL, describeReason } from '../domain/health/index.ts';
import type { BulletinModel } from './bulletin-model.ts';
import type { ReportTask } from './report-data.ts';
import { STATUS_LABEL } from './report-facts.ts';

/** The bulletin's data as a workbook: the unit ranking and every task with its health. */
export async function bulletinXlsx(m: BulletinModel, tasks: readonly ReportTask[]): Promise<Buffer> {
  // The streaming writer commits rows as it goes: 10,000 task rows in a fraction of the in-memory time.
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  wb.creator = '督办助手';
  memoStyles(wb);
  const units = wb.addWorksheet('单位排名', { views: [{ state: 'frozen', ySplit: 1 }] });
  units.columns = [
    { header: '名次', key: 'rank', width: 8 },
    { header: '单位', key: 'unit', width: 28 },
    { header: '任务数', key: 'tasks', width: 10 },
    { header: '应报送次数', key: 'due', width: 12 },
    { header: '按时报送次数', key: 'onTime', width: 14 },
    { header: '已完成', key: 'completed', width: 10 },
    { header: '平均进度', key: 'progress', width: 10, style: { numFmt: '0.0%' } },
    { header: '逾期任务数', key: 'overdue', width: 12 },
    { header: '逾期任务编号', key: 'overdueNos', width: 24 },
    { header: '本地值', key: 'value', width: 10 },
    { header: '得分', key: 'score', width: 10 },
  ];
  units.getRow(1).font = { bold: true };
  for (const r of m.rows) {
    units.addRow({ rank: r.rank, unit: r.unitName, tasks: r.tasks, due: r.reportsDue, onTime: r.reportsOnTime, completed: r.completed, progress: r.tasks ? r.meanProgress : null, overdue: r.overdue, overdueNos: r.overdueTaskNos.join('、'), value: r.localValue, score: r.score ?? '不计分' }).commit();
  }
  units.addRow([]).commit();
  units.addRow([m.scoring.rule]).commit();
  units.commit();

  const sheet = wb.addWorksheet('任务明细', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: '编号', key: 'no', width: 8 },
    { header: '任务', key: 'name', width: 48 },
    { header: '牵头单位', key: 'lead', width: 24 },
    { header: '责任单位', key: 'duty', width: 32 },
    { header: '完成时限', key: 'deadline', width: 14 },
    { header: '状态', key: 'status', width: 10 },
    { header: '进度(%)', key: 'percent', width: 10 },
    { header: '红黄绿灯', key: 'health', width: 14 },
    { header: '情况说明', key: 'reasons', width: 60 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const t of tasks) {
    sheet.addRow({
      no: t.no,
      name: t.name,
      lead: (t.leadUnits.length ? t.leadUnits.map((u) => u.name) : (t.printedUnits?.lead ?? [])).join('、'),
      // All of them here (a ledger, not a chat line), as the directory knows them or as printed.
      duty: (t.dutyUnits.length ? t.dutyUnits.map((u) => u.name) : [...(t.printedUnits?.lead ?? []), ...(t.printedUnits?.responsible ?? [])]).join('、'),
      deadline: t.deadline ?? t.deadlineText ?? '',
      status: STATUS_LABEL[t.status],
      percent: t.percent,
      health: HEALTH_LABEL[t.health.health],
      reasons: t.health.reasons.map((r) => describeReason(r, m.date)).join('；'),
    }).commit();
  }
  sheet.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

/**
 * exceljs gives every cell a fresh style object, so its cache (keyed by object) never hits and each
 * of the 90,000 cells is rendered to XML to find its style id. Keyed by content instead, the same
 * ids come back (the first of each kind is still registered by exceljs itself) at a fraction of the cost.
 */
function memoStyles(wb: object): void {
  const styles = (wb as { styles?: { addStyleModel?: (model: unknown, cellType?: unknown) => number } }).styles;
  const add = styles?.addStyleModel?.bind(styles);
  if (!styles || !add) return;
  const ids = new Map<string, number>();
  styles.addStyleModel = (model, cellType) => {
    if (!model) return add(model, cellType);
    const key = `${String(cellType)}|${JSON.stringify(model)}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = add(model, cellType)));
    return id;
  };
}
