import fs from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { UNIT_KINDS, type UnitDirectory } from '../domain/plan/unit-directory.ts';

const schema = z.object({
  units: z.array(
    z.object({
      name: z.string().trim().min(1),
      aliases: z.array(z.string().trim().min(1)).default([]),
      kind: z.enum(UNIT_KINDS),
    }),
  ),
});

/** Reads the unit directory (config/units.json unless DUBAN_UNITS_FILE says otherwise). */
export function loadUnitDirectory(file: string): UnitDirectory {
  // A mistyped path would otherwise leave every unit unresolved, with warnings that blame the names.
  if (!fs.existsSync(file)) throw new InputError('NOT_FOUND', `找不到单位目录文件 ${file}`, '检查 DUBAN_UNITS_FILE（默认 config/units.json）；文件格式见 config/units.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError('IMPORT_INVALID', `单位目录 ${file} 不是有效的 JSON：${(e as Error).message}`, '用 JSON 校验工具检查该文件', { cause: e });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(
      'IMPORT_INVALID',
      `单位目录 ${file} 第 ${issue.path.join('.')} 项不正确：${issue.message}`,
      `每个单位需要 name、aliases（数组）和 kind（${UNIT_KINDS.join('|')}）`,
    );
  }
  const seen = new Map<string, string>();
  for (const u of parsed.data.units) {
    for (const n of [u.name, ...u.aliases]) {
      const other = seen.get(n);
      if (other && other !== u.name) {
        throw new InputError('IMPORT_INVALID', `单位目录 ${file} 中“${n}”同时属于“${other}”和“${u.name}”`, '一个名称只能指向一个单位');
      }
      seen.set(n, u.name);
    }
  }
  return parsed.data;
}

/**
 * Several directories read as one (one per district whose plans are loaded together): the first to
 * name a unit wins, and an alias two directories claim stays with the first. An entry whose name is
 * an earlier entry's name or alias, or whose aliases include an earlier entry's name, is that same
 * unit under another name (one directory may call 青云谱公安分局 what another calls
 * 南昌市公安局青云谱分局): its names join the first entry as aliases, never a second unit.
 */
export function loadUnitDirectories(files: readonly string[]): UnitDirectory {
  const units: Array<UnitDirectory['units'][number]> = [];
  /** Every name and alias taken → the merged unit it stands for. */
  const owner = new Map<string, UnitDirectory['units'][number]>();
  for (const d of files.map(loadUnitDirectory)) {
    for (const u of d.units) {
      // An alias shared with an earlier entry does not make them one unit (two districts may both say 区税务局); a name does.
      const aliasNamingEarlier = u.aliases.find((a) => owner.get(a)?.name === a);
      const same = owner.get(u.name) ?? (aliasNamingEarlier === undefined ? undefined : owner.get(aliasNamingEarlier));
      if (same) {
        for (const n of [u.name, ...u.aliases]) {
          if (owner.has(n)) continue;
          same.aliases.push(n);
          owner.set(n, same);
        }
        continue;
      }
      const merged = { ...u, aliases: u.aliases.filter((a) => !owner.has(a)) };
      units.push(merged);
      for (const n of [merged.name, ...merged.aliases]) owner.set(n, merged);
    }
  }
  return { units };
}
