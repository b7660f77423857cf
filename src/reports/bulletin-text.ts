import { LOCAL_VALUE_RULE, type BulletinModel, type UnitRow } from './bulletin-model.ts';
import { cnDate, cnFullDate, pct } from './report-facts.ts';

const NAME_LIMIT = 20;

export function bulletinTitle(m: BulletinModel): string {
  return `关于${m.year}年${m.month}月重点任务推进情况的通报`;
}

const fmtScore = (r: UnitRow): string => `${r.score}分`;

/** The bulletin's paragraphs, as printed in the .docx and (shortened) sent as chat text. */
export function bulletinParagraphs(m: BulletinModel): { title: string; salutation: string; body: string[]; rule: string[]; signature: string; dateLine: string } {
  const t = m.totals;
  const rate = t.reportsDue ? pct(t.reportsOnTime / t.reportsDue) : '—';
  const body: string[] = [];
  body.push(`为推动重点任务落地见效，根据“周调度、旬会商、月通报”工作机制，现将${m.year}年${m.month}月（截至${cnDate(m.date)}）各单位重点任务推进情况通报如下。`);
  body.push(
    `一、总体情况。截至${cnDate(m.date)}，纳入督办的重点任务共${t.tasks}项，其中已销号${t.closed}项、已完成待销号${t.done}项，正常推进（绿灯）${t.green}项，存在风险（黄灯）${t.yellow}项，逾期或受阻（红灯）${t.red}项，逾期任务${t.overdue}项。本月共${m.weeks.length}个调度周，各单位应报送进展${t.reportsDue}次，按时报送${t.reportsOnTime}次，按时报送率${rate}。`,
  );
  const scored = m.rows.filter((r) => r.rank !== null);
  const tied = m.scoring.case === 'all_equal';
  if (!scored.length && !tied) body.push('二、排名情况。本月无承担任务的单位，不予排名。');
  else if (m.nobodyReported) {
    body.push(`二、排名情况。本月各单位应报送进展${t.reportsDue}次，均未按时报送，得分不能反映推进实绩，本期${tied ? '不排名次' : '排名仅供参考，不予表扬'}。请各单位按周报送进展。`);
  } else if (tied) {
    body.push(`二、排名情况。本月参与计分的单位${m.rows.filter((r) => r.score !== null).length}个，各单位本地值相同，均计10分，本期不排名次。各单位得分见附表。`);
  } else if (m.best.length) {
    const names = m.best.slice(0, NAME_LIMIT).map((r) => `${r.unitName}（${fmtScore(r)}）`);
    // Praise only what the figures show: a top score with missed reports or overdue tasks is not 报送及时.
    const deserved = m.best.every((r) => r.overdue === 0 && (r.reportsDue === 0 || r.reportsOnTime / r.reportsDue >= 0.8));
    body.push(
      `二、排名情况。按照评分办法，本月参与排名的单位${scored.length}个。${names.join('、')}${m.best.length > NAME_LIMIT ? `等${m.best.length}个单位` : ''}得分居前${deserved ? '，任务推进有力、报送及时，予以通报表扬' : ''}。各单位得分及排名见附表。`,
    );
  } else body.push(`二、排名情况。本月参与排名的单位${scored.length}个，各单位得分及排名见附表。`);
  if (m.withOverdue.length) {
    const names = m.withOverdue.slice(0, NAME_LIMIT).map((r) => `${r.unitName}（${r.overdue}项）`);
    body.push(
      `三、存在问题。${names.join('、')}${m.withOverdue.length > NAME_LIMIT ? `等${m.withOverdue.length}个单位` : ''}有任务逾期未完成。请上述单位主要负责同志高度重视，认真分析原因，于${cnDate(m.remedyBy)}前向督办室报送整改措施和完成时限。`,
    );
  } else body.push('三、存在问题。本月无逾期任务。');
  body.push('四、下步要求。各单位要对照任务清单和时间节点，倒排工期、挂图作战，按时报送进展；对推进中遇到的困难和问题，及时提请牵头领导协调解决，确保各项任务按期保质完成。');
  return {
    title: bulletinTitle(m),
    salutation: '各镇（街道、管理处），区直各单位：',
    body,
    rule: [`评分办法：${LOCAL_VALUE_RULE}；${m.scoring.rule}`],
    signature: '督办室',
    dateLine: cnFullDate(m.date),
  };
}

/** The chat version: the bulletin text with the top of the ranking, within a few messages. */
export function bulletinText(m: BulletinModel): string {
  const p = bulletinParagraphs(m);
  const lines = [`【月通报】${p.title}`, '', p.salutation, ...p.body.map((b) => `　　${b}`), ''];
  const scored = m.rows.filter((r) => r.rank !== null);
  if (scored.length) {
    lines.push(`附：得分排名（前${Math.min(10, scored.length)}名${scored.length > 10 ? `，共${scored.length}个单位，全表见附件` : ''}）`);
    for (const r of scored.slice(0, 10)) lines.push(`${r.rank}. ${r.unitName} ${r.score}分（本地值${r.localValue}；报送${r.reportsOnTime}/${r.reportsDue}，完成${r.completed}/${r.tasks}，逾期${r.overdue}）`);
  }
  lines.push('', ...p.rule, '', `${p.signature}　${p.dateLine}`);
  return lines.join('\n');
}
