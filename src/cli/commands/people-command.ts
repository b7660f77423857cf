import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.ts';
import { InputError } from '../../errors.ts';
import { exportPeople } from '../../import/export-people.ts';
import { readPeopleFile } from '../../import/read-people-file.ts';
import { diffPeople, savePeople, type PeopleChange } from '../../import/save-people.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { Command } from '../command.ts';

const ACTION = { create: '新增', update: '更新', same: '不变' } as const;

/** One line of the dry run: 第3行 新增 区商务局 王科长（联络员）账号：… */
export function formatPeopleChange(c: PeopleChange): string {
  const detail = [...c.fields, ...c.binds.map((g) => `绑定群：${g}`)].join('；');
  return `${c.where} ${ACTION[c.action]} ${c.unit ? `${c.unit} ` : ''}${c.name}（${c.role}）${detail ? `  ${detail}` : ''}`;
}

export const peopleCommand: Command = {
  name: 'people',
  summary: '通讯录：导入（先试运行查看变化）或导出 .xlsx/.csv，列：单位、姓名、角色、账号、手机、群',
  usage: 'duban people import <文件> [--dry-run] | duban people export <文件.xlsx|.csv>',
  async run(argv, io) {
    let args;
    try {
      args = parseArgs({ args: argv, allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } });
    } catch (e) {
      throw new InputError('IMPORT_INVALID', `参数不正确：${(e as Error).message}`, `用法：${peopleCommand.usage}`);
    }
    const [sub, file] = args.positionals;
    if ((sub !== 'import' && sub !== 'export') || !file) throw new InputError('IMPORT_INVALID', '请指定 import 或 export 以及文件', `用法：${peopleCommand.usage}`);
    // Read and check the whole file before the database opens: a bad row fails at once.
    const rows = sub === 'import' ? await readPeopleFile(file) : [];
    const config = loadConfig({ env: io.env });
    const db = await openDatabase(config);
    try {
      if (sub === 'export') {
        const r = await exportPeople(db.prisma, file);
        io.stdout.write(`已导出通讯录：${r.file}（${r.people} 人）\n`);
        return 0;
      }
      const { changes, errors } = await diffPeople(db.prisma, rows);
      if (errors.length) {
        io.stderr.write(`通讯录有${errors.length}处错误，未导入任何一行：\n${errors.map((e) => `  · ${e}`).join('\n')}\n`);
        return 1;
      }
      const count = (a: PeopleChange['action']) => changes.filter((c) => c.action === a).length;
      const shown = changes.filter((c) => c.action !== 'same');
      io.stdout.write(`${shown.map(formatPeopleChange).join('\n')}${shown.length ? '\n' : ''}共${changes.length}行：新增${count('create')}人，更新${count('update')}人，不变${count('same')}人\n`);
      if (args.values['dry-run']) {
        io.stdout.write('试运行（--dry-run）：未写入数据库\n');
        return 0;
      }
      const r = await savePeople(db.prisma, rows, 'cli');
      io.stdout.write(`已写入通讯录：新增${r.created}人，更新${r.updated}人，${r.groups}个群绑定已核对\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
