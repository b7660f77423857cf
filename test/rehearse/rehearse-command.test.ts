import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rehearseCommand } from '../../src/cli/commands/rehearse-command.ts';

function io() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  out.on('data', (c) => (stdout += c));
  return { io: { stdout: out, stderr: err, env: { LOG_LEVEL: 'silent' } }, out: () => stdout };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-rehearse-cli-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

describe('duban rehearse (the contract in README)', () => {
  it('prints one JSON object: messages, tasks with assignments, warnings — with a 通讯录 of the office’s own', async () => {
    const people = file('people.csv', [
      '单位,姓名,角色,账号,手机,群',
      '区商务局,李娜,联络员,wxid_lina,13800000000,商务局工作群',
      '区商务局,周强,B角,wxid_zhou,,商务局工作群',
      ',王敏,管理员,wxid_wang,,督办室',
      ',杨峰,牵头领导,wxid_yang,,',
    ].join('\n'));
    const script = file('script.jsonl', [
      '{"at":"2026-05-11T10:05","group":"商务局工作群","from":"李娜","text":"第3项 完成60%"}',
      '{"at":"2026-05-11T10:06","group":"不存在的群","from":"李娜","text":"第5项 完成10%"}',
      '{"at":"2026-05-11T11:00","from":"杨峰","text":"本周汇总"}',
    ].join('\n'));
    const t = io();
    expect(await rehearseCommand.run(['--plan', 'demo/plan.json', '--units', 'demo/units.json', '--people', people, '--script', script, '--from', '2026-05-11', '--days', '2', '--json'], t.io)).toBe(0);
    const r = JSON.parse(t.out()) as { messages: { at: string; to: string; text: string }[]; tasks: { ref: string; plan: string; no: string; state: string; assignments: { unit: string; role: string; state: string; percent: number | null; lastReportedAt: string | null }[] }[]; warnings: string[] };
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['messages', 'tasks', 'warnings']));
    const reminder = r.messages.find((m) => m.to === '商务局工作群' && m.at === '2026-05-11T09:00')!;
    expect(reminder.text).toContain('【周调度提醒】区商务局');
    expect(r.messages.find((m) => m.at === '2026-05-11T10:05')).toMatchObject({ to: '商务局工作群' });
    expect(r.messages.some((m) => m.to === '私聊:杨峰')).toBe(true);
    const t3 = r.tasks.find((x) => x.ref === '《政府工作报告》第3项')!;
    expect(t3).toMatchObject({ plan: '政府工作报告', no: '3', state: 'in_progress' });
    expect(t3.assignments.find((a) => a.unit === '区商务局')).toEqual({ unit: '区商务局', role: 'responsible', state: 'in_progress', percent: 60, lastReportedAt: '2026-05-11T10:05' });
    expect(r.warnings).toContain('脚本第 2 行：群“不存在的群”没有登记，机器人不在该群，消息未送达');
  }, 120_000);

  it('refuses a bad script line, naming the line and the field', async () => {
    const script = file('bad.jsonl', '{"at":"2026-05-11T10:05","from":"李娜","text":"收到"}\n{"at":"11号上午","from":"李娜","text":"收到"}\n');
    await expect(rehearseCommand.run(['--plan', 'demo/plan.json', '--script', script, '--from', '2026-05-11', '--days', '1'], io().io)).rejects.toThrow('演练脚本 ' + script + ' 第 2 行字段“at”不正确');
  });

  it('refuses a 通讯录 row with an unknown role, naming the row and column', async () => {
    const people = file('bad-people.csv', '单位,姓名,角色,账号\n区商务局,李娜,科长,wxid_lina\n');
    const script = file('ok.jsonl', '{"at":"2026-05-11T10:05","from":"李娜","text":"收到"}\n');
    await expect(rehearseCommand.run(['--plan', 'demo/plan.json', '--units', 'demo/units.json', '--people', people, '--script', script, '--from', '2026-05-11', '--days', '1'], io().io)).rejects.toThrow('第2行C列“角色”：角色“科长”不认识');
  }, 60_000);
});
