import { addDays } from '../domain/calendar/shanghai-time.ts';
import { describeReason, HEALTH_ICON, HEALTH_SHORT, HEALTH_ORDER, type Health } from '../domain/health/index.ts';
import type { Db } from '../store/open-database.ts';
import { loadReportData, PROBLEM_WINDOW_DAYS, type ReportData, type ReportTask } from './report-data.ts';
import { cnDate, isActive, openProblems, STATUS_LABEL, statusChanges, truncate, unreportedUnits } from './report-facts.ts';
import type { ReportOptions, WeeklyDigest } from './report-types.ts';
import { COLORS, renderReportPng, type PngReport } from './render/render-report-png.ts';
import { splitForWeChat } from './split-for-wechat.ts';
import { writeReportFile } from './write-report-file.ts';
import { answerableLabel, answerableNames, shortUnitName } from './responsible-units.ts';
import { loadLeaderScope, type LeaderScope } from './leader-scope.ts';
import { instructionTally } from '../domain/instruction/index.ts';
import type { InstructionView } from '../store/instructions.ts';
import { toLocalDate } from '../domain/calendar/shanghai-time.ts';

const HEALTHS: Health[] = ['red', 'yellow', 'green', 'done', 'closed'];
const MAX_ATTENTION_LINES = 30;
const MAX_CHANGE_LINES = 20;
const MAX_INSTRUCTION_LINES = 10;
const IMAGE_CONCURRENCY = 4;
// A phone screen or two: the worst tasks, red first; the text carries the rest.
const IMAGE_ROWS = 25;
const IMAGE_BARS = 12;

/** The facts of one leader's digest, before rendering. */
export interface DigestModel {
  leaderId: number;
  leaderName: string;
  leaderTitle: string | null;
  chatId: string | null;
  date: string;
  cycleStart: string;
  /** The leader's tasks, red first. */
  tasks: ReportTask[];
  counts: Record<Health, number>;
  changes: Array<{ task: ReportTask; lines: string[] }>;
  unreported: Array<{ unitName: string; taskNos: string[] }>;
  decisions: Array<{ task: ReportTask; text: string }>;
  /** The leader's 批示 (newest first) with each unit's feedback, as of the report date. */
  instructions?: InstructionView[];
  /** Tasks named in those 批示, for their references. */
  instructionTasks?: Map<number, ReportTask>;
  /** Short unit names for the picture (区发改委). */
  shortName?: (u: { id: number; name: string }) => string;
}

/** One digest per lead leader (牵头领导) who has tasks, for private sending. */
export async function buildWeeklyDigests(prisma: Db, opts: ReportOptions): Promise<WeeklyDigest[]> {
  const data = await loadReportData(prisma, opts);
  const models = digestModels(data, await loadLeaderScope(prisma, data));
  const out: WeeklyDigest[] = models.map((model) => {
    const text = digestText(model);
    return { leaderId: model.leaderId, leaderName: model.leaderName, chatId: model.chatId, text, parts: splitForWeChat(text) };
  });
  const outDir = opts.outDir;
  if (outDir) {
    // A few images at a time: encoding runs on the thread pool, memory stays bounded.
    for (let i = 0; i < models.length; i += IMAGE_CONCURRENCY) {
      await Promise.all(
        models.slice(i, i + IMAGE_CONCURRENCY).map(async (model, k) => {
          out[i + k]!.imagePath = await writeReportFile(outDir, `weekly-${opts.date}-leader-${model.leaderId}.png`, await renderReportPng(digestPng(model)));
        }),
      );
    }
  }
  return out;
}

/**
 * One digest per leader with something to read: the tasks they lead (牵头领导), oversee by a plan's
 * roster or as a unit's 分管领导 (`scope`; without it, the tasks they lead), and their 批示.
 */
export function digestModels(data: ReportData, scope?: LeaderScope): DigestModel[] {
  const byId = new Map(data.tasks.map((t) => [t.id, t]));
  const byLeader = new Map<number, ReportTask[]>();
  if (scope) {
    for (const [id, taskIds] of scope.tasksOf) byLeader.set(id, taskIds.map((t) => byId.get(t)!).filter(Boolean));
  } else {
    for (const t of data.tasks) {
      for (const id of t.leaderIds) {
        const list = byLeader.get(id);
        if (list) list.push(t);
        else byLeader.set(id, [t]);
      }
    }
  }
  const since = addDays(data.date, -PROBLEM_WINDOW_DAYS);
  return (scope?.leaders ?? data.leaders)
    .filter((l) => byLeader.has(l.id) || scope?.instructionsOf.has(l.id))
    .map((leader) => {
      const tasks = [...(byLeader.get(leader.id) ?? [])].sort(bySeverity);
      const counts = Object.fromEntries(HEALTHS.map((h) => [h, 0])) as Record<Health, number>;
      for (const t of tasks) counts[t.health.health]++;
      const unitName = (id: number | null): string => (id === null ? '（未注明单位）' : (data.units.get(id)?.name ?? `单位${id}`));
      const changes = tasks
        .map((task) => {
          const week = task.updates.filter((u) => u.reportedOn >= data.cycleStart);
          const lines = week.map((u) => `${unitName(u.unitId)}（${cnDate(u.reportedOn)}）${u.percent !== null ? `进度${u.percent}%，` : ''}${truncate(u.text, 40)}`);
          for (const c of statusChanges(task, data.cycleStart, data.date)) lines.push(`状态由“${STATUS_LABEL[c.from]}”变为“${STATUS_LABEL[c.to]}”（${cnDate(c.on)}）`);
          if (task.closedOn && task.closedOn >= data.cycleStart) lines.push(`经复核已销号（${cnDate(task.closedOn)}）`);
          return { task, lines };
        })
        .filter((c) => c.lines.length > 0);
      const unreported = [...unreportedUnits(tasks, data.cycleStart).values()]
        .map((e) => ({ unitName: e.unit.name, taskNos: e.tasks.map((t) => t.ref) }))
        .sort((a, b) => b.taskNos.length - a.taskNos.length || a.unitName.localeCompare(b.unitName, 'zh'));
      const taskIds = new Set(tasks.map((t) => t.id));
      const decisions: DigestModel['decisions'] = [];
      for (const task of tasks) {
        for (const p of openProblems(task, since, data.units)) decisions.push({ task, text: `${p.unit?.name ?? '责任单位'}反映（${cnDate(p.reportedOn)}）：${truncate(p.problems, 60)}` });
      }
      for (const r of data.pendingRequests) {
        if (!taskIds.has(r.taskId) || r.kind === 'close') continue;
        const who = r.unitId !== null ? unitName(r.unitId) : r.requestedBy;
        const what = r.kind === 'extension' ? `申请延期${r.newDeadline ? `至${cnDate(r.newDeadline)}` : ''}` : '申请转办';
        decisions.push({ task: byId.get(r.taskId)!, text: `${who}${what}（${cnDate(r.createdOn)}）${r.reason ? `，理由：${truncate(r.reason, 40)}` : ''}，待审批` });
      }
      const instructions = scope?.instructionsOf.get(leader.id) ?? [];
      return {
        leaderId: leader.id, leaderName: leader.name, leaderTitle: leader.title, chatId: leader.chatId, date: data.date, cycleStart: data.cycleStart, tasks, counts, changes, unreported, decisions,
        instructions, instructionTasks: byId, shortName: shortUnitName(data.units),
      };
    });
}

/** The lead units; a plan that names none is answered for by its 责任单位 (see answerableUnits). */
export function unitsShown(t: ReportTask): string {
  return answerableNames(t);
}

export function bySeverity(a: ReportTask, b: ReportTask): number {
  return HEALTH_ORDER[a.health.health] - HEALTH_ORDER[b.health.health] || lateDays(b) - lateDays(a) || a.id - b.id;
}

function lateDays(t: ReportTask): number {
  return Math.max(0, ...t.health.reasons.map((r) => ('workdaysLate' in r ? r.workdaysLate : 0)));
}

export function digestText(m: DigestModel): string {
  const c = m.counts;
  const lines: string[] = [];
  lines.push(`【周调度简报】${m.leaderName}同志：`);
  lines.push(
    `截至${cnDate(m.date)}（本周${cnDate(m.cycleStart)}—${cnDate(m.date)}），您牵头或分管的重点任务共${m.tasks.length}项：🔴红灯${c.red}项、🟡黄灯${c.yellow}项、🟢绿灯${c.green}项、✅已完成待销号${c.done}项、☑️已销号${c.closed}项。`,
  );
  if (m.instructions?.length) lines.push(`${instructionTally(m.instructions).line}（详见第五部分）。`);
  const attention = m.tasks.filter((t) => t.health.health === 'red' || t.health.health === 'yellow');
  lines.push('', `一、需关注的任务（${attention.length}项，红灯在前）`);
  if (!attention.length) lines.push('无。');
  attention.slice(0, MAX_ATTENTION_LINES).forEach((t, i) => {
    lines.push(`${i + 1}. ${HEALTH_ICON[t.health.health]}〔${t.ref}〕${t.name}｜${t.health.reasons.map((r) => describeReason(r, m.date)).join('；')}｜${answerableLabel(t)}｜进度${t.percent ?? 0}%`);
  });
  if (attention.length > MAX_ATTENTION_LINES) lines.push(`……另有${attention.length - MAX_ATTENTION_LINES}项，详见附图。`);

  const changeCount = m.changes.reduce((n, x) => n + x.lines.length, 0);
  lines.push('', `二、本周进展（${m.changes.length}项任务有更新，共${changeCount}条）`);
  if (!m.changes.length) lines.push('本周无进展报送。');
  let shown = 0;
  for (const ch of m.changes) {
    if (shown >= MAX_CHANGE_LINES) break;
    lines.push(`·〔${ch.task.ref}〕${ch.task.name}：${ch.lines.slice(0, 3).join('；')}${ch.lines.length > 3 ? `等${ch.lines.length}条` : ''}`);
    shown++;
  }
  if (m.changes.length > shown) lines.push(`……另有${m.changes.length - shown}项任务有更新。`);

  lines.push('', `三、本周未报送进展的单位（${m.unreported.length}个）`);
  if (!m.unreported.length) lines.push('各责任单位均已报送。');
  for (const u of m.unreported.slice(0, 30)) lines.push(`· ${u.unitName}：${u.taskNos.slice(0, 8).map((n) => `〔${n}〕`).join('')}${u.taskNos.length > 8 ? `等${u.taskNos.length}项` : ''}`);
  if (m.unreported.length > 30) lines.push(`……另有${m.unreported.length - 30}个单位。`);

  lines.push('', `四、需要您协调决策的事项（${m.decisions.length}项）`);
  if (!m.decisions.length) lines.push('无。');
  m.decisions.slice(0, 20).forEach((d, i) => lines.push(`${i + 1}. 〔${d.task.ref}〕${d.task.name}：${d.text}`));
  if (m.decisions.length > 20) lines.push(`……另有${m.decisions.length - 20}项。`);
  if (m.instructions?.length) {
    lines.push('', `五、${instructionTally(m.instructions).line}`);
    m.instructions.slice(0, MAX_INSTRUCTION_LINES).forEach((i, n) => lines.push(`${n + 1}. ${instructionLine(i, m.instructionTasks)}`));
    if (m.instructions.length > MAX_INSTRUCTION_LINES) lines.push(`……另有${m.instructions.length - MAX_INSTRUCTION_LINES}条，私聊发送“我的批示”查看。`);
  }
  return lines.join('\n');
}

export function digestPng(m: DigestModel): PngReport {
  const c = m.counts;
  const active = m.tasks.filter(isActive);
  // One plan: its name once in the subtitle and short numbers in the rows; several: the plan on each row.
  const plans = [...new Set(m.tasks.map((t) => t.plan).filter(Boolean))];
  const onePlan = plans.length <= 1;
  const ref = (t: ReportTask) => (onePlan ? t.no : t.ref);
  const tally = m.instructions?.length ? instructionTally(m.instructions) : null;
  return {
    title: `${m.leaderName}同志重点任务周调度简报`,
    subtitle: `${cnDate(m.cycleStart)}—${cnDate(m.date)}｜${onePlan && plans[0] ? `《${plans[0]}》` : ''}共${m.tasks.length}项任务${tally ? `｜${tally.line}` : ''}`,
    // Six tiles leave room for shorter labels only.
    tiles: [
      { label: tally ? '红灯·逾期受阻' : '红灯（逾期/受阻）', value: String(c.red), color: COLORS.red },
      { label: tally ? '黄灯·有风险' : '黄灯（有风险）', value: String(c.yellow), color: COLORS.yellow },
      { label: tally ? '绿灯·正常' : '绿灯（正常）', value: String(c.green), color: COLORS.green },
      { label: '已完成/已销号', value: String(c.done + c.closed), color: COLORS.done },
      { label: '未报送单位', value: String(m.unreported.length), color: COLORS.accent },
      ...(tally ? [{ label: '批示已反馈', value: `${tally.answered}/${tally.total}`, color: COLORS.ink }] : []),
    ],
    chart: {
      title: '在办任务进度',
      bars: active.slice(0, IMAGE_BARS).map((t) => ({
        label: `${onePlan ? `第${t.no}项` : `〔${t.ref}〕`} ${t.name}`,
        segments: [
          { value: t.percent ?? 0, color: COLORS[t.health.health] },
          { value: 100 - (t.percent ?? 0), color: COLORS.band },
        ],
        note: `${t.percent ?? 0}%`,
      })),
    },
    table: {
      title: '任务清单（红灯在前）',
      columns: [
        { title: '状态', width: 1.3 },
        { title: '编号', width: onePlan ? 0.9 : 2 },
        // One line held about 9 characters of a task's name: two lines, and a wider column, let a
        // leader tell similar tasks apart; the units and the reasons wrap for the same reason.
        { title: '任务', width: 4, maxLines: 2 },
        { title: '牵头/责任单位', width: 2.6, maxLines: 2 },
        { title: '进度', width: 0.9, align: 'right' },
        { title: '情况', width: onePlan ? 3.8 : 3, maxLines: 2 },
      ],
      rows: m.tasks.slice(0, IMAGE_ROWS).map((t) => ({
        dot: COLORS[t.health.health],
        emphasis: t.health.health === 'red',
        cells: [HEALTH_SHORT[t.health.health], ref(t), t.name, answerableNames(t, m.shortName), `${t.percent ?? 0}%`, t.health.reasons.map((r) => describeReason(r, m.date)).join('；') || STATUS_LABEL[t.status]],
      })),
    },
    footer: [
      ...(m.tasks.length > IMAGE_ROWS ? [`另有${m.tasks.length - IMAGE_ROWS}项任务未列出，见文字版。`] : []),
      m.unreported.length ? `本周未报送：${m.unreported.map((u) => u.unitName).join('、')}` : '本周各责任单位均已报送。',
      ...(m.instructions ?? []).slice(0, 5).map((i) => instructionLine(i, m.instructionTasks, { brief: true })),
      '红灯：逾期或受阻；黄灯：时限或节点临近且进度落后于时序，或本周未报送；节假日顺延至下一个工作日。',
    ],
  };
}

/** 5月11日批示〔政府工作报告·3〕“请…”：区商务局已反馈（5月12日：完成60%…）；区住建局未反馈（要求5月15日前） */
export function instructionLine(i: InstructionView, tasks?: ReadonlyMap<number, { ref: string }>, opts: { brief?: boolean } = {}): string {
  const refs = [...new Set(i.targets.map((t) => tasks?.get(t.taskId)?.ref ?? `任务${t.taskId}`))].map((r) => `〔${r}〕`).join('');
  const answers = i.targets.map((t) => {
    const many = new Set(i.targets.map((x) => x.taskId)).size > 1 ? `（${tasks?.get(t.taskId)?.ref ?? t.taskId}）` : '';
    if (t.answeredAt) return `${t.unitName}${many}已反馈（${cnDate(toLocalDate(t.answeredAt))}${opts.brief ? '' : `：${truncate(t.feedback?.text ?? '', 30)}`}）`;
    if (!t.open) return `${t.unitName}${many}已报完成或销号`;
    return `${t.unitName}${many}未反馈${i.dueOn ? `（要求${cnDate(i.dueOn)}前）` : ''}`;
  });
  return `${cnDate(toLocalDate(i.issuedAt))}批示${refs}${opts.brief ? '' : `“${truncate(i.text, 40)}”`}：${answers.join('；')}`;
}
