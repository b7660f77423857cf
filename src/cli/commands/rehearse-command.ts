import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.ts';
import { isLocalDate } from '../../domain/calendar/shanghai-time.ts';
import { ASSIGNMENT_STATE_LABEL, TASK_STATE_LABEL } from '../../domain/work/index.ts';
import { InputError } from '../../errors.ts';
import { loadUnitDirectories } from '../../import/load-unit-directory.ts';
import { readScript } from '../../rehearse/read-script.ts';
import { runRehearsal, type RehearsalResult } from '../../rehearse/run-rehearsal.ts';
import type { Command } from '../command.ts';

const USAGE = 'duban rehearse --plan FILE [--plan FILE…] [--people FILE] [--units FILE…] --script FILE.jsonl --from YYYY-MM-DD --days N [--json]';

export const rehearseCommand: Command = {
  name: 'rehearse',
  summary: '演练：用真实的机器人、模拟群和虚拟时钟，在临时数据库里把本单位的方案、通讯录和一段回复脚本跑一遍，打印全部对话和台账',
  usage: USAGE,
  async run(argv, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          plan: { type: 'string', multiple: true },
          people: { type: 'string' },
          units: { type: 'string', multiple: true },
          script: { type: 'string' },
          from: { type: 'string' },
          days: { type: 'string' },
          json: { type: 'boolean', default: false },
        },
        strict: true,
      }));
    } catch (e) {
      throw new InputError('IMPORT_INVALID', `参数不正确：${(e as Error).message}`, `用法：${USAGE}`);
    }
    if (!values.plan?.length) throw new InputError('IMPORT_INVALID', '缺少 --plan（方案文件，可写多个）', `用法：${USAGE}`);
    if (!values.script) throw new InputError('IMPORT_INVALID', '缺少 --script（回复脚本 .jsonl）', `用法：${USAGE}`);
    if (!values.from || !isLocalDate(values.from)) throw new InputError('IMPORT_INVALID', `--from 应为 YYYY-MM-DD 格式的日期，收到“${values.from ?? ''}”`, `用法：${USAGE}`);
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 400) throw new InputError('IMPORT_INVALID', `--days 应为 1 到 400 之间的整数，收到“${values.days ?? ''}”`, `用法：${USAGE}`);
    const config = loadConfig({ env: io.env });
    const directory = loadUnitDirectories(values.units?.length ? values.units : [config.unitsFile]);
    const result = await runRehearsal({ config, plans: values.plan, directory, peopleFile: values.people, script: readScript(values.script), from: values.from, days });
    io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : printRehearsal(result));
    return 0;
  },
};

const STATE: Record<string, string> = { ...TASK_STATE_LABEL, ...ASSIGNMENT_STATE_LABEL };
const ROLE: Record<string, string> = { lead: '牵头', responsible: '责任', participating: '参加' };

/** The conversation in time order (the bot's messages and what people said), then the ledger. */
export function printRehearsal(r: RehearsalResult): string {
  const lines: string[] = [];
  const said = [
    ...r.messages.map((m) => ({ at: m.at, order: 1, text: `${m.at.replace('T', ' ')}  督办助手 → ${m.to}${m.mentions.length ? ` ${m.mentions.map((n) => `@${n}`).join(' ')}` : ''}\n${indent(m.text)}` })),
    ...r.inbound.map((m) => ({ at: m.at, order: 0, text: `${m.at.replace('T', ' ')}  ${m.from} → ${m.group ?? '私聊督办助手'}：${m.text}${m.note ? `（${m.note}）` : ''}` })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  lines.push(`对话（机器人发出 ${r.messages.length} 条，收到 ${r.inbound.length} 条）`, ...said.map((s) => s.text), '', '台账');
  for (const t of r.tasks) {
    lines.push(`${t.ref}：${STATE[t.state] ?? t.state}`);
    for (const a of t.assignments) lines.push(`    ${ROLE[a.role] ?? a.role} ${a.unit}：${STATE[a.state] ?? a.state}${a.percent !== null ? ` ${a.percent}%` : ''}${a.lastReportedAt ? `，最近报送 ${a.lastReportedAt.replace('T', ' ')}` : '，未报送'}`);
  }
  if (r.warnings.length) lines.push('', `提示（${r.warnings.length}）`, ...r.warnings.map((w) => `- ${w}`));
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}
