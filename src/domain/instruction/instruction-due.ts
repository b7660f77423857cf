import { addDays, lastDayOfMonth, weekday, type LocalDate } from '../calendar/shanghai-time.ts';
import { parseNumeral } from '../reply/chinese-number.ts';

const pad = (n: number) => String(n).padStart(2, '0');
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 0, 天: 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 0 };

/**
 * The due date a 批示 sets, as leaders write it: 周五前 / 本周五前 (this week's Friday, or next
 * week's when today is past it), 下周一前, 5月20日前, 20日前, 月底前, 3天内. Null when it sets none.
 */
export function instructionDue(text: string, today: LocalDate): LocalDate | null {
  const s = text.normalize('NFKC');
  let m = /(本|这|下)?(?:周|星期|礼拜)([一二三四五六日天1-7])(?:之?前|以前|下班前|内|为限|报|反馈)/.exec(s);
  if (m) {
    const target = WEEKDAY[m[2]!]!;
    const now = weekday(today);
    // Monday-based weeks: 周日 is the week's last day.
    const idx = (d: number) => (d === 0 ? 7 : d);
    let diff = idx(target) - idx(now);
    if (m[1] === '下') diff += 7;
    else if (diff < 0) diff += 7;
    return addDays(today, diff);
  }
  m = /(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?(?:之?前|以前|内)/.exec(s);
  if (m) return dated(m[1] ? Number(m[1]) : null, Number(m[2]), Number(m[3]), today);
  m = /(?<![月\d])(\d{1,2})[日号](?:之?前|以前)/.exec(s);
  if (m) {
    const d = Number(m[1]);
    const [y, mo] = today.split('-').map(Number) as [number, number];
    const here = dated(y, mo, d, today);
    return here && here >= today ? here : dated(mo === 12 ? y + 1 : y, mo === 12 ? 1 : mo + 1, d, today);
  }
  if (/(本月|这个月)?月底(之?前|以前)/.test(s)) return lastDayOfMonth(today);
  m = /([0-9一二两三四五六七八九十]{1,3})(?:个)?(?:工作)?(?:日|天)内/.exec(s);
  if (m) {
    const n = parseNumeral(m[1]!);
    if (n !== null && n > 0 && n < 100) return addDays(today, n);
  }
  if (/(今天|当天|今日)(之?内|下班前|前)/.test(s)) return today;
  if (/明天(之?内|下班前|前)/.test(s)) return addDays(today, 1);
  return null;
}

function dated(y: number | null, mo: number, d: number, today: LocalDate): LocalDate | null {
  if (mo < 1 || mo > 12 || d < 1) return null;
  const build = (year: number): LocalDate | null => {
    const first = `${year}-${pad(mo)}-01`;
    return d > Number(lastDayOfMonth(first).slice(8)) ? null : `${year}-${pad(mo)}-${pad(d)}`;
  };
  if (y !== null) return build(y);
  const year = Number(today.slice(0, 4));
  const here = build(year);
  return here && here >= today ? here : build(year + 1);
}
