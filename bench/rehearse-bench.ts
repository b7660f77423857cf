// `duban rehearse` of a month on the demo plan (56 tasks, 青云谱区 directory, default 通讯录, a scripted
// month of replies, 销号 and 复核), side by side with `simulate` over the same month (the engine
// alone, no replies) in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { simulateCommand } from '../src/cli/commands/simulate-command.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { addDays } from '../src/domain/calendar/shanghai-time.ts';
import { loadUnitDirectory } from '../src/import/load-unit-directory.ts';
import { readScript } from '../src/rehearse/read-script.ts';
import { runRehearsal } from '../src/rehearse/run-rehearsal.ts';

const FROM = '2026-05-04';
const DAYS = 28;
const UNITS: Array<[string, string[]]> = [
  ['区商务局', ['3', '5', '6', '7']],
  ['区住房和城乡建设局', ['30', '31', '32']],
  ['区发展和改革委员会', ['2', '9', '25']],
  ['区科学技术和工业信息化局', ['1', '21', '22']],
  ['洪都街道', ['1', '17']],
];

function script(): string {
  const lines: object[] = [];
  for (let week = 0; week < 4; week++) {
    const day = addDays(FROM, week * 7 + 1);
    UNITS.forEach(([unit, nos], i) => {
      const no = nos[week % nos.length]!;
      lines.push({ at: `${day}T${String(10 + i).padStart(2, '0')}:05`, group: `${unit}督办群`, from: `${unit}联络员`, text: `第${no}项 已完成${20 + week * 20}%，正在推进` });
      if (week === 1) lines.push({ at: `${day}T${String(10 + i).padStart(2, '0')}:30`, group: `${unit}督办群`, from: `${unit}联络员`, text: '收到' });
    });
    if (week === 2) {
      lines.push({ at: `${day}T16:00`, group: '区商务局督办群', from: '区商务局联络员', text: '申请销号 第3项 已全部完成' });
      lines.push({ at: `${day}T17:00`, group: '督办室群', from: '督办室管理员', text: '复核 第3项' });
    }
  }
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-rehearse-bench-'));
const file = path.join(dir, 'script.jsonl');
fs.writeFileSync(file, script());
const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
const directory = loadUnitDirectory('demo/units.json');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const rehearse: number[] = [];
const simulate: number[] = [];
let out = { messages: 0, inbound: 0 };
for (let i = 0; i < rounds; i++) {
  // Interleaved, so both see the same machine.
  let t = performance.now();
  const r = await runRehearsal({ config, plans: ['demo/plan.json'], directory, script: readScript(file), from: FROM, days: DAYS });
  rehearse.push(performance.now() - t);
  out = { messages: r.messages.length, inbound: r.inbound.length };
  t = performance.now();
  const sink = new PassThrough();
  sink.resume();
  await simulateCommand.run(['--from', FROM, '--days', String(DAYS), '--json'], { stdout: sink, stderr: sink, env: { LOG_LEVEL: 'silent', DUBAN_DATA_DIR: dir } });
  simulate.push(performance.now() - t);
}
const med = (l: number[]) => l.sort((a, b) => a - b)[Math.floor(l.length / 2)]! / 1000;
console.log(`rehearse: demo plan, ${DAYS} days from ${FROM}, ${out.inbound} scripted messages → ${out.messages} bot messages: median ${med(rehearse).toFixed(1)} s over ${rounds} rounds (min ${(Math.min(...rehearse) / 1000).toFixed(1)} s)`);
console.log(`baseline in the same run — simulate (engine only, same plan and month, no replies): median ${med(simulate).toFixed(1)} s`);
fs.rmSync(dir, { recursive: true, force: true });
