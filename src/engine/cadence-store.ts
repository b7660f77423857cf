import fs from 'node:fs';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { cadenceFileSchema, cadenceSpecSchema, parseCadence, type CadenceSpec } from '../domain/cadence/index.ts';
import { InputError } from '../errors.ts';
import type { Logger } from '../log/create-logger.ts';

export interface StoredCadence {
  spec: CadenceSpec;
  /** Slots before this moment belong to an earlier version of the cadence (or to before it existed). */
  effectiveFrom: Date;
  updatedBy: string | null;
}

/** Reads config/cadences.json, checking every cadence and the references between them. */
export function readCadenceFile(file: string): CadenceSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError('CADENCE_INVALID', `无法读取调度配置文件 ${file}：${(e as Error).message}`, '检查配置项 cadenceFile（DUBAN_CADENCE_FILE）与 JSON 格式', { cause: e });
  }
  const list = (raw as { cadences?: unknown }).cadences;
  if (!Array.isArray(list)) throw new InputError('CADENCE_INVALID', `调度配置文件 ${file} 应为 {"cadences": [...]}`);
  const specs = list.map((c, i) => parseCadence(c, { where: `${file} 第 ${i + 1} 个调度` }));
  const byKey = new Map(specs.map((s) => [s.key, s]));
  if (byKey.size !== specs.length) throw new InputError('CADENCE_INVALID', `调度配置文件 ${file} 中有重复的调度标识`);
  specs.forEach((s, i) => parseCadence(s, { where: `${file} 第 ${i + 1} 个调度`, knownCadences: byKey }));
  return cadenceFileSchema.parse({ cadences: specs }).cadences;
}

/** Puts the file's cadences into the Schedule table once; later admin edits live in the table. */
export async function seedCadences(prisma: PrismaClient, specs: CadenceSpec[], now: Date): Promise<number> {
  const { count } = await prisma.schedule.createMany({
    data: specs.map((s) => ({ key: s.key, kind: s.job, enabled: s.enabled, spec: toJson(s, now), updatedBy: 'config' })),
    skipDuplicates: true,
  });
  return count;
}

/** The cadences as they are now, read fresh so an admin's change applies at the next slot. */
export async function loadCadences(prisma: PrismaClient, logger?: Logger): Promise<StoredCadence[]> {
  const rows = await prisma.schedule.findMany({ orderBy: { id: 'asc' } });
  const out: StoredCadence[] = [];
  for (const row of rows) {
    const parsed = cadenceSpecSchema.safeParse(row.spec);
    if (!parsed.success) {
      logger?.error({ key: row.key, issues: parsed.error.issues }, 'stored cadence is invalid; skipped');
      continue;
    }
    const from = (row.spec as { effectiveFrom?: string }).effectiveFrom;
    out.push({ spec: { ...parsed.data, enabled: row.enabled }, effectiveFrom: from ? new Date(from) : row.createdAt, updatedBy: row.updatedBy });
  }
  return out;
}

export function toJson(spec: CadenceSpec, effectiveFrom: Date): Prisma.InputJsonValue {
  return { ...spec, effectiveFrom: effectiveFrom.toISOString() } as unknown as Prisma.InputJsonValue;
}
