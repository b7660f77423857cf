import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { InputError } from '../errors.ts';
import { cellText, delimitedRows } from './read-plan-file.ts';

export const PEOPLE_ROLES = ['联络员', 'B角', '牵头领导', '分管领导', '管理员'] as const;
export type PeopleRole = (typeof PEOPLE_ROLES)[number];

/** One row of the 通讯录: who, in which unit and role, reached at which chat identity and group. */
export interface PeopleRow {
  /** Where it came from, for messages: 第3行 / Sheet1!C3. */
  where: string;
  unit: string | null;
  name: string;
  role: PeopleRole;
  /** The chat identity (WeChat id or name as the channel reports it, or a WeCom/DingTalk user id). */
  account: string | null;
  phone: string | null;
  group: string | null;
}

const COLUMNS: Record<string, keyof Omit<PeopleRow, 'where'>> = { 单位: 'unit', 姓名: 'name', 角色: 'role', 账号: 'account', 手机: 'phone', 群: 'group' };
const ROLE_ALIASES: Record<string, PeopleRole> = { 联络员: '联络员', 经办人: '联络员', B角: 'B角', b角: 'B角', 牵头领导: '牵头领导', 分管领导: '分管领导', 挂点领导: '分管领导', 管理员: '管理员', 督办室: '管理员' };

/** Reads a 通讯录 (.xlsx, .csv or .json rows with 单位, 姓名, 角色, 账号, 手机, 群); a bad row names its row and column. */
export async function readPeopleFile(file: string): Promise<PeopleRow[]> {
  if (!fs.existsSync(file)) throw new InputError('NOT_FOUND', `找不到通讯录文件 ${file}`, '通讯录列：单位、姓名、角色（联络员/B角/牵头领导/分管领导/管理员）、账号、手机、群');
  const ext = path.extname(file).toLowerCase();
  let rows: { where: (col: number) => string; cells: string[] }[];
  if (ext === '.json') {
    const list = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
    if (!Array.isArray(list)) throw new InputError('IMPORT_INVALID', `通讯录 ${file} 应为数组，每项含 单位、姓名、角色、账号、手机、群`);
    const header = Object.keys(COLUMNS);
    rows = [{ where: () => '表头', cells: header }, ...list.map((o, i) => ({ where: (c: number) => `第${i + 1}项“${header[c]}”`, cells: header.map((h) => String(o[h] ?? '')) }))];
  } else if (ext === '.csv') {
    rows = delimitedRows(fs.readFileSync(file, 'utf8'), ',').map((r) => ({ where: (c: number) => `第${r.row}行第${c + 1}列`, cells: r.cells }));
  } else if (ext === '.xlsx') {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file).catch((e: Error) => {
      throw new InputError('IMPORT_INVALID', `${file} 不是有效的 Excel 工作簿：${e.message}`, '用 Excel/WPS 打开后另存为 .xlsx');
    });
    const ws = wb.worksheets[0];
    rows = [];
    ws?.eachRow({ includeEmpty: false }, (row, n) => {
      const cells: string[] = [];
      for (let c = 1; c <= ws.columnCount; c++) cells.push(cellText(row.getCell(c).value).trim());
      rows.push({ where: (c) => `${ws.name}!${String.fromCharCode(65 + c)}${n}`, cells });
    });
  } else {
    throw new InputError('IMPORT_INVALID', `通讯录 ${file} 的格式不支持`, '请用 .xlsx、.csv 或 .json');
  }
  const [head, ...body] = rows;
  if (!head) throw new InputError('IMPORT_INVALID', `通讯录 ${file} 是空的`);
  const col = new Map<keyof Omit<PeopleRow, 'where'>, number>();
  head.cells.forEach((h, i) => {
    const key = COLUMNS[h.replace(/\s+/g, '')];
    if (key) col.set(key, i);
  });
  for (const need of ['name', 'role'] as const) {
    if (!col.has(need)) throw new InputError('IMPORT_INVALID', `通讯录 ${file} 缺少“${need === 'name' ? '姓名' : '角色'}”列`, '表头应为：单位、姓名、角色、账号、手机、群');
  }
  return body.map((r) => {
    const get = (k: keyof Omit<PeopleRow, 'where'>) => (col.has(k) ? (r.cells[col.get(k)!] ?? '').trim() : '');
    const roleText = get('role');
    const role = ROLE_ALIASES[roleText];
    if (!role) throw new InputError('IMPORT_INVALID', `通讯录 ${file} ${r.where(col.get('role')!)}：角色“${roleText}”不认识`, `角色应为 ${PEOPLE_ROLES.join('、')} 之一`);
    const name = get('name');
    if (!name) throw new InputError('IMPORT_INVALID', `通讯录 ${file} ${r.where(col.get('name')!)}：姓名为空`);
    const unit = get('unit') || null;
    if ((role === '联络员' || role === 'B角') && !unit) throw new InputError('IMPORT_INVALID', `通讯录 ${file} ${r.where(col.get('unit') ?? 0)}：${role}${name}没有填写单位`);
    return { where: r.where(0), unit, name, role, account: get('account') || null, phone: get('phone') || null, group: get('group') || null };
  });
}
