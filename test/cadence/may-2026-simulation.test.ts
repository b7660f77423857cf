import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLocalDate } from '../../src/domain/calendar/shanghai-time.ts';
import type { Dispatch } from '../../src/engine/simulate.ts';
import type { Database } from '../../src/store/open-database.ts';
import { DB_KINDS, openTestDatabase } from '../helpers/databases.ts';
import { line, runFixture } from './run-fixture-month.ts';

// 2026-04-27 → 2026-05-31 on the official calendar: 劳动节 5/1–5/5 off, Saturday 5/9 worked (调休).
// Every line was checked by hand against the fixture (see fixture.ts for who reports when).
const EXPECTED = [
  "2026-04-27 09:00 weekly_reminder group:room-swj [wx-zhangsan] 【周调度提醒】区商务局：请于4月30日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-04-27 09:00 weekly_reminder person:wx-qianqi [] 【周调度提醒】区水务局：请于4月30日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-04-27 09:00 weekly_reminder group:全区调度群 [wx-wangwu,wx-zhaoliu] 【周调度提醒】区住建局：请于4月30日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-04-27 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（4月27日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-04-27 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（4月27日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-04-27 09:00 monthly_report group:全区调度群 [wx-zhaoliu] 【一月一汇报】区教育局：以下 1 项任务滞后，请于4月30日（周四）17:00前书面汇报4月推进情况、存在问题和下步措施。",
  "2026-04-27 09:30 deadline_countdown group:全区调度群 [wx-wangwu] 【时限倒计时】区住建局：以下 1 项任务临近完成时限，请抓紧推进。",
  "2026-04-29 09:30 deadline_countdown group:全区调度群 [wx-wangwu] 【时限倒计时】区住建局：以下 1 项任务临近完成时限，请抓紧推进。",
  "2026-04-30 09:30 deadline_countdown group:room-swj [wx-zhangsan] 【时限倒计时】区商务局：以下 1 项任务临近完成时限，请抓紧推进。",
  "2026-04-30 16:00 weekly_digest person:wx-chen [] 周汇总（陈副区长）",
  "2026-04-30 16:00 weekly_digest person:wx-admin [] 【管理员提示】周汇总（4月30日 16:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-04-30 16:00 monthly_bulletin group:全区调度群 [] 月通报 2026-04-30",
  "2026-04-30 16:00 monthly_bulletin group:全区调度群 [] 附件：月通报-2026-04-30.docx",
  "2026-04-30 16:00 monthly_bulletin group:督办办公室 [] 月通报 2026-04-30",
  "2026-04-30 16:00 monthly_bulletin group:督办办公室 [] 附件：月通报-2026-04-30.docx",
  "2026-05-06 09:00 weekly_reminder group:room-swj [wx-zhangsan] 【周调度提醒】区商务局：请于5月7日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-06 09:00 weekly_reminder person:wx-qianqi [] 【周调度提醒】区水务局：请于5月7日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-06 09:00 weekly_reminder group:全区调度群 [wx-wangwu,wx-zhaoliu] 【周调度提醒】区住建局：请于5月7日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-06 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（5月6日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-06 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（5月6日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-06 09:00 weekly_chase person:wx-qianqi [] 【催报·提醒单】区水务局：截至4月30日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-06 09:00 weekly_chase group:全区调度群 [wx-wangwu,wx-zhaoliu] 【催报·提醒单】区住建局：截至4月30日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-06 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月6日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-06 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月6日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-06 09:00 consult_agenda group:督办办公室 [] 旬会商议程 2026-05-06",
  "2026-05-07 10:00 weekly_escalation person:wx-qianqi [] 【督办单】区水务局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-07 10:00 weekly_escalation group:全区调度群 [wx-wangwu,wx-zhaoliu] 【督办单】区住建局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-07 10:00 weekly_escalation person:wx-chen [] 【督办单】陈副区长领导：您牵头的以下 2 项任务，责任单位经提醒仍未报送或已逾期：",
  "2026-05-07 10:00 weekly_escalation person:wx-admin [] 【管理员提示】督办单（5月7日 10:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-07 10:00 weekly_escalation person:wx-admin [] 【管理员提示】督办单（5月7日 10:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-08 09:00 weekly_chase person:wx-qianqi [] 【催报·提醒单】区水务局：截至5月7日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-08 09:00 weekly_chase group:全区调度群 [wx-wangwu,wx-zhaoliu] 【催报·提醒单】区住建局：截至5月7日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-08 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月8日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-08 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月8日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-08 16:00 weekly_digest person:wx-chen [] 周汇总（陈副区长）",
  "2026-05-08 16:00 weekly_digest person:wx-admin [] 【管理员提示】周汇总（5月8日 16:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-09 09:30 deadline_countdown group:room-swj [wx-zhangsan] 【时限倒计时】区商务局：以下 1 项任务临近完成时限，请抓紧推进。",
  "2026-05-09 10:00 weekly_escalation person:wx-qianqi [] 【督办单】区水务局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-09 10:00 weekly_escalation group:全区调度群 [wx-wangwu,wx-zhaoliu] 【督办单】区住建局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-09 10:00 weekly_escalation person:wx-chen [] 【督办单】陈副区长领导：您牵头的以下 2 项任务，责任单位经提醒仍未报送或已逾期：",
  "2026-05-09 10:00 weekly_escalation person:wx-admin [] 【管理员提示】督办单（5月9日 10:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-09 10:00 weekly_escalation person:wx-admin [] 【管理员提示】督办单（5月9日 10:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-11 09:00 weekly_reminder group:room-swj [wx-zhangsan] 【周调度提醒】区商务局：请于5月14日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-11 09:00 weekly_reminder person:wx-qianqi [] 【周调度提醒】区水务局：请于5月14日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-11 09:00 weekly_reminder group:全区调度群 [wx-wangwu,wx-zhaoliu] 【周调度提醒】区住建局：请于5月14日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-11 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（5月11日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-11 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（5月11日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-11 09:00 consult_agenda group:督办办公室 [] 旬会商议程 2026-05-11",
  "2026-05-11 09:30 deadline_countdown person:wx-admin [] 【管理员提示】时限倒计时（5月11日 09:30）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-12 09:30 deadline_countdown group:room-swj [wx-zhangsan] 【时限倒计时】区商务局：以下 1 项任务临近完成时限，请抓紧推进。",
  "2026-05-13 09:30 deadline_countdown person:wx-qianqi [] 【时限倒计时】区水务局：以下 1 项任务临近完成时限，请抓紧推进。",
  "2026-05-15 09:00 weekly_chase person:wx-qianqi [] 【催报·提醒单】区水务局：截至5月14日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-15 09:00 weekly_chase group:全区调度群 [wx-zhaoliu] 【催报·提醒单】区教育局：截至5月14日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-15 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月15日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-15 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月15日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-15 09:30 deadline_countdown person:wx-admin [] 【管理员提示】时限倒计时（5月15日 09:30）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-15 16:00 weekly_digest person:wx-chen [] 周汇总（陈副区长）",
  "2026-05-15 16:00 weekly_digest person:wx-admin [] 【管理员提示】周汇总（5月15日 16:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-18 09:00 weekly_reminder group:room-swj [wx-zhangsan] 【周调度提醒】区商务局：请于5月21日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-18 09:00 weekly_reminder person:wx-qianqi [] 【周调度提醒】区水务局：请于5月21日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-18 09:00 weekly_reminder group:全区调度群 [wx-wangwu,wx-zhaoliu] 【周调度提醒】区住建局：请于5月21日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-18 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（5月18日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-18 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（5月18日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-18 10:00 weekly_escalation group:room-swj [wx-zhangsan] 【督办单】区商务局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-18 10:00 weekly_escalation person:wx-qianqi [] 【督办单】区水务局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-18 10:00 weekly_escalation group:全区调度群 [wx-wangwu,wx-zhaoliu] 【督办单】区住建局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-18 10:00 weekly_escalation person:wx-chen [] 【督办单】陈副区长领导：您牵头的以下 3 项任务，责任单位经提醒仍未报送或已逾期：",
  "2026-05-18 10:00 weekly_escalation person:wx-admin [] 【管理员提示】督办单（5月18日 10:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-18 10:00 weekly_escalation person:wx-admin [] 【管理员提示】督办单（5月18日 10:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-19 09:30 deadline_countdown person:wx-qianqi [] 【时限倒计时】区水务局：以下 1 项任务临近完成时限，请抓紧推进。",
  "2026-05-19 09:30 deadline_countdown person:wx-admin [] 【管理员提示】时限倒计时（5月19日 09:30）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-21 09:00 consult_agenda group:督办办公室 [] 旬会商议程 2026-05-21",
  "2026-05-21 09:30 deadline_countdown person:wx-qianqi [] 【时限倒计时】区水务局：以下 1 项任务临近完成时限，请抓紧推进。",
  "2026-05-22 09:00 weekly_chase person:wx-qianqi [] 【催报·提醒单】区水务局：截至5月21日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-22 09:00 weekly_chase group:全区调度群 [wx-wangwu,wx-zhaoliu] 【催报·提醒单】区住建局：截至5月21日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-22 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月22日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-22 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月22日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-22 16:00 weekly_digest person:wx-chen [] 周汇总（陈副区长）",
  "2026-05-22 16:00 weekly_digest person:wx-admin [] 【管理员提示】周汇总（5月22日 16:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-25 09:00 weekly_reminder group:room-swj [wx-zhangsan] 【周调度提醒】区商务局：请于5月28日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-25 09:00 weekly_reminder person:wx-qianqi [] 【周调度提醒】区水务局：请于5月28日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-25 09:00 weekly_reminder group:全区调度群 [wx-wangwu,wx-zhaoliu] 【周调度提醒】区住建局：请于5月28日（周四）17:00前报送以下 1 项任务的本周进展。",
  "2026-05-25 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（5月25日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-25 09:00 weekly_reminder person:wx-admin [] 【管理员提示】周调度提醒（5月25日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-25 09:00 monthly_report group:room-swj [wx-zhangsan] 【一月一汇报】区商务局：以下 1 项任务滞后，请于5月28日（周四）17:00前书面汇报5月推进情况、存在问题和下步措施。",
  "2026-05-25 09:00 monthly_report group:全区调度群 [wx-wangwu,wx-zhaoliu] 【一月一汇报】区住建局：以下 1 项任务滞后，请于5月28日（周四）17:00前书面汇报5月推进情况、存在问题和下步措施。",
  "2026-05-25 10:00 weekly_escalation group:room-swj [wx-zhangsan] 【督办单】区商务局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-25 10:00 weekly_escalation person:wx-qianqi [] 【督办单】区水务局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-25 10:00 weekly_escalation group:全区调度群 [wx-wangwu,wx-zhaoliu] 【督办单】区住建局：以下 1 项任务经提醒仍未报送或已逾期，已报牵头领导（陈副区长），请立即办理并反馈。",
  "2026-05-25 10:00 weekly_escalation person:wx-chen [] 【督办单】陈副区长领导：您牵头的以下 3 项任务，责任单位经提醒仍未报送或已逾期：",
  "2026-05-25 10:00 weekly_escalation person:wx-admin [] 【管理员提示】督办单（5月25日 10:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-25 10:00 weekly_escalation person:wx-admin [] 【管理员提示】督办单（5月25日 10:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-29 09:00 weekly_chase person:wx-qianqi [] 【催报·提醒单】区水务局：截至5月28日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-29 09:00 weekly_chase group:全区调度群 [wx-wangwu,wx-zhaoliu] 【催报·提醒单】区住建局：截至5月28日（周四）17:00尚未收到以下 1 项任务的进展，请今天内报送。",
  "2026-05-29 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月29日 09:00）：以下单位未绑定单位群，已改为私聊联络员：区水务局。请在单位群内发送“绑定 单位名称”。",
  "2026-05-29 09:00 weekly_chase person:wx-admin [] 【管理员提示】催报（5月29日 09:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-29 16:00 weekly_digest person:wx-chen [] 周汇总（陈副区长）",
  "2026-05-29 16:00 weekly_digest person:wx-admin [] 【管理员提示】周汇总（5月29日 16:00）：以下消息无法送达（未绑定群或未登记账号）：",
  "2026-05-29 16:00 monthly_bulletin group:全区调度群 [] 月通报 2026-05-29",
  "2026-05-29 16:00 monthly_bulletin group:全区调度群 [] 附件：月通报-2026-05-29.docx",
  "2026-05-29 16:00 monthly_bulletin group:督办办公室 [] 月通报 2026-05-29",
  "2026-05-29 16:00 monthly_bulletin group:督办办公室 [] 附件：月通报-2026-05-29.docx",
];

describe.each(DB_KINDS)('a simulated May 2026 on %s', (kind) => {
  let db: Database;
  let dispatches: Dispatch[];
  let run: Awaited<ReturnType<typeof runFixture>>;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    run = await runFixture(db, '2026-04-27', '2026-06-01');
    dispatches = run.dispatches;
  });
  afterAll(() => db?.close());

  it('sends exactly the expected dispatches, in order', () => {
    expect(dispatches.map(line)).toEqual(EXPECTED);
  });

  it('sends nothing on 劳动节 or the Sunday after, and works the 调休 Saturday', () => {
    const days = new Set(dispatches.map((d) => toLocalDate(d.at)));
    for (const off of ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05', '2026-05-10']) expect(days.has(off)).toBe(false);
    expect(days.has('2026-05-09')).toBe(true);
  });

  it('writes the reminder the way units read it: @-mentions, task list, last progress, how to reply', () => {
    const shared = dispatches.find((d) => d.cadence === 'weekly_reminder' && d.target.ref === '全区调度群' && toLocalDate(d.at) === '2026-05-18')!;
    // 区住建局's contact 李四 is on leave, so the B角 王五 is mentioned; 区教育局 shares the message.
    expect(shared.mentions).toEqual(['wx-wangwu', 'wx-zhaoliu']);
    expect(shared.text).toBe(
      [
        '【周调度提醒】区住建局：请于5月21日（周四）17:00前报送以下 1 项任务的本周进展。',
        '《测试》第2项 老旧小区改造｜时限：4月30日｜上次进展：40% 已完成3个小区改造（5月13日）',
        '',
        '【周调度提醒】区教育局：请于5月21日（周四）17:00前报送以下 1 项任务的本周进展。',
        '《测试》第3项 校园安全整治｜时限：长期坚持｜上次进展：暂无',
        '回复格式：第3项 60% 进展… 问题…（可一次回复多项；回复“收到”即签收）',
      ].join('\n'),
    );
    const own = dispatches.find((d) => d.cadence === 'weekly_reminder' && d.target.ref === 'room-swj' && toLocalDate(d.at) === '2026-05-11')!;
    expect(own.text).toContain('《测试》第1项 推进招商引资项目落地｜时限：5月13日｜上次进展：60% 项目已签约，正在办理用地手续（5月7日）');
  });

  it('records the ladder on the task: 提醒单 at the chase, 督办单 after it to the lead leader', async () => {
    const { units, tasks } = run.fixture;
    const rows = await db.prisma.escalation.findMany({ where: { taskId: tasks.t4.id, unitId: units.swuj.id }, orderBy: { issuedAt: 'asc' } });
    expect(rows.map((r) => `${r.level} ${toLocalDate(r.issuedAt)}`)).toEqual([
      'reminder 2026-05-06',
      'supervision 2026-05-07',
      'reminder 2026-05-08',
      'supervision 2026-05-09',
      'reminder 2026-05-15',
      'supervision 2026-05-18',
      'reminder 2026-05-22',
      'supervision 2026-05-25',
      'reminder 2026-05-29',
    ]);
    expect(rows.every((r) => r.outboxKey?.startsWith('weekly_'))).toBe(true);
    const leaderMsg = dispatches.find((d) => d.target.ref === 'wx-chen' && d.cadence === 'weekly_escalation' && toLocalDate(d.at) === '2026-05-07')!;
    expect(leaderMsg.text).toContain('第4项 防汛设施检查｜区水务局｜经催报仍未报送｜时限：6月30日');
    // 区商务局 reported each week: never chased.
    expect(await db.prisma.escalation.count({ where: { unitId: units.swj.id, level: 'reminder' } })).toBe(0);
  });

  it('planning every slot again changes nothing: each dispatch exists once', async () => {
    const before = await db.prisma.outbox.count();
    for (const s of await run.engine.planUpcoming(new Date('2026-04-27T00:00:00+08:00'), new Date('2026-06-01T00:00:00+08:00'))) {
      expect((await run.engine.runSlot(s.cadenceKey, s.at)).state).toBe('already');
    }
    expect(await db.prisma.outbox.count()).toBe(before);
    expect(await db.prisma.outbox.count({ where: { status: { not: 'sent' } } })).toBe(0);
  });
});
