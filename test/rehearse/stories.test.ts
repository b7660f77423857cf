import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { loadUnitDirectories } from '../../src/import/load-unit-directory.ts';
import { readScript } from '../../src/rehearse/read-script.ts';
import { runRehearsal, type RehearsalResult } from '../../src/rehearse/run-rehearsal.ts';

const SEED_002 = '../shared/seeds/002_a944769c8b8073fd.txt';
const SEED_003 = '../shared/seeds/003_4dfd9a9cc1e4fe81.txt';

// Two plans side by side (东湖区 002 and 青云谱区 003), as an office would load them, the default
// 通讯录 (one group and contact per unit), and the replies of the stories in the work-model issue.
const SCRIPT = [
  // 区商务局 has 第三项 in 002 and 第3项 in 003: a bare number is asked about, once.
  { at: '2026-05-11T10:00', group: '区商务局督办群', from: '区商务局联络员', text: '第3项 完成60%' },
  { at: '2026-05-11T10:05', group: '区商务局督办群', from: '区商务局联络员', text: '政府工作报告第3项 完成60%' },
  // 发改委 names the plan in words; a finished step is progress, not completion.
  { at: '2026-05-11T10:30', group: '区发展和改革委员会督办群', from: '区发展和改革委员会联络员', text: '重大重点项目方案第2项 已完成用地预审，正在办理规划许可' },
  { at: '2026-05-11T10:40', group: '区发展和改革委员会督办群', from: '区发展和改革委员会联络员', text: '第9项专项债项目储备已完成申报' },
  // One unit's 销号 closes only its own part of a shared task.
  { at: '2026-05-12T09:30', group: '区发展和改革委员会督办群', from: '区发展和改革委员会联络员', text: '申请销号 政府工作报告第2项 我局承担部分已全部完成' },
  { at: '2026-05-12T09:31', group: '区发展和改革委员会督办群', from: '区发展和改革委员会联络员', text: '', attachment: '验收单.jpg' },
  { at: '2026-05-12T11:00', group: '督办室群', from: '督办室管理员', text: '复核 政府工作报告第2项' },
  // 住建局's 销号 of 002 第二项 can be approved with the bare number.
  { at: '2026-05-12T14:00', group: '区住房和城乡建设局督办群', from: '区住房和城乡建设局联络员', text: '申请销号 二' },
  { at: '2026-05-12T15:00', group: '督办室群', from: '督办室管理员', text: '复核 二' },
  // A street reached through 各街道、镇、集聚区 reports on its part.
  { at: '2026-05-13T10:00', group: '洪都街道督办群', from: '洪都街道联络员', text: '第1项 推进中，完成30%' },
  // A nickname is not an identity: the real leader may 查询, someone merely named like him may not.
  { at: '2026-05-13T11:00', from: '徐志勇', account: 'wxid_not_the_leader', text: '查询 区商务局' },
  { at: '2026-05-13T11:05', from: '徐志勇', text: '查询 区商务局' },
  // The office archives 002 on Friday: the next Monday's reminders carry 003 only.
  { at: '2026-05-15T15:00', group: '督办室群', from: '督办室管理员', text: '归档方案 重大重点项目' },
];

describe('duban rehearse: the stories of the work model, 002 and 003 side by side', () => {
  let r: RehearsalResult;
  const to = (group: string) => r.messages.filter((m) => m.to === group);
  const task = (ref: string) => r.tasks.find((t) => t.ref === ref)!;
  const part = (ref: string, unit: string) => task(ref).assignments.find((a) => a.unit === unit)!;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-stories-'));
    const script = path.join(dir, 'script.jsonl');
    fs.writeFileSync(script, SCRIPT.map((l) => JSON.stringify(l)).join('\n'));
    const directory = loadUnitDirectories(['demo/units.json', 'config/units.json']);
    r = await runRehearsal({ config: loadConfig({ env: {} }), plans: [SEED_002, SEED_003], directory, script: readScript(script), from: '2026-05-11', days: 8 });
  }, 180_000);

  it('every reminder names the plan, so 第二项 and 第2项 never mix', () => {
    const monday = to('区商务局督办群').find((m) => m.at === '2026-05-11T09:00')!;
    expect(monday.text).toContain('《重大重点项目》第三项');
    expect(monday.text).toContain('《政府工作报告》第3项');
    for (const m of r.messages.filter((x) => /周调度提醒|催报/.test(x.text))) {
      for (const line of m.text.split('\n').filter((l) => /第.{1,3}项 /.test(l) && !l.startsWith('回复格式'))) expect(line).toMatch(/^《[^》]+》第/);
    }
  });

  it('a number that fits both plans is asked about once; with the plan named it is recorded on that plan', () => {
    const replies = to('区商务局督办群').filter((m) => m.at.startsWith('2026-05-11T10'));
    expect(replies[0]!.text).toBe('请问是《重大重点项目》第三项还是《政府工作报告》第3项？请带上方案名称重发，如“重大重点项目第三项 …”。');
    expect(part('《政府工作报告》第3项', '区商务局')).toMatchObject({ state: 'in_progress', percent: 60 });
    expect(part('《重大重点项目》第三项', '区商务局')).toMatchObject({ state: 'not_started', lastReportedAt: null });
    expect(part('《重大重点项目》第二项', '区发展和改革委员会')).toMatchObject({ state: 'in_progress', lastReportedAt: '2026-05-11T10:30' });
    expect(part('《政府工作报告》第2项', '区发展和改革委员会').lastReportedAt).not.toBe('2026-05-11T10:30');
  });

  it('"已完成申报" is progress: nothing waits for 销号 and nothing closes', () => {
    expect(part('《政府工作报告》第9项', '区发展和改革委员会')).toMatchObject({ state: 'in_progress' });
    expect(task('《政府工作报告》第9项').state).not.toBe('closed');
  });

  it("one unit's 销号 closes only its own part of a shared task", () => {
    expect(part('《政府工作报告》第2项', '区发展和改革委员会')).toMatchObject({ state: 'closed', percent: 100 });
    expect(part('《政府工作报告》第2项', '区商务局').state).toBe('not_started');
    expect(task('《政府工作报告》第2项').state).not.toBe('closed');
    expect(to('督办室群').some((m) => m.text.includes('区发展和改革委员会承担部分已销号（任务其余责任单位仍在办理）'))).toBe(true);
  });

  it('a 销号 on 002 is approved by its bare number, and closes 住建局’s part only', () => {
    expect(part('《重大重点项目》第二项', '区住房和城乡建设局').state).toBe('closed');
    expect(part('《重大重点项目》第二项', '区重点公共建设项目管理中心').state).not.toBe('closed');
    expect(to('督办室群').find((m) => m.at === '2026-05-12T15:00')!.text).toContain('已通过区住房和城乡建设局《重大重点项目》第二项');
  });

  it('partial reporters are chased for what they still owe, and only that', () => {
    const chase = to('区商务局督办群').find((m) => m.at === '2026-05-15T09:00' && m.text.includes('催报'))!;
    expect(chase.text).toContain('《政府工作报告》第2项');
    expect(chase.text).toContain('《重大重点项目》第三项');
    expect(chase.text).not.toContain('《政府工作报告》第3项');
    // 发改委's closed part of 第2项 is not chased; its 002 第二项 report this week counts.
    const fgw = to('区发展和改革委员会督办群').find((m) => m.at === '2026-05-15T09:00' && m.text.includes('催报'))!;
    expect(fgw.text).not.toContain('《政府工作报告》第2项');
    expect(fgw.text).not.toContain('《重大重点项目》第二项');
    expect(fgw.text).toContain('《政府工作报告》第25项');
  });

  it('collectives reach their units: a street reports on its part', () => {
    expect(task('《政府工作报告》第1项').assignments.filter((a) => a.role === 'participating').map((a) => a.unit)).toEqual(expect.arrayContaining(['洪都街道', '京山街道', '青云谱镇']));
    expect(part('《政府工作报告》第1项', '洪都街道')).toMatchObject({ state: 'in_progress', percent: 30 });
    expect(r.inbound.find((m) => m.from === '洪都街道联络员')!.status).toBe('interpreted');
  });

  it('a nickname alone never makes anyone a leader', () => {
    const [fake, real] = r.messages.filter((m) => m.to === '私聊:徐志勇' || m.to === '私聊:wxid_not_the_leader');
    expect(fake).toMatchObject({ to: '私聊:wxid_not_the_leader', text: '只有督办室管理员和牵头领导可以查询其他单位。' });
    expect(real!.to).toBe('私聊:徐志勇');
    expect(real!.text).toMatch(/^区商务局未销号任务\d+项/);
  });

  it('an archived plan is no longer chased', () => {
    const next = to('区商务局督办群').find((m) => m.at === '2026-05-18T09:00')!;
    expect(next.text).toContain('《政府工作报告》');
    expect(next.text).not.toContain('重大重点项目');
    expect(r.tasks.some((t) => t.plan === '重大重点项目')).toBe(true);
  });
});
