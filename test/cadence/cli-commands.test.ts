import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cadenceCommand } from '../../src/cli/commands/cadence-command.ts';
import { simulateCommand } from '../../src/cli/commands/simulate-command.ts';

function io(env: NodeJS.ProcessEnv = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  return { io: { stdout: out, stderr: err, env: { ...env, LOG_LEVEL: 'silent' } }, out: () => stdout, err: () => stderr };
}

describe('duban simulate', () => {
  it('runs the real engine on the demo data over 劳动节 and prints every dispatch as JSON', async () => {
    const t = io({ DUBAN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'duban-sim-')) });
    expect(await simulateCommand.run(['--from', '2026-04-27', '--days', '14', '--json'], t.io)).toBe(0);
    const list = JSON.parse(t.out()) as { localTime: string; cadence: string; target: { kind: string; ref: string }; mentions: string[]; text: string }[];
    const reminders = list.filter((d) => d.cadence === 'weekly_reminder');
    expect(new Set(reminders.map((d) => d.localTime))).toEqual(new Set(['2026-04-27 09:00', '2026-05-06 09:00']));
    const inGroup = reminders.find((d) => d.target.kind === 'group' && d.mentions.length > 0)!;
    expect(inGroup.text).toMatch(/^【周调度提醒】.+：请于4月30日（周四）17:00前报送以下 \d+ 项任务的本周进展。\n《政府工作报告》第\d+项 /);
    expect(inGroup.text).toContain('回复格式：第3项 60% 进展… 问题…');
    for (const d of list) expect(d.localTime.slice(0, 10) < '2026-05-01' || d.localTime.slice(0, 10) > '2026-05-05').toBe(true);
    expect(list.filter((d) => d.cadence === 'monthly_bulletin').length).toBeGreaterThan(0);
    for (const d of list) expect(d.text.length).toBeLessThanOrEqual(2000);
  });

  it('refuses a bad date with a clear message', async () => {
    await expect(simulateCommand.run(['--from', '2026-13-01'], io().io)).rejects.toThrow('--from 应为 YYYY-MM-DD');
  });
});

describe('duban cadence', () => {
  it('lists cadences, changes one, and refuses a bad one', async () => {
    const env = { DUBAN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cad-')) };
    const list = io(env);
    expect(await cadenceCommand.run(['list'], list.io)).toBe(0);
    expect(list.out()).toContain('✓ weekly_reminder（周调度提醒）每周一 09:00，遇节假日顺延｜截止：周四 17:00');
    expect(list.out()).toContain('consult_agenda（旬会商）每月1、11、21日 09:00');
    const bad = io(env);
    await expect(cadenceCommand.run(['set', 'weekly_reminder', 'time=9:60'], bad.io)).rejects.toThrow('时间 应为 HH:mm');
    const ok = io(env);
    expect(await cadenceCommand.run(['set', 'weekly_digest', 'weekday=4', 'time=15:30', 'enabled=false'], ok.io)).toBe(0);
    expect(ok.out()).toContain('weekly_digest（周汇总）每周四 15:30');
    const again = io(env);
    await cadenceCommand.run(['list'], again.io);
    expect(again.out()).toContain('✗ weekly_digest（周汇总）每周四 15:30');
    expect(again.out()).toContain('最后修改：cli');
  });
});
