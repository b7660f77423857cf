import { isDubanError } from '../../errors.ts';
import { formatChangeReport, formatPlanSummary, formatWarnings } from '../../import/format-import-report.ts';
import { importPlanFile } from '../../import/import-plan-file.ts';
import { loadUnitDirectory } from '../../import/load-unit-directory.ts';
import { savePlan } from '../../import/save-plan.ts';
import { syncUnitDirectory } from '../../import/sync-unit-directory.ts';
import { leaderCoverageWarnings, planLeaderCoverageWarning } from '../../store/leader-coverage.ts';
import type { Ctx } from '../console-deps.ts';
import type { Route } from '../console-deps.ts';
import { html } from '../html.ts';
import { field } from '../http-utils.ts';
import { csrfField } from '../layout.ts';
import { saveUpload, uploadPath } from '../uploads.ts';

const EXTS = ['.docx', '.doc', '.xlsx', '.txt', '.pdf', '.csv', '.html', '.htm', '.json'];

function form(ctx: Ctx, notice?: { text: string; err?: boolean }) {
  return html`<h1>导入工作方案</h1>${notice ? html`<div class="notice ${notice.err ? 'err' : ''}">${notice.text}</div>` : ''}
<form class="item" method="post" action="/plans/import" enctype="multipart/form-data" style="display:flex;gap:10px;align-items:end;flex-wrap:wrap">${csrfField(ctx.user)}
<label>方案文件（${EXTS.join(' ')}）<input type="file" name="file" accept="${EXTS.join(',')}" required></label>
<label>年份（可选）<input name="year" size="6" placeholder="如 2026"></label><button>预览（试运行）</button></form>
<p class="muted">先预览识别出的任务、单位、领导、时限和警告，确认后才写入数据库；同一方案再次导入会更新，不会重复。</p>`;
}

const yearOf = (s: string) => (/^(19|20)\d{2}$/.test(s) ? Number(s) : undefined);

export const routes: Route[] = [
  { method: 'GET', path: /^\/plans\/import$/, run: async (ctx) => ctx.page('导入方案', form(ctx)) },
  {
    method: 'POST',
    path: /^\/plans\/import$/,
    async run(ctx) {
      const upload = await saveUpload(ctx, EXTS);
      if ('error' in upload) return ctx.page('导入方案', form(ctx, { text: upload.error, err: true }), 400);
      const year = yearOf(field(ctx.form!, 'year'));
      try {
        // The dry run: the same parser as `duban import --dry-run`; nothing is written.
        const plan = await importPlanFile(upload.file, { directory: loadUnitDirectory(ctx.deps.unitsFile), year });
        // Every plan's tasks must reach some leader's digest: said before the plan is saved, as `duban import` says after.
        const uncovered = plan.tasks.length ? await planLeaderCoverageWarning(ctx.deps.prisma, plan) : null;
        ctx.page('方案预览', html`<h1>方案预览：${upload.name}</h1>
<div class="notice">${plan.tasks.length ? `识别出 ${plan.tasks.length} 项任务，警告 ${plan.warnings.length} 条。确认无误后点“确认导入”。` : '没有识别出任何任务，不能导入。'}</div>
${uncovered ? html`<div class="notice err" id="leader-coverage">${uncovered}</div>` : ''}
<h2>概要</h2><pre id="summary">${formatPlanSummary(plan)}</pre><h2>警告（${plan.warnings.length}）</h2><pre>${formatWarnings(plan) || '无'}</pre>
<h2>任务（前 30 项）</h2><table><thead><tr><th>序号</th><th>任务</th><th>单位</th><th>时限</th></tr></thead><tbody>
${plan.tasks.slice(0, 30).map((t) => html`<tr><td>${t.no}</td><td>${t.text.slice(0, 80)}</td><td>${t.units.map((u) => u.rawName).join('、')}</td><td>${t.deadline.date ?? t.deadline.text ?? ''}</td></tr>`)}</tbody></table>
${plan.tasks.length ? html`<form method="post" action="/plans/import/commit" style="margin-top:12px">${csrfField(ctx.user)}<input type="hidden" name="upload" value="${upload.id}"><input type="hidden" name="year" value="${year ?? ''}"><button>确认导入</button> <a href="/plans/import">取消</a></form>` : ''}`);
      } catch (e) {
        if (!isDubanError(e)) throw e;
        ctx.page('导入方案', form(ctx, { text: e.message.replaceAll(upload.file, upload.name), err: true }), 400);
      }
    },
  },
  {
    method: 'POST',
    path: /^\/plans\/import\/commit$/,
    async run(ctx) {
      const file = uploadPath(ctx, field(ctx.form!, 'upload'));
      if (!file) return ctx.page('导入方案', form(ctx, { text: '上传的文件已失效，请重新选择文件。', err: true }), 400);
      try {
        const directory = loadUnitDirectory(ctx.deps.unitsFile);
        const plan = await importPlanFile(file, { directory, year: yearOf(field(ctx.form!, 'year')) });
        await syncUnitDirectory(ctx.deps.prisma, directory);
        const report = await savePlan(ctx.deps.prisma, plan, { actor: ctx.actor });
        const uncovered = await leaderCoverageWarnings(ctx.deps.prisma, [report.planId]);
        ctx.page('导入方案', html`<h1>已导入：${plan.title}</h1>${uncovered.map((w) => html`<div class="notice err" id="leader-coverage">警告：${w}</div>`)}<pre>${formatChangeReport(report)}</pre><p><a href="/tasks?plan=${report.planId}">在督办台账中查看 →</a></p>`);
      } catch (e) {
        if (!isDubanError(e)) throw e;
        ctx.page('导入方案', form(ctx, { text: e.message, err: true }), 400);
      }
    },
  },
];
