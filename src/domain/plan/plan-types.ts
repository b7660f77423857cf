/** What an import yields, before anything touches the database. Pure data, JSON-safe. */

export type AssignmentRole = 'lead' | 'responsible' | 'participating';
export type DeadlineKind = 'date' | 'recurring' | 'open' | 'none';

export interface DeadlineInfo {
  kind: DeadlineKind;
  /** YYYY-MM-DD for kind 'date', else null — never a made-up date. */
  date: string | null;
  /** The words as printed. */
  text: string | null;
  /** For kind 'recurring': the rule as written, e.g. 每季度末. */
  recurrence: string | null;
}

export interface ParsedMilestone {
  dueOn: string | null;
  deadlineText: string;
  text: string;
}

/** Where a warning points: a line of a text document or a cell of a table. */
export interface SourcePosition {
  line?: number;
  cell?: string;
}

export interface ImportWarning extends SourcePosition {
  code: 'unit_unknown' | 'unit_suggestion' | 'no_units' | 'no_tasks' | 'numbering' | 'deadline' | 'table' | 'untasked_item'
    | 'unplaced_text' | 'input' | 'collective_empty';
  message: string;
}

export interface UnitResolution {
  /** Canonical directory name, when the raw name resolved. */
  name: string;
  kind: string;
  aliases: string[];
  via: 'exact' | 'alias';
}

export interface UnitAssignment {
  role: AssignmentRole;
  rawName: string;
  ordinal: number;
  collective: boolean;
  resolved: UnitResolution | null;
  /** Close directory names offered when the raw name did not resolve. */
  suggestions: string[];
  /**
   * For a collective phrase (collective: true): the canonical directory names of the units it
   * stands for (各街道、镇 → every street and town), in directory order; [] when the directory has
   * none (the import warns collective_empty). Absent on units that are not collective.
   */
  expandsTo?: string[];
}

export interface ParsedSection {
  key: string;
  parentKey: string | null;
  level: number;
  ordinal: number;
  label: string;
  title: string;
}

export interface ParsedTask {
  no: string;
  seq: number;
  line: number | null;
  /** For tables: the cell the task's content came from, e.g. B5. */
  cell?: string;
  sectionKey: string | null;
  sections: string[];
  title: string | null;
  text: string;
  leaders: string[];
  units: UnitAssignment[];
  deadline: DeadlineInfo;
  milestones: ParsedMilestone[];
}

export interface RosterEntry {
  name: string;
  role: string | null;
  title: string | null;
}

export interface ParsedPlan {
  document: string;
  title: string;
  issuer: string | null;
  docNumber: string | null;
  issuedOn: string | null;
  year: number | null;
  sections: ParsedSection[];
  tasks: ParsedTask[];
  roster: RosterEntry[];
  mechanisms: string[];
  warnings: ImportWarning[];
}

export const ROLE_LABEL: Record<AssignmentRole, string> = {
  lead: '牵头单位',
  responsible: '责任单位',
  participating: '参加单位',
};

export function unitsOf(task: ParsedTask, role: AssignmentRole): string[] {
  return task.units.filter((u) => u.role === role).map((u) => u.rawName);
}

/** "第12行：" / "单元格 C5：" — the place a message is about, for people. */
export function positionLabel(p: SourcePosition): string {
  if (p.cell) return `单元格 ${p.cell}：`;
  if (p.line != null) return `第${p.line}行：`;
  return '';
}
