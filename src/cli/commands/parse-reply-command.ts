import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { contextForUnit, tasksFromDatabase, tasksFromPlanJson, type PlanTaskRef } from '../../chat/reply-contexts.ts';
import { loadConfig } from '../../config/load-config.ts';
import { findTaskRefsInReply, interpretReply } from '../../domain/reply/index.ts';
import { InputError } from '../../errors.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { Command } from '../command.ts';

function readTasksFile(file: string): PlanTaskRef[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError('IMPORT_INVALID', `--tasks ${file} 读不出来：${(e as Error).message}`, '应为 duban import --json 输出的 JSON 文件');
  }
  return tasksFromPlanJson(json);
}

/** What a reply says, in the measured fields only. */
function understand(text: string, from: string, tasks: PlanTaskRef[]) {
  const r = interpretReply(text, contextForUnit(tasks, from));
  // With no plan at all there is nothing to check numbers against: report them as written.
  const taskNos = tasks.length ? r.taskNos : findTaskRefsInReply(text);
  return {
    taskNos, percent: r.percent, status: r.status, hasProblem: r.hasProblem, isProgressReport: r.isProgressReport,
    kind: r.kind, action: r.action,
    items: r.items.map((i) => ({ taskNo: i.taskNo, percent: i.percent, status: i.status, hasProblem: i.problems !== null })),
  };
}

/** One input line as {text, from}, or a Chinese error naming what is wrong with it. */
function readLine(line: string, lineNo: number): { text: string; from: string } {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    throw new InputError('IMPORT_INVALID', `第${lineNo}行不是合法的 JSON：${line.length > 40 ? `${line.slice(0, 40)}…` : line}`, '每行应为一个 JSON 对象，如 {"text": "第3项 已完成60%", "from": "区商务局"}');
  }
  const r = row as { text?: unknown; from?: unknown } | null;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new InputError('IMPORT_INVALID', `第${lineNo}行应为 JSON 对象，而不是${Array.isArray(r) ? '数组' : typeof r === 'string' ? '字符串' : '其他值'}`, '如 {"text": "…", "from": "单位名"}');
  if (typeof r.text !== 'string') throw new InputError('IMPORT_INVALID', `第${lineNo}行缺少字符串字段 text`, '如 {"text": "…", "from": "单位名"}');
  return { text: r.text, from: typeof r.from === 'string' ? r.from : '' };
}

export const parseReplyCommand: Command = {
  name: 'parse-reply',
  summary: '测量回复理解：逐行读取 {"text","from"}，输出识别出的任务编号、进度、状态、问题、逐项结果与处理方式',
  usage:
    'duban parse-reply --jsonl [--tasks 方案.json] [输入.jsonl]\n  从标准输入（或文件）逐行读取 {"text": "…", "from": "单位名"}，每行输出一条 JSON：\n  taskNos percent status hasProblem isProgressReport kind action items[{taskNo,percent,status,hasProblem}]\n  action：record 记录 / ask 追问一次 / forward 转督办室 / ignore 不处理\n  --tasks  duban import --json 输出的文件，作为任务上下文；不给则用数据库中的任务',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { jsonl: { type: 'boolean' }, tasks: { type: 'string' } } });
    if (!values.jsonl) throw new InputError('IMPORT_INVALID', '目前只支持逐行 JSON 输入，请加 --jsonl', `用法：${this.usage.split('\n')[0]}`);
    let tasks: PlanTaskRef[];
    if (values.tasks) tasks = readTasksFile(values.tasks);
    else {
      const db = await openDatabase(loadConfig({ env: io.env }));
      try {
        tasks = await tasksFromDatabase(db.prisma);
      } finally {
        await db.close();
      }
    }
    const input = positionals[0] ? fs.createReadStream(positionals[0]) : (io.stdin ?? process.stdin);
    let lineNo = 0;
    let bad = 0;
    for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      if (!line.trim()) continue;
      let out: object;
      try {
        const row = readLine(line, lineNo);
        out = understand(row.text, row.from, tasks);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        bad++;
        io.stderr.write(`${e.message}\n`);
        out = { taskNos: [], percent: null, status: null, hasProblem: false, isProgressReport: false, kind: 'other', action: 'ignore', items: [], error: e.message };
      }
      io.stdout.write(`${JSON.stringify(out)}\n`);
    }
    return bad ? 1 : 0;
  },
};
