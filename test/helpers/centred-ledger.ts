import { tablePdf } from './table-pdf.ts';

/**
 * A 民生实事 ledger whose short cells (序号, leader, units, deadline) are vertically centred beside
 * a task cell of several lines, as offices print them; rows of one line and of four alternate so a
 * reader that starts a row at its 序号 would give the top half of each tall cell to the row above.
 * Written here (fixture d22 and the PDF tests).
 */
export function centredLedger(o: { rules: boolean; valign?: 'top' | 'middle' }): Buffer {
  const rows: string[][] = [['一、教育医疗']];
  const tasks: [string, string, string, string, string][] = [
    ['新建改扩建中小学校3所，新增学位2400个，同步建设配套运动场地和食堂，秋季学期前投入使用，确保开学时师资配备到位，并完成校园安全设施验收。', '韩冰', '区教体局', '区住建局、区发改委、区财政局', '2026年8月底前'],
    ['建成社区卫生服务中心2个。', '马骏', '区卫健委', '区住建局', '2026年11月底前'],
    ['推进区人民医院门诊楼改造，完成门诊流程再造和智慧服务系统建设，门诊平均候诊时间缩短到20分钟以内。', '马骏', '区卫健委', '区财政局', '2026年10月底前'],
    ['新增普惠性托位300个。', '韩冰', '区卫健委', '各街道', '2026年12月底前'],
  ];
  const more: [string, string, string, string, string][] = [
    ['完成老旧小区改造12个，惠及居民4300户，同步推进加装电梯和停车设施建设，改善居住环境，年底前全部完成竣工验收并移交物业管理。', '马骏', '区住建局', '各街道', '2026年12月底前'],
    ['新建口袋公园5个。', '韩冰', '区城管局', '区住建局', '2026年9月底前'],
    ['实施背街小巷整治30条，完成路面修复、管线入地和立面整治，同步完善照明和排水设施，打造一批特色街巷。', '韩冰', '区城管局', '区住建局、各街道', '2026年11月底前'],
  ];
  let no = 0;
  for (const t of tasks) rows.push([String(++no), ...t]);
  rows.push(['二、城市更新']);
  // Enough rows that the table runs onto a second page, the header printed again there.
  for (let round = 0; round < 5; round++) for (const t of more) rows.push([String(++no), round ? t[0].replace(/^(\S{2})/, `$1（第${round + 1}批）`) : t[0], ...t.slice(1)]);
  return tablePdf({
    title: '东湖区2026年民生实事任务台账',
    header: ['序号', '工作任务', '牵头领导', '牵头单位', '配合单位', '完成时限'],
    widths: [40, 330, 70, 110, 110, 100],
    rows,
    valign: o.valign ?? 'middle',
    rules: o.rules,
  });
}
