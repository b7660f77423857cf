import { describe, expect, it } from 'vitest';
import { parseChatCommand } from '../../src/chat/parse-chat-command.ts';
import { parseDeadlineDate } from '../../src/chat/parse-deadline-date.ts';

describe('parseChatCommand', () => {
  const p = (t: string) => parseChatCommand(t, '督办助手');
  it('reads every command, with task numbers in any form and the bot mention removed', () => {
    expect(p('@督办助手\u2005帮助')).toEqual({ name: 'help' });
    expect(p('任务清单')).toEqual({ name: 'myTasks' });
    expect(p('进展 3 已完成60%')).toEqual({ name: 'progress', taskRef: '3', text: '已完成60%' });
    expect(p('进展 第三项：征收完成')).toEqual({ name: 'progress', taskRef: '第三项', text: '征收完成' });
    expect(p('申请销号 ３')).toEqual({ name: 'requestClose', taskRef: '3', reason: '' });
    expect(p('申请销号 第3项，已全部完成')).toEqual({ name: 'requestClose', taskRef: '第3项', reason: '已全部完成' });
    expect(p('申请销号 《政府工作报告》2')).toEqual({ name: 'requestClose', taskRef: '《政府工作报告》2', reason: '' });
    expect(p('复核 重大项目第二项 区商务局')).toEqual({ name: 'approve', taskRef: '重大项目第二项', note: '区商务局' });
    expect(p('退办 重大重点项目 2 佐证不全')).toEqual({ name: 'return', taskRef: '重大重点项目 2', reason: '佐证不全' });
    expect(p('申请延期 2 2026-08-31 企业复产推迟，需顺延')).toEqual({ name: 'requestExtension', taskRef: '2', date: '2026-08-31', reason: '企业复产推迟，需顺延' });
    expect(p('复核 3')).toEqual({ name: 'approve', taskRef: '3', note: '' });
    expect(p('退办 3 佐证不全，请补充')).toEqual({ name: 'return', taskRef: '3', reason: '佐证不全，请补充' });
    expect(p('转办 5 区住建局')).toEqual({ name: 'transfer', taskRef: '5', unit: '区住建局' });
    expect(p('转办 5 区商务局 区住建局')).toEqual({ name: 'transfer', taskRef: '5', from: '区商务局', unit: '区住建局' });
    expect(p('复核 重大重点项目2026第2项')).toEqual({ name: 'approve', taskRef: '重大重点项目2026第2项', note: '' });
    expect(p('暂停提醒')).toEqual({ name: 'pause' });
    expect(p('恢复提醒')).toEqual({ name: 'resume' });
    expect(p('立即推送')).toEqual({ name: 'pushNow' });
    expect(p('查询 区商务局')).toEqual({ name: 'query', unit: '区商务局' });
    expect(p('绑定 区商务局')).toEqual({ name: 'bind', unit: '区商务局' });
    expect(p('本周汇总')).toEqual({ name: 'weeklyDigest' });
    expect(p('逾期')).toEqual({ name: 'overdue' });
    expect(p('异常消息')).toEqual({ name: 'failures' });
    expect(p('提醒设置')).toEqual({ name: 'listCadences' });
    expect(p('设置提醒 周调度提醒 9:30')).toEqual({ name: 'setCadence', cadence: '周调度提醒', time: '09:30' });
    expect(p('设置提醒 weekly_reminder 时间 10:00')).toEqual({ name: 'setCadence', cadence: 'weekly_reminder', time: '10:00' });
    expect(p('设置提醒 周汇总 每周五')).toEqual({ name: 'setCadence', cadence: '周汇总', weekday: 5 });
    expect(p('设置提醒 周汇总 星期日')).toEqual({ name: 'setCadence', cadence: '周汇总', weekday: 7 });
    expect(p('停用提醒 催报')).toEqual({ name: 'setCadence', cadence: '催报', enabled: false });
    expect(p('启用提醒 催报')).toEqual({ name: 'setCadence', cadence: '催报', enabled: true });
    expect(p('申请转办 第3项 区住建局 征收工作由住建局负责')).toEqual({ name: 'requestTransfer', taskRef: '第3项', unit: '区住建局', reason: '征收工作由住建局负责' });
    expect(p('申请转办 重大项目2 区住建局')).toEqual({ name: 'requestTransfer', taskRef: '重大项目2', unit: '区住建局', reason: '' });
    expect(p('待办')).toEqual({ name: 'listWaiting' });
    expect(p('答复 12 可以，按新时限报送')).toEqual({ name: 'answerWaiting', id: 12, text: '可以，按新时限报送' });
    expect(p('答复编号#７：请用新表')).toEqual({ name: 'answerWaiting', id: 7, text: '请用新表' });
    expect(p('@督办助手 答复 3')).toEqual({ name: 'answerWaiting', id: 3, text: '' });
  });
  it('leaves reports and chatter to the reply reader', () => {
    expect(p('第3项已完成60%')).toBeNull();
    expect(p('帮助一下第3项的同事')).toBeNull();
    expect(p('申请销号的流程是什么')).toBeNull();
    expect(p('收到')).toBeNull();
  });
});

describe('parseDeadlineDate', () => {
  it('reads the forms people write, taking the next such date when the year is left out', () => {
    expect(parseDeadlineDate('2026-08-31', '2026-05-11')).toBe('2026-08-31');
    expect(parseDeadlineDate('2026/8/31', '2026-05-11')).toBe('2026-08-31');
    expect(parseDeadlineDate('2026年8月31日', '2026-05-11')).toBe('2026-08-31');
    expect(parseDeadlineDate('8月31日', '2026-05-11')).toBe('2026-08-31');
    expect(parseDeadlineDate('３月１日', '2026-05-11')).toBe('2027-03-01');
    expect(parseDeadlineDate('6月底', '2026-05-11')).toBe('2026-06-30');
    expect(parseDeadlineDate('2028年2月底', '2026-05-11')).toBe('2028-02-29');
  });
  it('refuses what is not a date', () => {
    expect(parseDeadlineDate('2026-02-30', '2026-05-11')).toBeNull();
    expect(parseDeadlineDate('13月1日', '2026-05-11')).toBeNull();
    expect(parseDeadlineDate('下个月', '2026-05-11')).toBeNull();
  });
});
