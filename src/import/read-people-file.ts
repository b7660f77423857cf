import fs from 'node:fs';
import path from 'node:path';
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
export const ROLE_ALIASES: Record<string, PeopleRole> = { 联络员: '联络员', 经办人: '联络员', B角: 'B角', b角: 'B角', 牵头领导: '牵头领导', 分管领导: '分管领导', 挂点领导: '分管领导', 管理员: '管理员', 督办室: '管理员' };

/** Reads a 通讯录 (.xlsx, .csv or .json rows with 单位, 姓名, 角色, 账号, 手机, 群); a bad row names its row and column. */
export async function readPeopleFile(file: string): Promise<PeopleRow[]> {
  if (!fs.existsSync(file)) throw new InputError('NOT_FOUND', `找不到通讯录文件 ${file}`, '通讯录列：单位、姓名、角色（联络员/B角/牵头领导/分管领导/管理员）、账号、手机、群');
  const ext = path.extname(file).toLowerCase();
  let rows: { label: string; cells: string[] }[];
  if (ext === '.json') {
    const list = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
    if (!Array.isArray(list)) throw new InputError('IMPORT_INVALID', `通讯录 ${file} 应为数组，每项含 单位、姓名、角色、账号、手机、群`);
    const header = Object.keys(COLUMNS);
    rows = [{ label: '表头', cells: header }, ...list.map((o, i) => ({ label: `第${i + 1}项`, cells: header.map((h) => String(o[h] ?? '')) }))];
  } else if (ext === '.csv') {
    rows = delimitedRows(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), ',').map((r) => ({ label: `第${r.row}行`, cells: r.cells }));
  } else if (ext === '.xlsx') {
    const { default: ExcelJS } = await import('exceljs'); // loaded on use: not at start-up
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file).catch((e: Error) => {
      throw new InputError('IMPORT_INVALID', `${file} 不是有效的 Excel 工作簿：${e.message}`, '用 Excel/WPS 打开后另存为 .xlsx');
    });
    const ws = wb.worksheets[0];
    rows = [];
    ws?.eachRow({ includeEmpty: false }, (row, n) => {
      const cells: string[] = [];
      for (let c = 1; c <= ws.columnCount; c++) cells.push(cellText(row.getCell(c).value).trim());
      rows.push({ label: `第${n}行`, cells });
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
  // Every bad row is named at once (row and column), so an office fixes its file in one pass.
  const errors: string[] = [];
  // 第3行C列“角色”: the row as the office's spreadsheet numbers it, the column by letter and header.
  const at = (r: { label: string }, c: number) => (ext === '.json' ? `${r.label}“${head.cells[c]}”` : `${r.label}${String.fromCharCode(65 + c)}列“${head.cells[c]}”`);
  const out: PeopleRow[] = [];
  for (const r of body) {
    if (r.cells.every((c) => !c.trim())) continue;
    const get = (k: keyof Omit<PeopleRow, 'where'>) => (col.has(k) ? (r.cells[col.get(k)!] ?? '').trim() : '');
    const roleText = get('role');
    const role = ROLE_ALIASES[roleText];
    const name = get('name');
    const unit = get('unit') || null;
    const account = get('account') || null;
    const phone = get('phone') || null;
    const bad: string[] = [];
    if (!name) bad.push(`${at(r, col.get('name')!)}：姓名为空`);
    if (!role) bad.push(`${at(r, col.get('role')!)}：角色“${roleText}”不认识，应为 ${PEOPLE_ROLES.join('、')} 之一`);
    if ((role === '联络员' || role === 'B角') && !unit) bad.push(`${at(r, col.get('unit') ?? 0)}：${role}${name}没有填写单位`);
    if (phone && !/^[0-9+\-\s()（）]{5,20}$/.test(phone)) bad.push(`${at(r, col.get('phone')!)}：手机“${phone}”不是电话号码`);
    if (bad.length || !role) {
      errors.push(...bad);
      continue;
    }
    out.push({ where: r.label, unit, name, role, account, phone, group: get('group') || null });
  }
  const seen = new Map<string, string>();
  for (const r of out) {
    if (!r.account) continue;
    const prior = seen.get(r.account);
    if (prior) errors.push(`${r.where}：账号“${r.account}”与${prior}重复（一个账号只能对应一个人）`);
    else seen.set(r.account, r.where);
  }
  if (errors.length) {
    const shown = errors.slice(0, 30);
    throw new InputError('IMPORT_INVALID', `通讯录 ${file} 有${errors.length}处错误，未导入任何一行：\n${shown.map((e) => `  · ${e}`).join('\n')}${errors.length > shown.length ? `\n  ……另有${errors.length - shown.length}处` : ''}`, `角色应为 ${PEOPLE_ROLES.join('、')} 之一；联络员和B角须填写单位`);
  }
  return out;
}
