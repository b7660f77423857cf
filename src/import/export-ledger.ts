import { toLocalDate } from '../domain/calendar/shanghai-time.ts';
import { InputError } from '../errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';

/** The columns of the 台账, in order. Import reads the same names back. */
export const LEDGER_COLUMNS = ['序号', '任务内容', '牵头领导', '牵头单位', '责任单位', '参加单位', '完成时限', '状态', '进度', '最新进展'] as const;

const STATUS_LABEL: Record<string, string> = {
  not_started: '未开始',
  in_progress: '推进中',
  blocked: '受阻',
  done: '已完成（待销号）',
  closed: '已销号',
};

const WIDTHS = [8, 60, 14, 22, 28, 28, 16, 12, 8, 40];

export interface ExportResult {
  planId: number;
  title: string;
  tasks: number;
  file: string;
}

/** Which plan: an id, a source document name, or (default) the one imported last. */
async function findPlan(prisma: PrismaClient, ref?: string) {
  if (ref) {
    const byId = /^\d+$/.test(ref) ? await prisma.plan.findUnique({ where: { id: Number(ref) } }) : null;
    const plan = byId ?? (await prisma.plan.findUnique({ where: { sourceDocument: ref } }));
    if (!plan) throw new InputError('NOT_FOUND', `数据库中没有计划“${ref}”`, '用计划编号或导入时的文件名指定，或先 duban import');
    return plan;
  }
  const plan = await prisma.plan.findFirst({ orderBy: { importedAt: 'desc' } });
  if (!plan) throw new InputError('NOT_FOUND', '数据库中还没有任何计划', '先用 duban import <文件> 导入工作方案');
  return plan;
}

/** Writes the task ledger of one plan as an Excel workbook. */
export async function exportLedger(prisma: PrismaClient, file: string, opts: { plan?: string } = {}): Promise<ExportResult> {
  const plan = await findPlan(prisma, opts.plan);
  const [sections, tasks] = await Promise.all([
    prisma.section.findMany({ where: { planId: plan.id } }),
    prisma.task.findMany({
      where: { planId: plan.id },
      orderBy: { seq: 'asc' },
      include: {
        units: { orderBy: { ordinal: 'asc' } },
        leaders: { include: { person: true } },
        // A 收到 (receipt) is not progress.
        updates: { where: { kind: { not: 'receipt' } }, orderBy: { reportedAt: 'desc' }, take: 1 },
      },
    }),
  ]);
  const byId = new Map(sections.map((s) => [s.id, s]));

  const { default: ExcelJS } = await import('exceljs'); // loaded on use: not at start-up
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = LEDGER_COLUMNS.map((header, i) => ({ key: header, width: WIDTHS[i] }));
  const titleRow = ws.addRow([plan.title]);
  ws.mergeCells(titleRow.number, 1, titleRow.number, LEDGER_COLUMNS.length);
  titleRow.font = { bold: true, size: 14 };
  const header = ws.addRow([...LEDGER_COLUMNS]);
  header.font = { bold: true };

  let printed: number[] = [];
  for (const t of tasks) {
    // Section headings as merged rows, whenever the path changes.
    const path: number[] = [];
    for (let s = t.sectionId ? byId.get(t.sectionId) : undefined; s; s = s.parentId ? byId.get(s.parentId) : undefined) path.unshift(s.id);
    path.forEach((id, depth) => {
      if (printed[depth] === id) return;
      const s = byId.get(id)!;
      const label = depth === 0 ? `${s.label}、` : depth === 1 ? `（${s.label}）` : `${s.label}.`;
      const row = ws.addRow([`${label}${s.title}`]);
      ws.mergeCells(row.number, 1, row.number, LEDGER_COLUMNS.length);
      row.font = { bold: true };
      printed = [...printed.slice(0, depth), id];
    });
    printed = printed.slice(0, path.length);
    const names = (role: string) => t.units.filter((u) => u.role === role).map((u) => u.rawName).join('、');
    const latest = t.updates[0];
    ws.addRow([
      t.no,
      t.text,
      t.leaders.map((l) => l.person.name).join('、'),
      names('lead'),
      names('responsible'),
      names('participating'),
      t.deadlineText ?? (t.deadline ? t.deadline.toISOString().slice(0, 10) : ''),
      STATUS_LABEL[t.status] ?? t.status,
      t.percent != null ? `${t.percent}%` : '',
      latest ? `${toLocalDate(latest.reportedAt)}：${latest.text}` : '',
    ]).alignment = { wrapText: true, vertical: 'top' };
  }
  await wb.xlsx.writeFile(file);
  return { planId: plan.id, title: plan.title, tasks: tasks.length, file };
}
