import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPeopleFile } from '../../src/import/read-people-file.ts';
import { savePeople } from '../../src/import/save-people.ts';
import type { Database } from '../../src/store/open-database.ts';
import { createPrismaWorkStore } from '../../src/store/prisma-work-store.ts';
import { openTestDatabase } from '../helpers/databases.ts';

/**
 * A 通讯录 may call a unit's overseeing leader 挂点领导 (as plans like 002 do): read as 分管领导, so
 * the unit's tasks reach that leader's digest and questions like any 分管领导's.
 */
describe('挂点领导 in the 通讯录', () => {
  let db: Database;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-people-leaders-'));
  const file = path.join(dir, 'people.csv');
  let zjj: number;
  let taskId: number;

  beforeAll(async () => {
    fs.writeFileSync(file, ['单位,姓名,角色,账号,手机,群', '区住建局,饶雪宇,挂点领导,wxid_rao,,', '区商务局,李娜,联络员,wxid_lina,,'].join('\n'));
    db = await openTestDatabase('pglite');
    const p = db.prisma;
    zjj = (await p.unit.create({ data: { name: '区住建局', kind: 'department', aliases: ['住建局'] } })).id;
    const swj = (await p.unit.create({ data: { name: '区商务局', kind: 'department', aliases: [] } })).id;
    const plan = await p.plan.create({ data: { sourceDocument: 'p.docx', title: '城市更新方案' } });
    const task = async (no: string, unitId: number) => {
      const t = await p.task.create({ data: { planId: plan.id, no, seq: Number(no), title: `任务${no}`, text: `第${no}项` } });
      await p.assignment.create({ data: { taskId: t.id, unitId, role: 'responsible' } });
      return t.id;
    };
    taskId = await task('1', zjj);
    await task('2', swj);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is read as 分管领导 of the row’s unit', async () => {
    const rows = await readPeopleFile(file);
    expect(rows.map((r) => [r.name, r.role, r.unit])).toEqual([['饶雪宇', '分管领导', '区住建局'], ['李娜', '联络员', '区商务局']]);
  });

  it('oversees the unit once saved: its tasks, and only those, are the leader’s', async () => {
    await savePeople(db.prisma, await readPeopleFile(file), 'test');
    const rao = await db.prisma.person.findFirstOrThrow({ where: { name: '饶雪宇' } });
    expect(rao).toMatchObject({ kind: 'leader', role: '分管领导', chatId: 'wxid_rao' });
    expect(await db.prisma.oversight.findMany({ where: { personId: rao.id }, select: { unitId: true, role: true } })).toEqual([{ unitId: zjj, role: '分管领导' }]);
    expect((await createPrismaWorkStore(db.prisma).leaderTasks(rao.id)).map((t) => t.taskId)).toEqual([taskId]);
  });

  it('looks through units whose aliases were never written (NULL: the column has no default)', async () => {
    await db.prisma.$executeRawUnsafe(`UPDATE "Unit" SET aliases = NULL WHERE name = '区商务局'`);
    const other = path.join(dir, 'people-unknown-unit.csv');
    fs.writeFileSync(other, ['单位,姓名,角色,账号,手机,群', '区不存在局,赵六,联络员,wxid_zhao,,'].join('\n'));
    // An unknown unit is checked against every unit's aliases: a clear refusal of the row, not a TypeError.
    const err = await savePeople(db.prisma, await readPeopleFile(other), 'test').then(() => null, (e: unknown) => e as Error);
    expect(err?.message ?? '').not.toMatch(/Cannot read properties/);
    expect(await db.prisma.person.count({ where: { name: '赵六' } })).toBe(0);
  });
});
