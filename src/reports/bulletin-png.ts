import { LOCAL_VALUE_RULE, type BulletinModel } from './bulletin-model.ts';
import { bulletinTitle } from './bulletin-text.ts';
import { cnDate, pct } from './report-facts.ts';
import { COLORS, type PngReport } from './render/render-report-png.ts';

const MAX_ROWS = 50;
const MAX_BARS = 20;

export function bulletinPng(m: BulletinModel): PngReport {
  const t = m.totals;
  // Scored rows, best first; with all values equal they carry no rank (shown as —).
  const ranked = m.rows.filter((r) => r.score !== null);
  return {
    title: bulletinTitle(m),
    subtitle: `截至${cnDate(m.date)}｜任务${t.tasks}项｜参与排名单位${ranked.length}个｜按时报送率${t.reportsDue ? pct(t.reportsOnTime / t.reportsDue) : '—'}`,
    tiles: [
      { label: '红灯（逾期/受阻）', value: String(t.red), color: COLORS.red },
      { label: '黄灯（有风险）', value: String(t.yellow), color: COLORS.yellow },
      { label: '绿灯（正常）', value: String(t.green), color: COLORS.green },
      { label: '已完成/已销号', value: String(t.done + t.closed), color: COLORS.done },
      { label: '逾期任务', value: String(t.overdue), color: COLORS.accent },
    ],
    chart: {
      title: `单位得分（前${Math.min(MAX_BARS, ranked.length)}名，满分10分）`,
      bars: ranked.slice(0, MAX_BARS).map((r) => ({
        label: `${r.rank ?? '—'}. ${r.unitName}`,
        segments: [{ value: r.score ?? 0, color: r.overdue ? COLORS.red : COLORS.green }],
        note: `${r.score}`,
      })),
      // A ranked unit is named in full: room for 国家税务总局南昌市东湖区税务局 after its rank.
      labelWidth: 330,
      legend: [
        { label: '无逾期任务', color: COLORS.green },
        { label: '有逾期任务', color: COLORS.red },
      ],
    },
    table: {
      title: '各单位得分排名',
      columns: [
        { title: '名次', width: 0.8, align: 'center' },
        { title: '单位', width: 3.2 },
        { title: '任务', width: 0.9, align: 'right' },
        { title: '按时报送', width: 1.5, align: 'right' },
        { title: '已完成', width: 1.2, align: 'right' },
        { title: '平均进度', width: 1.2, align: 'right' },
        { title: '逾期', width: 0.9, align: 'right' },
        { title: '本地值', width: 1.2, align: 'right' },
        { title: '得分', width: 1, align: 'right' },
      ],
      rows: ranked.slice(0, MAX_ROWS).map((r) => ({
        dot: r.overdue ? COLORS.red : COLORS.green,
        emphasis: r.rank !== null && r.rank <= 3,
        cells: [r.rank === null ? '—' : String(r.rank), r.unitName, String(r.tasks), `${r.reportsOnTime}/${r.reportsDue}`, `${r.completed}`, pct(r.meanProgress), String(r.overdue), String(r.localValue), String(r.score)],
      })),
    },
    footer: [
      ...(ranked.length > MAX_ROWS ? [`另有${ranked.length - MAX_ROWS}个单位未列出，全表见通报附件（Word）和数据表（Excel）。`] : []),
      `评分办法：${LOCAL_VALUE_RULE}；${m.scoring.rule}`,
    ],
  };
}
