/**
 * The particulars of a plan printed around its body: title, issuing office, document number and
 * date — including the forms a web scrape leaves behind (东府办发202228, 2022年630).
 */

export interface SourceLine {
  no: number;
  text: string;
}

export interface DocumentHeader {
  title: string | null;
  issuer: string | null;
  docNumber: string | null;
  issuedOn: string | null;
}

const FURNITURE =
  /^(•|·)|索引号|发布机构|生成日期|文件编号|公开范围|公开方式|分享到|浏览量|【字体|关联稿件|相关附件|手机扫码|关于我们|网站地图|^主办[:：]|承办[:：]|版权所有|ICP备|网站标识码|公网安备|^打印本页|^关闭窗口|^【打印】/;

/** Page numbers a PDF or Word conversion leaves between lines: "— 3 —", "-12-", "第 2 页 共 9 页". */
const PAGE_NUMBER = /^[-—－–\s]*\d{1,4}[-—－–\s]*$|^第\s*\d+\s*页(\s*[，,]?\s*共\s*\d+\s*页)?$/;

export function isFurniture(text: string): boolean {
  const t = text.trim();
  return FURNITURE.test(t) || PAGE_NUMBER.test(t);
}

const DOC_NUMBER = /^([\u4e00-\u9fa5]{1,12}?[发字函办])\s*[〔［\[（(【]?\s*((?:19|20)\d{2})\s*[〕］\]）)】]?\s*第?\s*(\d{1,4})\s*号?$/;
const DATE_LINE = /^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/;
const DAMAGED_DATE_LINE = /^((?:19|20)\d{2})\s*年\s*(\d{2,4})$/;
const PRINTED_LINE = /^(.+?)\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*印发$/;
const ORG_LINE = /^[\u4e00-\u9fa5（）()]{4,40}(办公室|人民政府|委员会|政府|局|委|部|办|中心|党委|党组|工委|指挥部|领导小组)$/;
const PLAN_WORD = /(方案|计划|意见|要点|清单|办法|细则|安排|规划|台账|分解表|任务书|责任书|措施|分工|工作表|重点任务|任务分解|实事)$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function validDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * A notice's publication note, the bracketed line official notices print after the date to say
 * whether and how the document is released (此件…公开 / 此件不予公开 / 此件发至…): like the date line,
 * it closes the notice itself.
 */
const PUBLICATION_NOTE = /^[（(]此件(?:主动|依申请)?(?:公开|不予?公开|发至)[^（()）]{0,16}[）)]$/;

export function isPublicationNote(text: string): boolean {
  return PUBLICATION_NOTE.test(text.trim());
}

/** "2022年 6月 30日" or the scraped "2022年630" → 2022-06-30. */
export function readDateLine(text: string): string | null {
  const t = text.trim();
  const m = DATE_LINE.exec(t);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  const d = DAMAGED_DATE_LINE.exec(t);
  if (d) {
    const y = Number(d[1]);
    const digits = d[2]!;
    // Month first with one digit, then two (630 → 6-30; 1231 → 12-31).
    for (const cut of [1, 2]) {
      if (digits.length - cut < 1 || digits.length - cut > 2) continue;
      const date = validDate(y, Number(digits.slice(0, cut)), Number(digits.slice(cut)));
      if (date) return date;
    }
  }
  return null;
}

export function readDocNumber(text: string): string | null {
  const m = DOC_NUMBER.exec(text.trim().replace(/\s+/g, ''));
  return m ? `${m[1]}〔${m[2]}〕${m[3]}号` : null;
}

/** A scrape drops opening quotes: 东湖区强攻二季度…” → 东湖区“强攻二季度…”. */
export function restoreOpeningQuote(title: string): string {
  const opens = (title.match(/“/g) ?? []).length;
  const closes = (title.match(/”/g) ?? []).length;
  if (closes <= opens) return title;
  const close = title.indexOf('”');
  const before = title.slice(0, close);
  const m = /^(.*?(?:省|市|区|县|州|旗|镇|乡))(?!“)/.exec(before);
  const at = m ? m[1]!.length : 0;
  return `${title.slice(0, at)}“${title.slice(at)}`;
}

function cleanTitle(t: string): string {
  return restoreOpeningQuote(t.replace(/\s+/g, ''));
}

/**
 * `head` is the text before the first numbered item; `all` the whole document (the 印发 line sits
 * at the end).
 */
export function readDocumentHeader(head: SourceLine[], all: SourceLine[]): DocumentHeader {
  const lines = head.filter((l) => l.text.trim() && !isFurniture(l.text));
  let docNumber: string | null = null;
  let issuedOn: string | null = null;
  let dateIndex = -1;
  // The number stands on a line of its own, or in a cell of a page's info table ("文号：\t东府办字〔2026〕8号
  // \t发布日期：…", or one space apart where the page was printed to PDF), which is furniture, so every
  // head line is read, not only the text lines.
  for (const l of head) {
    for (const cell of [l.text, ...l.text.split(/\t|\s{2,}/), ...l.text.split(/\s+/)]) {
      docNumber ??= readDocNumber(cell.replace(/^\s*(文号|发文字号|文件编号|发文号)\s*[:：]\s*/, ''));
    }
  }
  lines.forEach((l, i) => {
    if (issuedOn == null) {
      const d = readDateLine(l.text);
      if (d) {
        issuedOn = d;
        dateIndex = i;
      }
    }
  });

  // Issuer: the signature above the date, else the 印发 line, else the notice title.
  let issuer: string | null = null;
  if (dateIndex > 0) {
    const names: string[] = [];
    for (let i = dateIndex - 1; i >= 0; i--) {
      const t = lines[i]!.text.trim().replace(/\s+/g, '');
      if (!ORG_LINE.test(t) || /^关于|印发/.test(t)) break;
      names.unshift(t);
    }
    if (names.length > 0) issuer = names.join('、');
  }
  let printedDate: string | null = null;
  for (const l of all) {
    const m = PRINTED_LINE.exec(l.text.trim());
    if (m) {
      issuer ??= m[1]!.replace(/\s+/g, '');
      printedDate = validDate(Number(m[2]), Number(m[3]), Number(m[4]));
    }
  }
  issuedOn ??= printedDate;
  const noticeTitle = joinNoticeTitle(lines);
  if (issuer == null && noticeTitle) {
    const m = /^(.+?)关于印发/.exec(noticeTitle.raw);
    if (m) issuer = m[1]!.trim().split(/\s+/).join('、');
  }

  return { title: findTitle(lines, noticeTitle?.plan ?? null), issuer, docNumber, issuedOn };
}

/** "…关于印发东湖区" + "“…”行动方案的通知" may be split over lines. */
function joinNoticeTitle(lines: SourceLine[]): { raw: string; plan: string | null } | null {
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.text.trim();
    if (!/关于印发/.test(t)) continue;
    let raw = t;
    for (let j = i + 1; j < lines.length && j <= i + 2 && !/通知$/.test(raw); j++) raw += lines[j]!.text.trim();
    const m = /关于印发《?(.+?)》?的通知/.exec(raw);
    return { raw, plan: m ? m[1]! : null };
  }
  return null;
}

/**
 * The plan's title among the lines printed above a table: the last one that reads as a title, else
 * the one nearest the table once breadcrumbs (首页 > …), 附件2 and form labels (填报单位：…) are set aside.
 */
export function pickTitleAbove(lines: string[]): string | undefined {
  const candidates = lines
    .map((l) => l.trim())
    .filter((t) => t && !isFurniture(t) && !/[>›»]/.test(t) && !/^附件\s*\d*$|^(填报|填表|报送|制表|联系人|单位|日期)|^[\u4e00-\u9fa5]{2,6}[:：]/.test(t));
  return candidates.filter(isTitleLine).pop() ?? candidates.at(-1);
}

function isTitleLine(t: string): boolean {
  const s = t.replace(/\s+/g, '');
  return PLAN_WORD.test(s) && !/通知|关于印发|》.*已经|^《|[。；]/.test(s);
}

function canPrefixTitle(t: string): boolean {
  const s = t.replace(/\s+/g, '');
  return (
    s.length <= 30 &&
    !/[。，：:；,]/.test(s) &&
    !readDateLine(s) &&
    !readDocNumber(s) &&
    !/^附件\s*\d*$|此件|通知$|^[（(].*[）)]$/.test(s) &&
    !PLAN_WORD.test(s)
  );
}

function findTitle(lines: SourceLine[], fromNotice: string | null): string | null {
  // The first title-like line: prose further down may wrap onto a line ending in 方案/安排.
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.text.trim();
    if (!isTitleLine(t)) continue;
    let title = t;
    const prev = lines[i - 1]?.text.trim();
    if (prev && title.replace(/\s+/g, '').length <= 12 && canPrefixTitle(prev)) title = prev + title;
    return cleanTitle(title);
  }
  if (fromNotice) return cleanTitle(fromNotice);
  const first = lines.find((l) => !readDocNumber(l.text) && !readDateLine(l.text));
  return first ? cleanTitle(first.text) : null;
}
