import fs from 'node:fs';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { InputError } from '../errors.ts';
import type { Tx } from '../chat/chat-deps.ts';
import type { PeopleRole } from './read-people-file.ts';

export const PEOPLE_COLUMNS = ['单位', '姓名', '角色', '账号', '手机', '群'] as const;

/** The 通讯录 as rows, in the columns `duban people import` reads back unchanged. */
export async function peopleRows(prisma: Tx): Promise<string[][]> {
  const people = await prisma.person.findMany({
    orderBy: [{ kind: 'asc' }, { unitId: 'asc' }, { id: 'asc' }],
    include: { unit: { select: { name: true, groups: { select: { group: { select: { topic: true } } } } } }, backupFor: { select: { id: true } } },
  });
  const office = await prisma.chatGroup.findFirst({ where: { isOffice: true }, select: { topic: true } });
  return people.map((p) => {
    const role: PeopleRole = p.kind === 'admin' ? '管理员' : p.kind === 'leader' ? (p.role === '分管领导' ? '分管领导' : '牵头领导') : p.backupFor.length ? 'B角' : '联络员';
    const group = p.kind === 'admin' ? (office?.topic ?? '') : p.kind === 'contact' ? (p.unit?.groups[0]?.group.topic ?? '') : '';
    return [p.kind === 'leader' ? '' : (p.unit?.name ?? ''), p.name, role, p.chatId ?? '', p.phone ?? '', group];
  });
}

/** Writes the 通讯录 as .xlsx or .csv (UTF-8 with BOM, so Excel opens it in Chinese). */
export async function exportPeople(prisma: Tx, file: string): Promise<{ file: string; people: number }> {
  const rows = await peopleRows(prisma);
  const ext = path.extname(file).toLowerCase();
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (ext === '.csv') {
    const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    fs.writeFileSync(file, `\uFEFF${[PEOPLE_COLUMNS as readonly string[], ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`);
  } else if (ext === '.xlsx') {
    await (await peopleWorkbook(rows)).xlsx.writeFile(file);
  } else {
    throw new InputError('IMPORT_INVALID', `通讯录导出文件 ${file} 的格式不支持`, '请用 .xlsx 或 .csv');
  }
  return { file, people: rows.length };
}

export async function peopleWorkbook(rows: string[][]): Promise<ExcelJS.Workbook> {
  const { default: Excel } = await import('exceljs'); // loaded on use: not at start-up
  const wb = new Excel.Workbook();
  const ws = wb.addWorksheet('通讯录', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = PEOPLE_COLUMNS.map((h, i) => ({ header: h, key: h, width: [22, 12, 10, 24, 16, 24][i] }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  return wb;
}
