import { describeRule, type CadenceSpec } from '../../domain/cadence/index.ts';
import { toLocalDate, toLocalTime } from '../../domain/calendar/shanghai-time.ts';
import { isDubanError } from '../../errors.ts';
import { TEMPLATE_FIELDS, unknownPlaceholders, type TemplateKind } from '../../messages/load-templates.ts';
import { previewMessage } from '../../messages/preview-template.ts';
import { currentTemplates, saveTemplateTexts } from '../../settings/message-templates.ts';
import type { Ctx } from '../console-deps.ts';
import type { Route } from '../console-deps.ts';
import { html, type Html } from '../html.ts';
import { csrfField } from '../layout.ts';

const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const KIND_LABEL: Record<TemplateKind, string> = { reminder: '周调度提醒', chase: '催报（提醒单）', escalation: '督办单', countdown: '临期提醒', lagging_report: '滞后任务书面汇报', admin: '管理员提示' };
const FIELD_LABEL: Record<string, string> = { header: '开头', task: '每项任务一行', footer: '结尾', unitHeader: '致单位开头', leaderHeader: '致领导开头', unitLine: '单位一行', noGroup: '单位未绑定群', missed: '调度错过', undeliverable: '无法送达' };

const errText = (e: unknown) => (isDubanError(e) ? `${e.message}${e.hint ? `（${e.hint}）` : ''}` : (e as Error).message);
/** A textarea sends CRLF; templates are kept with LF, as in the file. */
const textOf = (f: FormData, name: string): string | null => {
  const v = f.get(name);
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : null;
};

/**
 * 调度与模板: each cadence's time, days and switch changed through the cadence engine (the code behind
 * the chat's 设置提醒 and `duban cadence set`: same checks, same Chinese errors, audited as the
 * console account); each kind of message edited with a live preview rendered by the real template code.
 */
async function schedulesPage(ctx: Ctx, notice?: { text: string; err?: boolean; kind?: string; draft?: Record<string, string> }, status = 200): Promise<void> {
  const { prisma, cadences, templatesFile } = ctx.deps;
  const [list, runs, tpl] = await Promise.all([
    cadences ? cadences.listCadences() : prisma.schedule.findMany({ orderBy: { key: 'asc' } }).then(() => null),
    prisma.slotRun.findMany({ orderBy: { slotAt: 'desc' }, take: 20 }),
    templatesFile ? currentTemplates(prisma, templatesFile).catch((e: unknown) => e as Error) : Promise.resolve(null),
  ]);
  // Cadences with their own entry in the file (templatesFor lays it over the kind's texts).
  const own = tpl && !(tpl instanceof Error) && list ? tpl.cadenceOwn.filter((k) => list.some((c) => c.key === k)) : [];
  const note = notice ? html`<div id="notice" class="notice ${notice.err ? 'err' : ''}">${notice.text}</div>` : '';
  const cadenceRows = list
    ? list.map((c) => html`<tr id="cadence-${c.key}"><td><b>${c.title}</b><div class="muted">${c.key}</div></td>
<td colspan="5"><form method="post" action="/schedules/cadence/${c.key}" class="filters" style="margin:0;padding:0">${csrfField(ctx.user)}
${c.rule.type === 'weekly' ? html`<label>星期<select name="weekday">${WEEKDAYS.slice(1).map((w, i) => html`<option value="${i + 1}" ${c.rule.type === 'weekly' && c.rule.weekday === i + 1 ? 'selected' : ''}>${w}</option>`)}</select></label>`
        : c.rule.type === 'monthly' ? html`<label>每月几日（逗号分隔）<input name="days" value="${c.rule.days.join(',')}" size="10"></label>` : html`<label>规则<span style="padding:5px 0;color:#1f2329">${describeRule(c.rule)}</span></label>`}
<label>时间<input name="time" value="${c.time}" size="6" placeholder="09:00"></label>
<label>启用<select name="enabled"><option value="1" ${c.enabled ? 'selected' : ''}>启用</option><option value="0" ${c.enabled ? '' : 'selected'}>停用</option></select></label>
<button>保存</button><span class="muted" style="align-self:center">下次：${c.next ? `${toLocalDate(c.next)} ${toLocalTime(c.next)}` : '—'}${c.updatedBy ? `｜最后修改：${c.updatedBy}` : ''}</span></form></td></tr>`)
    : html`<tr><td colspan="6" class="muted">当前运行方式未接入调度引擎，本页只读。请用 <code>duban cadence set</code> 修改。</td></tr>`;
  let templates: Html | Html[] | string = '';
  if (tpl instanceof Error) templates = html`<div class="notice err">消息模板无法读取：${errText(tpl)}</div>`;
  else if (tpl) {
    templates = (Object.keys(TEMPLATE_FIELDS) as TemplateKind[]).map((kind) => {
      const fields = TEMPLATE_FIELDS[kind] as Record<string, readonly string[]>;
      const current = tpl.templates[kind] as Record<string, string>;
      const texts = notice?.kind === kind && notice.draft ? { ...current, ...notice.draft } : current;
      const changed = Object.keys(tpl.overrides[kind] ?? {});
      return html`<form method="post" action="/schedules/templates/${kind}" class="item" id="tpl-${kind}">${csrfField(ctx.user)}
<h2 style="margin-top:0">${KIND_LABEL[kind]} <span class="muted" style="font-size:12px;font-weight:400">${kind}${changed.length ? `｜已在后台修改：${changed.join('、')}` : '｜与配置文件一致'}</span></h2>
<div class="grid2"><div>${Object.entries(fields).map(([f, allowed]) => html`<p><label>${FIELD_LABEL[f] ?? f}（${f}）<textarea name="${f}" rows="${kind === 'admin' ? 3 : 2}"
 hx-post="/schedules/templates/${kind}/preview" hx-trigger="input changed delay:300ms" hx-include="closest form" hx-target="#preview-${kind}">${texts[f] ?? ''}</textarea></label>
<span class="muted" style="font-size:12px">可用占位符：${allowed.map((a) => `{${a}}`).join(' ') || '（无）'}</span></p>`)}
<div class="acts"><button>保存模板</button>${changed.length ? html`<button class="plain" name="reset" value="1">恢复配置文件中的文本</button>` : ''}</div></div>
<div><div class="muted">预览（示例单位与任务）</div><div id="preview-${kind}">${preview(kind, texts)}</div></div></div></form>`;
    });
  }
  ctx.page('调度与模板', html`<h1>调度与模板</h1>${note}
<h2>调度</h2><p class="muted">修改在下一个时点生效，无需重启；与督办室群里的“设置提醒”命令、<code>duban cadence set</code> 效果相同，并记入审计日志。</p>
<table><thead><tr><th>名称</th><th colspan="5">设置</th></tr></thead><tbody>${cadenceRows}</tbody></table>
<h2>消息模板</h2><p class="muted">在后台修改的文本保存在数据库中，覆盖配置文件 ${templatesFile ?? ''} 的同名字段；下一个时点起使用。${own.length ? `配置文件中为 ${own.join('、')} 写了专用模板，这些调度以专用模板为准。` : ''}</p>${templates}
<h2>最近的调度执行</h2><table><thead><tr><th>调度</th><th>时间点</th><th>结果</th><th>说明</th></tr></thead><tbody>
${runs.map((r) => html`<tr><td>${r.cadenceKey}</td><td>${r.slotAt.toISOString().slice(0, 16).replace('T', ' ')}</td><td>${r.state}</td><td class="muted">${r.note ?? ''}</td></tr>`)}</tbody></table>`, status);
}

/** The message as a unit would read it, and what is wrong with the texts (unknown placeholders), field by field. */
function preview(kind: TemplateKind, texts: Record<string, string>): Html {
  const fields = TEMPLATE_FIELDS[kind] as Record<string, readonly string[]>;
  const problems = Object.entries(fields).flatMap(([f, allowed]) => {
    const bad = unknownPlaceholders(texts[f] ?? '', allowed);
    return bad ? [`“${FIELD_LABEL[f] ?? f}”${bad.message}。${bad.hint}`] : [];
  });
  return html`${problems.map((p) => html`<div class="notice err">${p}</div>`)}<pre class="preview">${previewMessage(kind, texts)}</pre>`;
}

function draftOf(kind: TemplateKind, form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of Object.keys(TEMPLATE_FIELDS[kind])) {
    const t = textOf(form, f);
    if (t !== null) out[f] = t;
  }
  return out;
}

const isKind = (k: string): k is TemplateKind => k in TEMPLATE_FIELDS;

export const routes: Route[] = [
  { method: 'GET', path: /^\/schedules$/, run: (ctx) => schedulesPage(ctx) },
  {
    method: 'POST',
    path: /^\/schedules\/cadence\/([a-z][a-z0-9_]{1,40})$/,
    async run(ctx, m) {
      const engine = ctx.deps.cadences;
      const key = m[1]!;
      if (!engine) return schedulesPage(ctx, { text: '当前运行方式未接入调度引擎，不能在后台修改。', err: true }, 400);
      const current = (await engine.listCadences()).find((c) => c.key === key);
      if (!current) return schedulesPage(ctx, { text: `没有名为“${key}”的调度。`, err: true }, 404);
      const f = ctx.form!;
      const patch: Partial<CadenceSpec> = {};
      const time = textOf(f, 'time');
      if (time && time !== current.time) patch.time = time;
      const enabled = textOf(f, 'enabled');
      if (enabled !== null && (enabled === '1') !== current.enabled) patch.enabled = enabled === '1';
      const weekday = textOf(f, 'weekday');
      if (current.rule.type === 'weekly' && weekday && Number(weekday) !== current.rule.weekday) patch.rule = { type: 'weekly', weekday: Number(weekday) };
      const days = textOf(f, 'days');
      if (current.rule.type === 'monthly' && days !== null) {
        const list = days.split(/[,，、\s]+/).filter(Boolean).map(Number);
        if (list.join(',') !== current.rule.days.join(',')) patch.rule = { type: 'monthly', days: list };
      }
      if (!Object.keys(patch).length) return schedulesPage(ctx, { text: `${current.title}没有改动。` });
      try {
        await engine.setCadence(key, patch, ctx.actor);
      } catch (e) {
        return schedulesPage(ctx, { text: `没有修改：${errText(e)}`, err: true }, 400);
      }
      const updated = (await engine.listCadences()).find((c) => c.key === key)!;
      return schedulesPage(ctx, { text: `已修改${updated.title}：${describeRule(updated.rule)} ${updated.time}，${updated.enabled ? '已启用' : '已停用'}${updated.next ? `，下次 ${toLocalDate(updated.next)} ${toLocalTime(updated.next)}` : ''}。` });
    },
  },
  {
    // The live preview: renders what is typed, writes nothing (POST only to carry the texts and the CSRF token).
    method: 'POST',
    path: /^\/schedules\/templates\/([a-z_]+)\/preview$/,
    async run(ctx, m) {
      const kind = m[1]!;
      const { prisma, templatesFile } = ctx.deps;
      if (!isKind(kind) || !templatesFile) return ctx.page('未找到', html`<div class="notice err">没有这个模板。</div>`, 404);
      const current = (await currentTemplates(prisma, templatesFile)).templates[kind] as Record<string, string>;
      ctx.page('预览', preview(kind, { ...current, ...draftOf(kind, ctx.form!) }));
    },
  },
  {
    method: 'POST',
    path: /^\/schedules\/templates\/([a-z_]+)$/,
    async run(ctx, m) {
      const kind = m[1]!;
      const { prisma, templatesFile, clock } = ctx.deps;
      if (!isKind(kind) || !templatesFile) return schedulesPage(ctx, { text: '没有这个模板。', err: true }, 404);
      const draft = draftOf(kind, ctx.form!);
      const reset = textOf(ctx.form!, 'reset') === '1';
      const texts: Record<string, string | null> = reset ? Object.fromEntries(Object.keys(TEMPLATE_FIELDS[kind]).map((f) => [f, null])) : draft;
      try {
        const changed = await saveTemplateTexts(prisma, { file: templatesFile, kind, texts, actor: ctx.actor, now: clock.now() });
        return schedulesPage(ctx, { text: changed.length ? `已${reset ? '恢复' : '保存'}“${KIND_LABEL[kind]}”模板：${changed.map((f) => FIELD_LABEL[f] ?? f).join('、')}。下一个时点起使用。` : `“${KIND_LABEL[kind]}”模板没有改动。`, kind });
      } catch (e) {
        return schedulesPage(ctx, { text: `没有保存：${errText(e)}`, err: true, kind, draft }, 400);
      }
    },
  },
];
