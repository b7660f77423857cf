import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { loadUnitDirectories } from '../../src/import/load-unit-directory.ts';
import { taskStatePicture } from '../../src/chat/leader-questions.ts';
import type { TaskInfo } from '../../src/ports/work-store.ts';
import { renderReportPng } from '../../src/reports/render/render-report-png.ts';
import { readScript } from '../../src/rehearse/read-script.ts';
import { runRehearsal, type RehearsalResult } from '../../src/rehearse/run-rehearsal.ts';

const SEED_002 = '../shared/seeds/002_a944769c8b8073fd.txt';
const SEED_003 = '../shared/seeds/003_4dfd9a9cc1e4fe81.txt';
const PEOPLE = 'test/fixtures/people/leaders-002-003.csv';

// Leaders in the loop (issue 16), 002 and 003 side by side with a 通讯录 that names the leaders'
// accounts and one 分管领导. Monday 2026-05-11 to Friday 2026-05-22: two weekly rounds, two digests.
const SCRIPT = [
  // A 批示 in a private chat: recorded, relayed to 区商务局's group with its contact @-mentioned.
  { at: '2026-05-11T10:00', from: '杨峰', text: '请区商务局加快推进政府工作报告第3项，周五前报进展' },
  // A participating unit named in a 批示 owes an answer too (it is otherwise never chased).
  { at: '2026-05-11T10:10', from: '杨峰', text: '政府工作报告第1项请洪都街道配合加快推进' },
  // 第3项 exists in both plans (002 第三项, 003 第3项): asked which, nothing recorded.
  { at: '2026-05-12T09:00', from: '徐志勇', text: '第3项请区商务局抓紧推进' },
  // Same display name as the leader, another account: not a leader, no 批示.
  { at: '2026-05-12T09:10', from: '杨峰', account: 'wxid_not_yangfeng', text: '请区商务局加快推进政府工作报告第5项，周五前报进展' },
  // The office records a paper 批示 on the leader's behalf.
  { at: '2026-05-12T09:20', group: '督办室群', from: '督办室管理员', text: '代录批示 杨峰 政府工作报告第5项 请区商务局本月底前拿出楼宇招商方案' },
  // The leader asks.
  { at: '2026-05-13T10:00', from: '杨峰', text: '政府工作报告第3项怎么样了' },
  { at: '2026-05-13T10:05', from: '杨峰', text: '区商务局的任务' },
  { at: '2026-05-13T10:07', from: '杨峰', text: '洪都街道的任务' },
  { at: '2026-05-13T10:10', from: '杨峰', text: '逾期的' },
  { at: '2026-05-13T10:15', from: '王涛', text: '逾期' },
  // A 批示 in the unit's own group, the bot @-mentioned; the same words from someone who is no leader.
  { at: '2026-05-14T10:00', group: '区商务局督办群', from: '徐志勇', text: '@督办助手 请区商务局加快推进政府工作报告第7项，周五前报进展' },
  { at: '2026-05-14T10:05', group: '区商务局督办群', from: '陈路人', account: 'wxid_passerby', text: '请区商务局加快推进政府工作报告第7项，周五前报进展' },
  // 区商务局 answers after the Friday chase; 洪都街道 only the next week.
  { at: '2026-05-15T10:00', group: '区商务局督办群', from: '李娜', text: '政府工作报告第3项 已举办促消费活动2场，完成40%' },
  { at: '2026-05-18T10:00', group: '洪都街道督办群', from: '王涛', text: '政府工作报告第1项 已走访辖区企业10家，完成20%' },
];

describe('duban rehearse: leaders in the loop (批示, digests, questions), 002 and 003 with a 通讯录', () => {
  let r: RehearsalResult;
  const to = (who: string) => r.messages.filter((m) => m.to === who);
  const at = (who: string, when: string) => to(who).filter((m) => m.at === when);

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-leaders-'));
    const script = path.join(dir, 'script.jsonl');
    fs.writeFileSync(script, SCRIPT.map((l) => JSON.stringify(l)).join('\n'));
    const directory = loadUnitDirectories(['demo/units.json', 'config/units.json']);
    r = await runRehearsal({ config: loadConfig({ env: {} }), plans: [SEED_002, SEED_003], directory, peopleFile: PEOPLE, script: readScript(script), from: '2026-05-11', days: 12 });
  }, 300_000);

  it("a leader's 批示 reaches the unit's group with its contact @-mentioned, and the leader is told", () => {
    const relay = at('区商务局督办群', '2026-05-11T10:00');
    expect(relay).toHaveLength(1);
    expect(relay[0]!.text).toMatch(/^【领导批示】区商务局：/);
    expect(relay[0]!.text).toContain('杨峰同志5月11日批示：“请区商务局加快推进政府工作报告第3项，周五前报进展”');
    expect(relay[0]!.text).toContain('《政府工作报告》第3项');
    expect(relay[0]!.text).toContain('请于5月15日（周五）前');
    expect(relay[0]!.mentions).toEqual(['李娜']);
    expect(at('私聊:杨峰', '2026-05-11T10:00')[0]!.text).toMatch(/^已记录您的批示（5月11日），并转达：\n· 《政府工作报告》第3项 .*→ 区商务局/);
    const street = at('洪都街道督办群', '2026-05-11T10:10');
    expect(street[0]!.text).toContain('《政府工作报告》第1项');
    expect(street[0]!.mentions).toEqual(['王涛']);
  });

  it('the unit is chased until it answers, and only until then', () => {
    const chase = at('区商务局督办群', '2026-05-15T09:00').find((m) => m.text.includes('催报'))!;
    expect(chase.text).toMatch(/《政府工作报告》第3项 [^\n]*【领导批示待反馈】/);
    // Answered on Friday: Monday's reminder still lists the task for the new week, but no longer as an unanswered 批示.
    const monday = at('区商务局督办群', '2026-05-18T09:00')[0]!;
    expect(monday.text).not.toMatch(/《政府工作报告》第3项 [^\n]*【领导批示待反馈】/);
    // The proxy 批示 on 第5项 is still unanswered.
    expect(monday.text).toMatch(/《政府工作报告》第5项 [^\n]*【领导批示待反馈】/);
    // A participating street is chased for the 批示 alone, and not once it answered.
    expect(at('洪都街道督办群', '2026-05-15T09:00').find((m) => m.text.includes('催报'))!.text).toMatch(/《政府工作报告》第1项 [^\n]*【领导批示待反馈】/);
    expect(at('洪都街道督办群', '2026-05-22T09:00').some((m) => m.text.includes('《政府工作报告》第1项'))).toBe(false);
  });

  it("the answer is linked to the 批示 and shown in the leader's next digest", () => {
    const digest = at('私聊:杨峰', '2026-05-15T16:00').map((m) => m.text).join('\n');
    expect(digest).toContain('您的批示：3条，已反馈1条');
    expect(at('私聊:杨峰', '2026-05-22T16:00').map((m) => m.text).join('\n')).toContain('您的批示：3条，已反馈2条');
    expect(digest).toMatch(/5月11日批示〔政府工作报告·3〕“请区商务局加快推进政府工作报告第3项，周五前报进展”：区商务局已反馈（5月15日：政府工作报告第3项 已举办促消费活动2场/);
    expect(digest).toMatch(/5月12日批示〔政府工作报告·5〕[^\n]*区商务局未反馈（要求5月31日前）/);
  });

  it("a leader's 批示 in a unit's group: recorded without the bot's @, relayed with @ to the contact, acknowledged there", () => {
    const said = at('区商务局督办群', '2026-05-14T10:00');
    const relay = said.find((m) => m.text.startsWith('【领导批示】'))!;
    expect(relay.text).toContain('徐志勇同志5月14日批示：“请区商务局加快推进政府工作报告第7项，周五前报进展”');
    expect(relay.text).not.toContain('@督办助手');
    expect(relay.text).toContain('《政府工作报告》第7项');
    expect(relay.mentions).toEqual(['李娜']);
    // The acknowledgement answers where the leader wrote.
    expect(said.find((m) => m.text.startsWith('已记录您的批示'))!.text).toMatch(/^已记录您的批示（5月14日），并转达：\n· 《政府工作报告》第7项 .*→ 区商务局/);
    expect(r.inbound.find((m) => m.at === '2026-05-14T10:00')!.status).toBe('interpreted');
    // Recorded: owed, so chased on Friday, and counted in the leader's digest.
    expect(at('区商务局督办群', '2026-05-15T09:00').find((m) => m.text.includes('催报'))!.text).toMatch(/《政府工作报告》第7项 [^\n]*【领导批示待反馈】/);
    expect(at('私聊:徐志勇', '2026-05-15T16:00').map((m) => m.text).join('\n')).toContain('您的批示：1条，已反馈0条');
  });

  it('the same words in the group from someone who is no leader record and relay nothing', () => {
    expect(r.messages.filter((m) => m.at === '2026-05-14T10:05')).toEqual([]);
    expect(r.inbound.find((m) => m.at === '2026-05-14T10:05')!.status).toBe('ignored');
    // Nobody else's 批示 on 第7项 is owed: the only one is the leader's, counted once.
    expect(r.messages.filter((m) => m.text.includes('批示：“请区商务局加快推进政府工作报告第7项'))).toHaveLength(1);
  });

  it('a 批示 naming a number two plans share asks which plan, and records nothing', () => {
    expect(at('私聊:徐志勇', '2026-05-12T09:00')[0]!.text).toBe('请问是《重大重点项目》第三项还是《政府工作报告》第3项？请带上方案名称重发，如“重大重点项目第三项 …”。');
    expect(r.messages.filter((m) => m.at === '2026-05-12T09:00' && m.to.endsWith('督办群'))).toEqual([]);
  });

  it('a stranger writing like a leader (same name, another account) gets no 批示 recorded or relayed', () => {
    expect(r.messages.filter((m) => m.at === '2026-05-12T09:10' && m.to !== '私聊:wxid_not_yangfeng')).toEqual([]);
    expect(to('私聊:wxid_not_yangfeng').every((m) => !m.text.includes('批示'))).toBe(true);
    expect(r.inbound.find((m) => m.at === '2026-05-12T09:10')!.status).toBe('ignored');
  });

  it("an admin's 代录批示 is relayed in the leader's name", () => {
    const relay = at('区商务局督办群', '2026-05-12T09:20')[0]!;
    expect(relay.text).toContain('杨峰同志5月12日批示：“政府工作报告第5项 请区商务局本月底前拿出楼宇招商方案”');
    expect(relay.text).toContain('请于5月31日（周日）前');
    expect(at('督办室群', '2026-05-12T09:20')[0]!.text).toMatch(/^已记录杨峰同志的批示/);
  });

  it('a leader asks about a task: unit by unit, with its 批示; with a picture when long', () => {
    const isPng = (file: string | undefined) => !!file && fs.readFileSync(file).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const [task, png] = at('私聊:杨峰', '2026-05-13T10:00');
    expect(task!.text).toMatch(/^《政府工作报告》第3项 /);
    expect(task!.text).toContain('· 区商务局（责任）：未启动；尚未报送');
    expect(task!.text).toContain('· 洪都街道（参加）：');
    expect(task!.text).toMatch(/批示（1条）：\n· 杨峰5月11日批示/);
    expect(task!.attachment).toBeUndefined();
    // 22 units: the answer comes as a picture too.
    expect(png!.text).toMatch(/^附图：/);
    expect(isPng(png!.attachment)).toBe(true);
  });

  it('the task question’s picture carries the 批示 on the task under the units’ table, as the text does', async () => {
    const [task, png] = at('私聊:杨峰', '2026-05-13T10:00');
    const lines = task!.text.split('\n');
    const units = Number(/^各单位（(\d+)个）：$/.exec(lines[2]!)![1]);
    const said = lines.slice(lines.indexOf('批示（1条）：'));
    expect(said).toHaveLength(2);
    // Same renderer, same rows: the picture is exactly as tall as one with the 批示 under the table, not one without.
    const t = { title: '繁荣现代商贸', planShort: '政府工作报告', no: '3', state: 'not_started', percent: null } as unknown as TaskInfo;
    const rows = Array.from({ length: units }, () => ['区商务局', '责任', '未启动', '—', '尚未报送']);
    const height = (b: Buffer) => b.readUInt32BE(20);
    const actual = height(fs.readFileSync(png!.attachment!));
    expect(actual).toBe(height(await renderReportPng(taskStatePicture(t, '截至5月13日', rows, said))));
    expect(actual).toBeGreaterThan(height(await renderReportPng(taskStatePicture(t, '截至5月13日', rows, []))));
  });

  it('a leader asks a unit’s tasks and what is overdue: long lists as a picture, the text kept short', () => {
    const isPng = (file: string | undefined) => !!file && fs.readFileSync(file).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    // 区商务局's 16 open tasks fit a chat screen: text alone, every task in it.
    const [unit, ...notMore] = at('私聊:杨峰', '2026-05-13T10:05');
    expect(notMore).toEqual([]);
    expect(unit!.attachment).toBeUndefined();
    const n = Number(/^区商务局未销号任务(\d+)项：/.exec(unit!.text)![1]);
    expect(unit!.text.split('\n')).toHaveLength(n + 1);
    expect(unit!.text).toMatch(/\n· 《政府工作报告》第3项 [^\n]*：未启动，时限2024-12-31，尚未报送(\n|$)/);

    // 洪都街道 takes part in more than a screen holds: the first ten as text, the whole list as a picture.
    const [street, streetPng, ...more] = at('私聊:杨峰', '2026-05-13T10:07');
    expect(more).toEqual([]);
    const m = Number(/^洪都街道未销号任务(\d+)项：/.exec(street!.text)![1]);
    expect(m).toBeGreaterThanOrEqual(20);
    const streetLines = street!.text.split('\n');
    expect(streetLines).toHaveLength(12);
    expect(streetLines.slice(1, 11).every((l) => /^· 《(政府工作报告|重大重点项目)》第\S+项 .*：(未启动|推进中|滞后|受阻)/.test(l))).toBe(true);
    expect(streetLines[11]).toBe(`……另有${m - 10}项，完整清单见下图。`);
    expect(streetPng!.text).toBe(`附图：洪都街道未销号任务${m}项`);
    expect(isPng(streetPng!.attachment)).toBe(true);

    // Everything 杨峰 leads is past its 2024 deadline, a dozen tasks: text alone, every one in it.
    const [late, ...lateMore] = at('私聊:杨峰', '2026-05-13T10:10');
    expect(lateMore).toEqual([]);
    expect(late!.attachment).toBeUndefined();
    const k = Number(/^已超过完成时限的任务(\d+)项：/.exec(late!.text)![1]);
    expect(late!.text.split('\n')).toHaveLength(k + 1);
    expect(late!.text).toMatch(/\n· 《政府工作报告》第3项 [^\n]*：未启动，时限2024-12-31(\n|$)/);

    // 洪都街道's contact asks the same (逾期): more than a screen, so the picture comes with it.
    const [streetLate, streetLatePng] = at('私聊:王涛', '2026-05-13T10:15');
    const j = Number(/^已超过完成时限的任务(\d+)项：/.exec(streetLate!.text)![1]);
    expect(j).toBeGreaterThanOrEqual(20);
    expect(streetLate!.text.split('\n')).toHaveLength(12);
    expect(streetLate!.text.split('\n')[1]).toMatch(/^· 《政府工作报告》第\d+项 .*：未启动，时限2024-12-31，尚未报送$/);
    expect(streetLate!.text.split('\n').at(-1)).toBe(`……另有${j - 10}项，完整清单见下图。`);
    expect(streetLatePng!.text).toBe(`附图：已超过完成时限的任务${j}项`);
    expect(isPng(streetLatePng!.attachment)).toBe(true);
  });

  it('every leader with tasks gets a digest: 003’s 牵头领导, 002’s 组长 and 常务副组长, a unit’s 分管领导', () => {
    const readers = new Set(r.messages.filter((m) => m.at === '2026-05-15T16:00' && m.text.startsWith('【周调度简报】')).map((m) => m.to));
    expect([...readers].sort()).toEqual(
      ['胡俊峰', '熊广义', '饶雪宇', '杨峰', '徐志勇', '夏辉', '应卓伟', '丁有渌', '聂洪明', '涂艳彬', '胡启明', '夏玉龙'].map((n) => `私聊:${n}`).sort(),
    );
    // 饶雪宇 leads nothing: her digest is the tasks 区住房和城乡建设局 leads or is responsible for.
    const rao = at('私聊:饶雪宇', '2026-05-15T16:00')[0]!.text;
    expect(rao).toContain('区住房和城乡建设局');
    expect(rao).toContain('重大重点项目·二');
  });

  it('the 旬会商 agenda goes to the meeting’s leaders as well as the office group', () => {
    for (const who of ['私聊:胡俊峰', '私聊:熊广义', '督办室群']) expect(at(who, '2026-05-11T09:00').some((m) => m.text.startsWith('【旬会商议题】')), who).toBe(true);
  });

  it('no report says 未明确 for a task whose plan names who is responsible', () => {
    const reports = r.messages.filter((m) => /^【(周调度简报|旬会商议题|月通报)】/.test(m.text));
    expect(reports.length).toBeGreaterThan(10);
    for (const m of r.messages) expect(m.text, `${m.at} ${m.to}`).not.toContain('未明确');
    // 003 names no 牵头单位: its 责任单位 are shown instead.
    expect(at('私聊:杨峰', '2026-05-15T16:00')[0]!.text).toMatch(/〔政府工作报告·2〕[^\n]*｜责任：区发展和改革委员会、区科学技术和工业信息化局、区商务局｜/);
  });
});
