import fs from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { placeholdersOf } from './render-template.ts';

/**
 * The message texts, one set per kind of slot, editable by admins in config/templates.json. A
 * cadence may have its own entry under its key; otherwise the entry of its job is used.
 * Each field lists the placeholders it may use, so a typo is refused at load, not sent to 300 groups.
 */
export const TEMPLATE_FIELDS = {
  reminder: { header: ['title', 'unit', 'due', 'count'], task: TASK(), footer: ['due'] },
  chase: { header: ['title', 'unit', 'due', 'count'], task: TASK(), footer: ['due'] },
  escalation: {
    unitHeader: ['title', 'unit', 'leaders', 'count'],
    leaderHeader: ['title', 'leader', 'count'],
    unitLine: ['unit', 'reason'],
    task: [...TASK(), 'unit', 'reason'],
    footer: [],
  },
  countdown: { header: ['title', 'unit', 'count'], task: [...TASK(), 'days'], footer: [] },
  lagging_report: { header: ['title', 'unit', 'month', 'count', 'due'], task: TASK(), footer: ['due'] },
  admin: { noGroup: ['title', 'slot', 'units'], missed: ['list'], undeliverable: ['title', 'slot', 'list'] },
} as const satisfies Record<string, Record<string, readonly string[]>>;

function TASK() {
  return ['no', 'plan', 'taskTitle', 'deadline', 'last'] as const;
}

export type TemplateKind = keyof typeof TEMPLATE_FIELDS;
export type TemplateSet<K extends TemplateKind> = { [F in keyof (typeof TEMPLATE_FIELDS)[K]]: string };
export type Templates = { [K in TemplateKind]: TemplateSet<K> } & { byCadence: Record<string, Record<string, string>> };

const fileSchema = z.record(z.string(), z.record(z.string(), z.string()));

/** Reads and checks the templates file; `cadenceJobs` maps extra cadence keys to the job whose fields they fill. */
export function parseTemplates(text: string, where: string, cadenceJobs: ReadonlyMap<string, string> = new Map(), overrides: TemplateOverrides = {}): Templates {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError('CADENCE_INVALID', `消息模板文件 ${where} 不是合法的 JSON：${(e as Error).message}`, '用 JSON 校验工具检查括号与引号', { cause: e });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new InputError('CADENCE_INVALID', `消息模板文件 ${where} 格式不对：应为 {"类别": {"字段": "文本"}}`, undefined);
  const data = { ...parsed.data };
  for (const [name, fields] of Object.entries(overrides)) data[name] = { ...(data[name] ?? {}), ...fields };
  const out: Record<string, Record<string, string>> = { byCadence: {} };
  for (const [kind, fields] of Object.entries(TEMPLATE_FIELDS)) {
    const entry = data[kind];
    if (!entry) throw new InputError('CADENCE_INVALID', `消息模板文件 ${where} 缺少“${kind}”一组模板`, `应包含字段：${Object.keys(fields).join('、')}`);
    out[kind] = checkEntry(kind, entry, fields, where, true);
  }
  const byCadence: Record<string, Record<string, string>> = {};
  for (const [key, entry] of Object.entries(data)) {
    if (key in TEMPLATE_FIELDS) continue;
    const job = cadenceJobs.get(key);
    if (!job || !(job in TEMPLATE_FIELDS)) continue; // a template for a cadence not configured is harmless
    byCadence[key] = checkEntry(key, entry, TEMPLATE_FIELDS[job as TemplateKind], where, false);
  }
  return { ...(out as unknown as Templates), byCadence };
}

function checkEntry(
  name: string,
  entry: Record<string, string>,
  fields: Record<string, readonly string[]>,
  where: string,
  complete: boolean,
): Record<string, string> {
  for (const [field, allowed] of Object.entries(fields)) {
    const t = entry[field];
    if (t === undefined) {
      if (complete) throw new InputError('CADENCE_INVALID', `消息模板文件 ${where}：“${name}”缺少字段“${field}”`, `可用占位符：${allowed.map((a) => `{${a}}`).join(' ')}`);
      continue;
    }
    const bad = unknownPlaceholders(t, allowed);
    if (bad) throw new InputError('CADENCE_INVALID', `消息模板文件 ${where}：“${name}.${field}”${bad.message}`, bad.hint);
  }
  return entry;
}

/**
 * The one check of a template text against the placeholders its field may use (the file at load, the
 * console's editor as one types): null when every placeholder is known.
 */
export function unknownPlaceholders(text: string, allowed: readonly string[]): { names: string[]; message: string; hint: string } | null {
  const names = placeholdersOf(text).filter((p) => !allowed.includes(p));
  if (!names.length) return null;
  return { names, message: `使用了未知占位符 ${names.map((b) => `{${b}}`).join(' ')}`, hint: `该字段可用的占位符：${allowed.map((a) => `{${a}}`).join(' ') || '（无）'}` };
}

/** Texts an admin changed in the console, by kind (or cadence key) and field; they win over the file's. */
export type TemplateOverrides = Record<string, Record<string, string>>;

/** The template set for one cadence: its own overrides on top of its job's defaults. */
export function templatesFor<K extends TemplateKind>(t: Templates, kind: K, cadenceKey: string): TemplateSet<K> {
  return { ...t[kind], ...(t.byCadence[cadenceKey] ?? {}) } as TemplateSet<K>;
}

/**
 * Re-reads the file when it changed, so an admin's edit applies at the next slot without restart.
 * `overrides` (the console's edits, from the database) are laid over the file's texts and checked with them.
 */
export function templatesLoader(file: string): (cadenceJobs?: ReadonlyMap<string, string>, overrides?: TemplateOverrides) => Templates {
  let cache: { mtimeMs: number; sig: string; value: Templates } | undefined;
  return (cadenceJobs = new Map(), overrides = {}) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (e) {
      throw new InputError('CADENCE_INVALID', `找不到消息模板文件 ${file}`, '检查配置项 templatesFile（DUBAN_TEMPLATES_FILE）', { cause: e });
    }
    const sig = JSON.stringify([[...cadenceJobs], overrides]);
    if (cache && cache.mtimeMs === stat.mtimeMs && cache.sig === sig) return cache.value;
    const value = parseTemplates(fs.readFileSync(file, 'utf8'), file, cadenceJobs, overrides);
    cache = { mtimeMs: stat.mtimeMs, sig, value };
    return value;
  };
}
