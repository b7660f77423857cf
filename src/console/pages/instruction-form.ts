import { isLocalDate, toLocalDate, type LocalDate } from '../../domain/calendar/shanghai-time.ts';
import type { InstructionSubject } from '../../chat/instructions.ts';
import type { Ctx } from '../console-deps.ts';
import { formKeyField } from '../console-turn.ts';
import { html, type Html } from '../html.ts';
import { field } from '../http-utils.ts';
import { csrfField } from '../layout.ts';

const ROLE = { lead: '牵头', responsible: '责任', participating: '参加' } as const;

/** The task as the form needs it: its leaders first in the list, its parts still to be worked on as the units to choose from. */
export interface FormTask {
  id: number;
  leaders: ReadonlyArray<{ person: { id: number; name: string } }>;
  assignments: ReadonlyArray<{ state: string; role: keyof typeof ROLE; unit: { id: number; name: string } }>;
}

/**
 * 代录批示 on a task's page: the leader (the task's own first, then the directory's other leaders),
 * the words, an optional due date and optional units. What it leaves out is decided as for the chat's
 * 代录批示: the units the words name, else the task's lead and responsible units; the due date the words set.
 */
export async function instructionForm(ctx: Ctx, task: FormTask, draft?: InstructionDraft): Promise<Html> {
  const all = await ctx.deps.prisma.person.findMany({ where: { kind: 'leader' }, select: { id: true, name: true, title: true }, orderBy: { name: 'asc' } });
  const own = new Set(task.leaders.map((l) => l.person.id));
  const option = (p: { id: number; name: string; title: string | null }) => html`<option value="${p.id}" ${p.id === draft?.leaderId ? 'selected' : ''}>${p.name}${p.title ? `（${p.title}）` : ''}</option>`;
  const open = task.assignments.filter((a) => a.state !== 'closed' && a.state !== 'reported_done');
  // Folded away until wanted; open again with what was typed when it was refused.
  return html`<details class="item" id="proxy-instruction" style="margin-top:12px" ${draft ? 'open' : ''}><summary><b>代录批示</b> <span class="muted">领导在纸质文件上或电话中作出的批示，由督办室代为录入</span></summary>
<form method="post" action="/tasks/${task.id}/instruction" style="margin-top:10px">${csrfField(ctx.user)}${formKeyField()}
<p class="muted" style="margin-top:0">以领导名义转达各单位群并@联络员，催报至反馈，记入审计日志；与群内“代录批示 领导姓名 内容”相同。</p>
<div style="display:flex;gap:12px;flex-wrap:wrap;align-items:end">
<label>领导<select name="leader" required>${all.length ? '' : html`<option value="">（通讯录中没有领导）</option>`}
${all.some((p) => own.has(p.id)) ? html`<optgroup label="本任务牵头领导">${all.filter((p) => own.has(p.id)).map(option)}</optgroup>` : ''}
${all.some((p) => !own.has(p.id)) ? html`<optgroup label="其他领导">${all.filter((p) => !own.has(p.id)).map(option)}</optgroup>` : ''}</select></label>
<label>反馈时限（可选）<input type="date" name="dueOn" value="${draft?.dueOn ?? ''}"></label></div>
<p><label>批示内容<textarea name="text" rows="3" required placeholder="如：请加快推进，本月底前拿出方案">${draft?.text ?? ''}</textarea></label></p>
${open.length ? html`<p style="display:flex;gap:12px;flex-wrap:wrap;align-items:center;margin:0 0 8px"><span class="muted">转达单位（可选）：</span>${open.map((a) => html`<label style="flex-direction:row;align-items:center;gap:4px"><input type="checkbox" name="unit" value="${a.unit.id}" ${draft?.unitIds.includes(a.unit.id) ? 'checked' : ''}>${a.unit.name}（${ROLE[a.role]}）</label>`)}</p>` : ''}
<p class="muted" style="margin:0 0 8px">不选单位：按批示中点名的单位，未点名则转达牵头、责任单位；不填时限：按批示中的“周五前”等，未写则下一个报送周期内反馈。</p>
<button>记录并转达</button></form></details>`;
}

/** What the form was sent with, shown again when it is refused. */
export interface InstructionDraft {
  leaderId: number;
  text: string;
  dueOn: string;
  unitIds: number[];
  formKey: string;
}

/** The form as sent: the leader's directory id, the words, the optional date and units. */
export function readInstructionForm(ctx: Ctx): InstructionDraft {
  const f = ctx.form!;
  const leader = field(f, 'leader');
  return {
    // An id that is not a number names no leader: the shared path answers “没有所选的领导”.
    leaderId: /^\d{1,9}$/.test(leader) ? Number(leader) : 0,
    text: field(f, 'text'), dueOn: field(f, 'dueOn'), formKey: field(f, 'formKey'),
    unitIds: f.getAll('unit').map(Number).filter((n) => Number.isInteger(n) && n > 0),
  };
}

/** The 批示's subject on this task; a date that is not one, or is past, is refused in Chinese. */
export function instructionSubject(ctx: Ctx, taskId: number, d: InstructionDraft): InstructionSubject | { error: string } {
  const today = toLocalDate(ctx.deps.clock.now());
  if (d.dueOn && (!isLocalDate(d.dueOn) || d.dueOn < today)) return { error: `反馈时限“${d.dueOn}”无效：请选择今天（${today}）或以后的日期。` };
  return { taskId, unitIds: d.unitIds, dueOn: (d.dueOn || null) as LocalDate | null };
}
