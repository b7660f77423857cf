import fs from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.ts';

const personSchema = z.object({ name: z.string().min(1), chatId: z.string().regex(/^[^@]+$/, '联系人 chatId 不能含 @'), title: z.string().optional() });

export const demoPeopleSchema = z.object({
  admins: z.array(personSchema),
  leaders: z.array(personSchema),
  contacts: z.array(personSchema.extend({ unit: z.string().min(1), backup: z.string().optional() })),
  groups: z.array(z.object({ topic: z.string().min(1), units: z.array(z.string()), allUnits: z.boolean().optional(), office: z.boolean().optional() })),
});

export type DemoPeople = z.infer<typeof demoPeopleSchema>;

export function readDemoPeople(file: string): DemoPeople {
  const parsed = demoPeopleSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new InputError('IMPORT_INVALID', `演示人员文件 ${file} 的 ${i.path.join('.')} 无效：${i.message}`);
  }
  return parsed.data;
}
