import { readLeaderQuestion, type LeaderQuestion } from '../domain/instruction/leader-question.ts';


export type ChatCommand =
  | { name: 'help' }
  | { name: 'myTasks' }
  | { name: 'progress'; taskRef: string; text: string }
  | { name: 'overdue' }
  | { name: 'requestClose'; taskRef: string; reason: string }
  | { name: 'requestExtension'; taskRef: string; date: string; reason: string }
  | { name: 'weeklyDigest' }
  | { name: 'approve'; taskRef: string; note: string }
  | { name: 'return'; taskRef: string; reason: string }
  | { name: 'transfer'; taskRef: string; unit: string; from?: string }
  | { name: 'requestTransfer'; taskRef: string; unit: string; reason: string }
  | { name: 'pause' }
  | { name: 'resume' }
  | { name: 'pushNow' }
  | { name: 'query'; unit: string }
  | { name: 'bind'; unit: string }
  | { name: 'failures' }
  | { name: 'archivePlan'; plan: string; archived: boolean }
  | { name: 'listCadences' }
  | { name: 'leave'; person?: string; onLeave: boolean }
  | { name: 'setBackup'; contact: string; backup: string }
  | { name: 'setCadence'; cadence: string; enabled?: boolean; time?: string; weekday?: number }
  // Leaders in the loop (issue 16): an admin's 代录批示, a leader's questions.
  | { name: 'proxyInstruction'; leader: string; text: string }
  | { name: 'leaderQuestion'; question: LeaderQuestion; text: string }
  | { name: 'register'; unit: string | null; role: string }
  | { name: 'decideAccess'; kind: 'register' | 'bind_group'; id: number; approve: boolean; text: string }
  | { name: 'answerWaiting'; id: number; text: string }
  | { name: 'listWaiting' };

// A task reference: an optional plan name (《政府工作报告》 / 重大项目), then the number (第2项, 二, 3).
const NO = '((?:《[^》]{1,30}》)?\\s*(?:[\\u4e00-\\u9fa5A-Za-z][\\u4e00-\\u9fa5A-Za-z0-9#]{1,17}?)?\\s*第?\\s*[0-9一二三四五六七八九十百两]{1,6}(?:\\.[0-9]{1,3})*\\s*[项号条]?)';
const RULES: [RegExp, (m: RegExpExecArray) => ChatCommand][] = [
  [/^(帮助|help|菜单|\?|？|使用说明)$/i, () => ({ name: 'help' })],
  [/^(我的任务|任务清单|任务列表|本单位任务)$/, () => ({ name: 'myTasks' })],
  [new RegExp(`^进展\\s*${NO}[\\s:：,，]+([\\s\\S]+)$`), (m) => ({ name: 'progress', taskRef: m[1]!, text: m[2]!.trim() })],
  [/^(逾期|逾期任务|超期任务)$/, () => ({ name: 'overdue' })],
  [new RegExp(`^申请销号\\s*${NO}(?:[\\s:：,，]+([\\s\\S]*))?$`), (m) => ({ name: 'requestClose', taskRef: m[1]!, reason: (m[2] ?? '').trim() })],
  [new RegExp(`^申请延期\\s*${NO}[\\s:：,，]+(\\S+?)(?:[\\s:：,，]+([\\s\\S]*))?$`), (m) => ({ name: 'requestExtension', taskRef: m[1]!, date: m[2]!, reason: (m[3] ?? '').trim() })],
  // 申请转办 3 区住建局 征收工作由住建局负责: a unit asks the office to move its part to another unit.
  [new RegExp(`^申请转办\\s*${NO}[\\s:：,，]+(\\S+?)(?:[\\s:：,，]+([\\s\\S]*))?$`), (m) => ({ name: 'requestTransfer', taskRef: m[1]!, unit: m[2]!, reason: (m[3] ?? '').trim() })],
  [/^(本周汇总|周汇总|本周情况)$/, () => ({ name: 'weeklyDigest' })],
  [new RegExp(`^复核\\s*${NO}(?:[\\s:：,，]+([\\s\\S]*))?$`), (m) => ({ name: 'approve', taskRef: m[1]!, note: (m[2] ?? '').trim() })],
  [new RegExp(`^退办\\s*${NO}(?:[\\s:：,，]+([\\s\\S]*))?$`), (m) => ({ name: 'return', taskRef: m[1]!, reason: (m[2] ?? '').trim() })],
  // 转办 3 区住建局 (to), or 转办 3 区商务局 区住建局 (from, to) when several units share the task.
  [new RegExp(`^转办\\s*${NO}[\\s:：,，]+(\\S+)(?:\\s+(\\S+))?\\s*$`), (m) => (m[3] ? { name: 'transfer', taskRef: m[1]!, from: m[2]!, unit: m[3] } : { name: 'transfer', taskRef: m[1]!, unit: m[2]! })],
  [/^(暂停提醒|暂停推送)$/, () => ({ name: 'pause' })],
  [/^(恢复提醒|恢复推送)$/, () => ({ name: 'resume' })],
  [/^(立即推送|马上推送)$/, () => ({ name: 'pushNow' })],
  [/^查询\s*(\S+)\s*$/, (m) => ({ name: 'query', unit: m[1]! })],
  [/^绑定\s*(\S+)\s*$/, (m) => ({ name: 'bind', unit: m[1]! })],
  [/^(?:我)?(请假|销假)(?:\s+(\S{2,20}))?$/, (m) => ({ name: 'leave', onLeave: m[1] === '请假', ...(m[2] ? { person: m[2] } : {}) })],
  [/^设置\s*B角\s+(\S{2,20})\s+(\S{2,20})$/i, (m) => ({ name: 'setBackup', contact: m[1]!, backup: m[2]! })],
  [/^(异常消息|失败消息)$/, () => ({ name: 'failures' })],
  [/^(归档|恢复)方案\s*(\S.*?)\s*$/, (m) => ({ name: 'archivePlan', plan: m[2]!, archived: m[1] === '归档' })],
  // 登记 区商务局 联络员 / 登记 牵头领导: asks an admin to make this chat identity a contact, leader or admin.
  [/^登记\s*(\S+?)(?:\s+(\S+))?\s*$/, (m) => (m[2] ? { name: 'register', unit: m[1]!, role: m[2] } : { name: 'register', unit: null, role: m[1]! })],
  // 批准 登记 3 / 驳回 登记 3 理由 / 批准 绑定 4 [单位]: an admin decides an access request by its number.
  [/^(批准|驳回)\s*(登记|绑定)\s*(?:申请)?\s*#?(\d{1,9})(?:[\s:：,，]+([\s\S]*))?$/, (m) => ({ name: 'decideAccess', approve: m[1] === '批准', kind: m[2] === '登记' ? 'register' : 'bind_group', id: Number(m[3]), text: (m[4] ?? '').trim() })],
  [/^(待办|待办消息|待处理消息)$/, () => ({ name: 'listWaiting' })],
  // 答复 12 可以，按新时限报送: an admin answers the forwarded question numbered 12 (the notice shows the 编号).
  [/^答复\s*(?:编号)?\s*#?(\d{1,9})(?:[\s:：,，]+([\s\S]*))?$/, (m) => ({ name: 'answerWaiting', id: Number(m[1]), text: (m[2] ?? '').trim() })],
  [/^(提醒设置|调度设置|推送设置)$/, () => ({ name: 'listCadences' })],
  [/^(启用|停用)提醒\s*(\S+)$/, (m) => ({ name: 'setCadence', cadence: m[2]!, enabled: m[1] === '启用' })],
  [/^设置提醒\s*(\S+)\s+(?:时间\s*)?(\d{1,2}):(\d{2})$/, (m) => ({ name: 'setCadence', cadence: m[1]!, time: `${m[2]!.padStart(2, '0')}:${m[3]}` })],
  [/^设置提醒\s*(\S+)\s+(?:每)?(?:周|星期)([一二三四五六日天1-7])$/, (m) => ({ name: 'setCadence', cadence: m[1]!, weekday: '一二三四五六'.indexOf(m[2]!) + 1 || (/[日天]/.test(m[2]!) ? 7 : Number(m[2])) })],
];

/** The command a chat message gives, or null when it is free text (a report, a receipt, chatter). */
export function parseChatCommand(raw: string, botName: string): ChatCommand | null {
  // Fold only full-width digits and letters: reasons keep their Chinese punctuation as written.
  const text = raw
    .replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u2005\u3000]/g, ' ')
    .split(`@${botName}`)
    .join(' ')
    .trim();
  for (const [re, make] of RULES) {
    const m = re.exec(text);
    if (m) return make(m);
  }
  return leaderCommand(text);
}

// ── Leaders in the loop (issue 16) ─────────────────────────────────────────────────────────────
// 代录批示 <领导姓名> <批示内容>: an admin records a leader's 批示 given on paper or by phone.
const PROXY_INSTRUCTION = /^代录批示\s*[:：]?\s*(\S{2,8}?)\s*[:：,，\s]\s*([\s\S]+)$/;

/** The leaders' commands: 代录批示, and the questions (第3项怎么样了, 区住建局的任务, 逾期的, 我的批示). */
function leaderCommand(text: string): ChatCommand | null {
  const m = PROXY_INSTRUCTION.exec(text);
  if (m) return { name: 'proxyInstruction', leader: m[1]!, text: m[2]!.trim() };
  const question = readLeaderQuestion(text);
  return question ? { name: 'leaderQuestion', question, text } : null;
}
