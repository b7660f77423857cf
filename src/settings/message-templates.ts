import fs from 'node:fs';
import { writeAudit } from '../chat/write-audit.ts';
import { InputError } from '../errors.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { parseTemplates, TEMPLATE_FIELDS, unknownPlaceholders, type TemplateKind, type TemplateOverrides, type Templates } from '../messages/load-templates.ts';

/**
 * Setting key of the message texts an admin changed in the console. They live in the database, not
 * in config/templates.json, so every process (bot and workers) reads the same texts at its next slot,
 * the file stays the office's defaults, and each change is audited with who made it.
 */
export const TEMPLATE_OVERRIDES = 'templates.overrides';

export async function loadTemplateOverrides(prisma: Pick<PrismaClient, 'setting'>): Promise<TemplateOverrides> {
  const row = await prisma.setting.findUnique({ where: { key: TEMPLATE_OVERRIDES } });
  return row?.value && typeof row.value === 'object' && !Array.isArray(row.value) ? (row.value as TemplateOverrides) : {};
}

/** The templates as the engine will use them: the file's texts with the console's edits laid over. */
export async function currentTemplates(
  prisma: Pick<PrismaClient, 'setting'>,
  file: string,
): Promise<{ templates: Templates; overrides: TemplateOverrides; file: Templates; cadenceOwn: string[] }> {
  const text = fs.readFileSync(file, 'utf8');
  const overrides = await loadTemplateOverrides(prisma);
  const fromFile = parseTemplates(text, file);
  // Entries of the file named by a cadence key: that cadence's own texts, laid over its kind's.
  const cadenceOwn = Object.keys(JSON.parse(text) as object).filter((k) => !(k in TEMPLATE_FIELDS));
  return { templates: parseTemplates(text, file, new Map(), overrides), overrides, file: fromFile, cadenceOwn };
}

/**
 * Changes the texts of one kind of message, field by field: a text equal to the file's gives the field
 * back to the file, `null` too. Every text is checked by the same rule as the file at load (an unknown
 * placeholder is refused, naming the field's allowed ones) before anything is stored; one audit line
 * per changed field, as `actor`. Returns the fields changed.
 */
export async function saveTemplateTexts(
  prisma: PrismaClient,
  o: { file: string; kind: string; texts: Record<string, string | null>; actor: string; now: Date },
): Promise<string[]> {
  const fields = (TEMPLATE_FIELDS as Record<string, Record<string, readonly string[]>>)[o.kind];
  if (!fields) throw new InputError('CADENCE_INVALID', `没有名为“${o.kind}”的消息模板`, `可修改的模板：${Object.keys(TEMPLATE_FIELDS).join('、')}`);
  for (const [field, text] of Object.entries(o.texts)) {
    const allowed = fields[field];
    if (!allowed) throw new InputError('CADENCE_INVALID', `消息模板“${o.kind}”没有字段“${field}”`, `字段：${Object.keys(fields).join('、')}`);
    if (text === null) continue;
    if (!text.trim() && field !== 'footer') throw new InputError('CADENCE_INVALID', `“${o.kind}.${field}”不能为空`, '如需恢复默认，请点“恢复配置文件中的文本”');
    if (text.length > 1000) throw new InputError('CADENCE_INVALID', `“${o.kind}.${field}”太长（${text.length} 字，最多 1000 字）`);
    const bad = unknownPlaceholders(text, allowed);
    if (bad) throw new InputError('CADENCE_INVALID', `“${o.kind}.${field}”${bad.message}`, bad.hint);
  }
  const fileText = fs.readFileSync(o.file, 'utf8');
  const fromFile = parseTemplates(fileText, o.file)[o.kind as TemplateKind] as Record<string, string>;
  return prisma.$transaction(async (tx) => {
    const row = await tx.setting.findUnique({ where: { key: TEMPLATE_OVERRIDES } });
    const all: TemplateOverrides = row?.value && typeof row.value === 'object' && !Array.isArray(row.value) ? structuredClone(row.value as TemplateOverrides) : {};
    const mine = { ...(all[o.kind] ?? {}) };
    const changed: { field: string; before: string; after: string }[] = [];
    for (const [field, text] of Object.entries(o.texts)) {
      const before = mine[field] ?? fromFile[field]!;
      const after = text ?? fromFile[field]!;
      if (after === fromFile[field]) delete mine[field];
      else mine[field] = after;
      if (after !== before) changed.push({ field, before, after });
    }
    if (Object.keys(mine).length) all[o.kind] = mine;
    else delete all[o.kind];
    // The whole set must still load: what the engine reads at the next slot is what was checked here.
    parseTemplates(fileText, o.file, new Map(), all);
    if (!changed.length) return [];
    const value = all as unknown as Prisma.InputJsonValue;
    await tx.setting.upsert({ where: { key: TEMPLATE_OVERRIDES }, create: { key: TEMPLATE_OVERRIDES, value, updatedBy: o.actor }, update: { value, updatedBy: o.actor } });
    for (const c of changed) {
      await writeAudit(tx, { at: o.now, actor: o.actor, action: 'template.update', entity: 'Setting', entityId: `${TEMPLATE_OVERRIDES}:${o.kind}.${c.field}`, before: c.before, after: c.after });
    }
    return changed.map((c) => c.field);
  });
}

export type { TemplateKind };
