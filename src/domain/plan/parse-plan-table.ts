import { InputError } from '../../errors.ts';
import { pickTitleAbove } from './document-header.ts';
import { deadlineInText, milestonesFromDeadlineText, normaliseDeadline } from './normalise-deadline.ts';
import { labelsOf } from './labels.ts';
import { readMarker } from './numbering.ts';
import { leadPhrase, yearFrom } from './parse-plan-text.ts';
import { splitPersonList, splitUnitList, stripLeadMarker } from './split-names.ts';
import type { AssignmentRole, ImportWarning, ParsedPlan, ParsedSection, ParsedTask, UnitAssignment } from './plan-types.ts';

/**
 * A task ledger (台账) as a table: one header row naming the columns, then a row per task; a row
 * with a single value across it (一、产业发展) is a section heading.
 */

export interface TableRow {
  /** Row number as the user sees it (1-based). */
  row: number;
  cells: string[];
}

export interface TableOptions {
  document: string;
  year?: number | null | undefined;
  /** How to name a cell for people: B5 in a workbook, 第5行第2列 in text. */
  cellName: (col: number, row: number) => string;
  /** Title to report when the sheet has none above its header. */
  title?: string | undefined;
}

export type Column = 'no' | 'section' | 'text' | 'detail' | 'leaders' | AssignmentRole | 'deadline' | 'status' | 'percent' | 'latest';

/** Column names of the responsibility columns: the labels table (labels.ts), matched whole. */
const exact = (names: string[]): RegExp => new RegExp(`^(?:${[...names].sort((a, b) => b.length - a.length).join('|')})$`);

const HEADERS: [Column, RegExp][] = [
  ['no', /^(序号|编号|序|任务编号|No\.?)$/i],
  ['section', /^(类别|板块|领域|分类|所属板块|项目类别|所属领域)$/],
  ['text', /^(任务内容|工作任务|重点任务|任务|工作内容|具体任务|目标任务|主要任务|工作事项|事项|任务名称|重点工作|工作措施|具体措施|具体工作措施|工作举措|任务事项|项目名称|主要工作|工作要点|任务分解|工作任务及目标|目标任务及措施)$/],
  ['leaders', exact(labelsOf('leaders'))],
  ['lead', exact(labelsOf('lead'))],
  ['responsible', exact(labelsOf('responsible'))],
  ['participating', exact(labelsOf('participating'))],
  ['deadline', exact(labelsOf('deadline'))],
  ['status', /^(状态|完成状态|推进状态)$/],
  ['percent', /^(进度|完成进度|进度（%）|进度\(%\))$/],
  ['latest', /^(最新进展|进展情况|推进情况|最新进度)$/],
];

// Headers written in a ledger's own words ("工作内容及目标", "建设内容及规模", "配合责任单位"): matched by
// their telling word once no exact name fits.
const LOOSE_HEADERS: [Column, RegExp][] = [
  ['leaders', /领导/],
  ['participating', /配合|参加|协办|协助|参与/],
  ['lead', /牵头/],
  ['responsible', /责任(单位|部门)|承办/],
  ['deadline', /时限|时间|节点|期限/],
  ['latest', /进展|推进情况/],
  ['text', /内容|措施|任务|目标|事项|名称/],
];

export function columnOf(header: string): Column | null {
  const h = header.replace(/[\s\u3000]+/g, '');
  for (const [col, re] of HEADERS) if (re.test(h)) return col;
  if (h.length > 12) return null;
  for (const [col, re] of LOOSE_HEADERS) if (re.test(h)) return col;
  return null;
}

/** A column's own name, word for word ("牵头单位"), not a ledger's wording of one ("及目标" only reads as one loosely). */
export function isColumnLabel(header: string): boolean {
  const h = header.replace(/[\s\u3000]+/g, '');
  return HEADERS.some(([, re]) => re.test(h));
}

export interface HeaderMatch {
  index: number;
  columns: Map<Column, number>;
  /** Rows the header takes (2 when 责任单位 spans 牵头单位 | 配合单位 below it). */
  height: number;
}

/** The first row (of the first 15) that names at least two known columns. */
export function findHeader(rows: TableRow[]): HeaderMatch | null {
  for (let i = 0; i < Math.min(rows.length, 15); i++) {
    const columns = new Map<Column, number>();
    rows[i]!.cells.forEach((c, j) => {
      const col = columnOf(c);
      // 项目名称 | 工作内容及目标: the second text column is the body of the first.
      if (col === 'text' && columns.has('text') && !columns.has('detail') && rows[i]!.cells[columns.get('text')!] !== c) columns.set('detail', j);
      else if (col && !columns.has(col)) columns.set(col, j);
    });
    if (columns.size < 2) continue;
    // A second header row refines merged groups: 责任单位 over 牵头单位 | 配合单位.
    const next = rows[i + 1];
    const sub = new Map<Column, number>();
    next?.cells.forEach((c, j) => {
      const col = columnOf(c);
      if (col && col !== 'text' && col !== 'no') sub.set(col, j);
    });
    if (sub.size === 0) return { index: i, columns, height: 1 };
    const taken = new Set(sub.values());
    for (const [col, j] of [...columns]) if (taken.has(j) || sub.has(col)) columns.delete(col);
    for (const [col, j] of sub) columns.set(col, j);
    return { index: i, columns, height: 2 };
  }
  return null;
}

export function parsePlanTable(rows: TableRow[], opts: TableOptions): ParsedPlan {
  const header = findHeader(rows);
  if (!header) {
    throw new InputError('IMPORT_INVALID', `${opts.document}：表格前 15 行中没有找到表头（需要“序号、任务内容、责任单位”等列名）`, '在第一行写上列名，例如：序号、任务内容、牵头单位、责任单位、完成时限');
  }
  const headerRow = rows[header.index]!;
  const cols = header.columns;
  const textCol = cols.get('text');
  if (textCol === undefined) {
    throw new InputError(
      'IMPORT_INVALID',
      `${opts.document}：第${headerRow.row}行的表头缺少“任务内容”列（现有列：${headerRow.cells.filter(Boolean).join('、')}）`,
      '加一列“任务内容”（或“工作任务”“重点任务”），写明每项任务',
    );
  }
  const warnings: ImportWarning[] = [];
  if (!cols.has('lead') && !cols.has('responsible') && !cols.has('participating')) {
    warnings.push({ cell: opts.cellName(0, headerRow.row), code: 'table', message: `表头（第${headerRow.row}行）缺少“牵头单位/责任单位/参加单位”列，任务将没有责任单位` });
  }
  const known = new Set(cols.values());
  const ignored = headerRow.cells.map((c, j) => ({ c: c.trim(), j })).filter(({ c, j }) => c && !known.has(j) && !headerRow.cells.slice(0, j).includes(c));
  if (ignored.length) {
    warnings.push({
      cell: opts.cellName(ignored[0]!.j, headerRow.row),
      code: 'table',
      message: `表头（第${headerRow.row}行）的列“${ignored.map((x) => x.c).join('、')}”不是台账字段，其内容未导入`,
    });
  }
  // The exported 台账's 状态/进度/最新进展 are the record as it stood, not an admin's update: say so, never drop them silently.
  const progressCols = (['status', 'percent', 'latest'] as const).filter((k) => cols.has(k) && rows.slice(header.index + 1).some((r) => (r.cells[cols.get(k)!] ?? '').trim()));
  if (progressCols.length) {
    const names = progressCols.map((k) => headerRow.cells[cols.get(k)!]!.trim()).join('、');
    warnings.push({ cell: opts.cellName(cols.get(progressCols[0]!)!, headerRow.row), code: 'table', message: `“${names}”列的内容不会导入：任务进度只由单位报送或管理员在管理后台、群里的操作改变，以便留痕` });
  }
  const titleAbove = pickTitleAbove(rows.slice(0, header.index).map((r) => r.cells.find((c) => c.trim()) ?? ''));
  const title = opts.title ?? titleAbove ?? opts.document;
  const year = opts.year ?? yearFrom(title);

  const sections: ParsedSection[] = [];
  const sectionStack: ParsedSection[] = [];
  const tasks: ParsedTask[] = [];
  const seenNo = new Set<string>();
  // Paragraphs inside a cell: run on in text, separate names in lists, separate milestones.
  const JOIN: Partial<Record<Column, string>> = { text: '', detail: '', latest: '', leaders: '、', lead: '、', responsible: '、', participating: '、', deadline: '；' };
  const cell = (r: TableRow, col: Column): string => {
    const j = cols.get(col);
    const v = j === undefined ? '' : (r.cells[j] ?? '').trim();
    // "——", "/", "无": a cell left empty on purpose.
    if (/^[—\-－–/／\\、\s]*$|^(无|暂无)$/.test(v)) return '';
    return v.replace(/\s*\n\s*/g, JOIN[col] ?? '');
  };
  const headerCells = headerRow.cells.map((c) => c.replace(/\s+/g, ''));
  const repeatsHeader = (r: TableRow): boolean => [...cols.values()].filter((j) => (r.cells[j] ?? '').replace(/\s+/g, '') === headerCells[j]).length >= 2;

  const openSection = (marker: ReturnType<typeof readMarker>, title: string) => {
    const level = marker?.style === '(cn)' || marker?.style === '(n)' ? 2 : 1;
    while (sectionStack.length >= level) sectionStack.pop();
    const parent = sectionStack[sectionStack.length - 1] ?? null;
    const siblings = sections.filter((x) => x.parentKey === (parent?.key ?? null)).length;
    const label = marker?.label ?? String(siblings + 1);
    const sec: ParsedSection = { key: `${parent ? `${parent.key}/` : ''}${label}`, parentKey: parent?.key ?? null, level, ordinal: marker?.value ?? siblings + 1, label, title };
    sections.push(sec);
    sectionStack.push(sec);
  };

  for (const r of rows.slice(header.index + header.height)) {
    const filled = r.cells.map((c) => c.trim()).filter(Boolean);
    if (filled.length === 0) continue;
    // The header printed again at the top of each page of a long table.
    if (repeatsHeader(r)) continue;
    const rawText = joinText(cell(r, 'text'), cell(r, 'detail'));
    const distinct = new Set(filled);
    const noCell = cell(r, 'no');
    const markupEmpty = !(['leaders', 'lead', 'responsible', 'participating', 'deadline'] as Column[]).some((c) => cell(r, c));
    // 序号 "一" / "（一）" beside a title and nothing else: a section of a ledger numbered 1, 2, 3 within.
    if (markupEmpty && rawText && /^[（(]?[一二三四五六七八九十]+[）)、.．]?$/.test(noCell)) {
      openSection(readMarker(/^[（(]/.test(noCell) ? `${noCell}x` : `${noCell.replace(/[、.．]$/, '')}、x`), rawText);
      continue;
    }
    // One value across the row (often merged cells), or a lone 一、… in the content: a heading.
    const headingInTextOnly = filled.length === 1 && rawText !== '' && !noCell && /^(cn、|\(cn\))$/.test(readMarker(rawText)?.style ?? '');
    if ((distinct.size === 1 && (filled.length > 1 || !rawText)) || headingInTextOnly) {
      const heading = filled[0]!;
      const marker = readMarker(heading);
      openSection(marker, marker ? heading.slice(marker.length).trim() : heading);
      continue;
    }
    if (!rawText) {
      warnings.push({ cell: opts.cellName(textCol, r.row), code: 'table', message: `第${r.row}行有内容但“任务内容”为空，未作为任务导入` });
      continue;
    }
    let no = cell(r, 'no').replace(/^[（(]|[）).．、\s]+$/g, '').replace(/[）)]$/, '');
    let text = rawText;
    // No 序号 column: the number may open the content ("1.推进…"), else count rows.
    const lead = readMarker(rawText);
    if (!cols.has('no') && lead) {
      no = lead.label;
      text = text.slice(lead.length).trim();
    }
    if (!no) {
      no = String(tasks.length + 1);
      if (cols.has('no')) warnings.push({ cell: opts.cellName(cols.get('no')!, r.row), code: 'table', message: `第${r.row}行没有序号，已编为 ${no}` });
    }
    // 序号 restarting under each section: the section's number as a prefix, as the text importer does.
    const section = sectionStack[sectionStack.length - 1];
    if (seenNo.has(no) && section && !seenNo.has(`${section.label}.${no}`)) no = `${section.label}.${no}`;
    if (seenNo.has(no)) {
      const unique = `${no}-${r.row}`;
      warnings.push({ cell: opts.cellName(cols.get('no') ?? 0, r.row), code: 'table', message: `序号 ${no} 重复，第${r.row}行改记为 ${unique}` });
      no = unique;
    }
    seenNo.add(no);
    const categorySection = cell(r, 'section');
    let sectionKey = sectionStack[sectionStack.length - 1]?.key ?? null;
    if (categorySection) {
      let s = sections.find((x) => x.parentKey === null && x.title === categorySection);
      if (!s) {
        const ordinal = sections.filter((x) => x.parentKey === null).length + 1;
        s = { key: `c${ordinal}`, parentKey: null, level: 1, ordinal, label: String(ordinal), title: categorySection };
        sections.push(s);
      }
      sectionKey = s.key;
    }
    const units: UnitAssignment[] = [];
    for (const role of ['lead', 'responsible', 'participating'] as AssignmentRole[]) {
      for (const raw of splitUnitList(cell(r, role))) {
        const { name, lead } = stripLeadMarker(raw);
        units.push({ role: lead ? 'lead' : role, rawName: name, ordinal: units.length, collective: false, resolved: null, suggestions: [] });
      }
    }
    const deadlineText = cell(r, 'deadline') || deadlineInText(text, { year });
    const deadline = normaliseDeadline(deadlineText, { year });
    if (deadlineText && deadline.kind === 'none') {
      warnings.push({ cell: opts.cellName(cols.get('deadline') ?? textCol, r.row), code: 'deadline', message: `完成时限“${deadlineText}”无法换算成日期` });
    }
    if (units.length === 0) {
      warnings.push({ cell: opts.cellName(textCol, r.row), code: 'no_units', message: `任务 ${no} 没有写明责任单位` });
    }
    const path: string[] = [];
    for (let k: string | null = sectionKey; k; k = sections.find((s) => s.key === k)?.parentKey ?? null) {
      path.unshift(sections.find((s) => s.key === k)!.title);
    }
    tasks.push({
      no,
      seq: tasks.length + 1,
      line: r.row,
      cell: opts.cellName(textCol, r.row),
      sectionKey,
      sections: path,
      title: null,
      text,
      leaders: splitPersonList(cell(r, 'leaders')),
      units,
      deadline,
      milestones: deadlineText ? milestonesFromDeadlineText(deadlineText, { year }) : [],
    });
  }

  const phrases = tasks.map((t) => leadPhrase(t.text));
  if (tasks.length > 0 && phrases.filter(Boolean).length / tasks.length >= 0.6) tasks.forEach((t, i) => (t.title = phrases[i] ?? null));
  if (tasks.length === 0) warnings.push({ code: 'no_tasks', message: `表头（第${headerRow.row}行）之后没有任务行` });

  return { document: opts.document, title, issuer: null, docNumber: null, issuedOn: null, year, sections, tasks, roster: [], mechanisms: [], warnings };
}

/** 项目名称 + 工作内容 → "城区排水改造。完成管网改造12公里", so the name reads as the task's lead phrase. */
function joinText(name: string, body: string): string {
  if (!body || body === name) return name;
  if (!name) return body;
  if (body.startsWith(name)) return body;
  return /[。；;.!！?？]$/.test(name) ? `${name}${body}` : `${name}。${body}`;
}

/** Column letters of a workbook: 0 → A, 27 → AB. */
export function columnLetter(col: number): string {
  let s = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
