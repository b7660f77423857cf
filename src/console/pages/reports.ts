import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isLocalDate, toLocalDate } from '../../domain/calendar/shanghai-time.ts';
import { buildConsultAgenda, buildMonthlyBulletin, buildWeeklyDigests } from '../../reports/index.ts';
import type { Route } from '../console-deps.ts';
import { html } from '../html.ts';
import { sendFile } from '../http-utils.ts';

const KINDS = { weekly: '领导周报', consult: '旬会商议题', monthly: '月通报' } as const;
type Kind = keyof typeof KINDS;
const TYPES: Record<string, string> = { '.png': 'image/png', '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

export const routes: Route[] = [
  {
    method: 'GET',
    path: /^\/reports$/,
    async run(ctx) {
      const { prisma, calendar, clock, dataDir } = ctx.deps;
      const p = ctx.url.searchParams;
      const kind = (p.get('kind') ?? '') as Kind;
      const date = p.get('date') || toLocalDate(clock.now());
      const formHtml = html`<h1>报告</h1><form class="filters" method="get" action="/reports"><label>报告<select name="kind">${Object.entries(KINDS).map(([k, l]) => html`<option value="${k}" ${k === kind ? 'selected' : ''}>${l}</option>`)}</select></label>
<label>日期<input type="date" name="date" value="${date}"></label><button>生成预览</button></form>`;
      if (!(kind in KINDS) || !isLocalDate(date)) return ctx.page('报告', html`${formHtml}<p class="muted">选择报告和日期，可预览图片并下载 Word / Excel。报告按所选日期的记录生成。</p>`);
      // Each preview in its own folder: the files are served from there by name only.
      const id = crypto.randomBytes(8).toString('hex');
      const outDir = path.join(dataDir, 'reports', 'console', id);
      fs.mkdirSync(outDir, { recursive: true });
      const parts: { title: string; text: string; files: string[] }[] = [];
      if (kind === 'weekly') {
        for (const d of await buildWeeklyDigests(prisma, { date, calendar, outDir })) parts.push({ title: `致 ${d.leaderName}`, text: d.text, files: d.imagePath ? [d.imagePath] : [] });
      } else if (kind === 'consult') {
        const a = await buildConsultAgenda(prisma, { date, calendar, outDir });
        parts.push({ title: KINDS.consult, text: a.text, files: a.imagePath ? [a.imagePath] : [] });
      } else {
        const b = await buildMonthlyBulletin(prisma, { date, calendar, outDir });
        parts.push({ title: KINDS.monthly, text: b.text, files: [b.imagePath, b.docxPath, b.xlsxPath].filter((f): f is string => !!f) });
      }
      const href = (f: string) => `/reports/file/${id}/${encodeURIComponent(path.basename(f))}`;
      ctx.page('报告', html`${formHtml}${parts.length ? '' : html`<p class="muted">该日期没有可生成的内容。</p>`}
${parts.map((r) => html`<h2>${r.title}</h2><div class="grid2"><pre>${r.text}</pre><div>${r.files.map((f) => (f.endsWith('.png') ? html`<img src="${href(f)}" style="max-width:100%;border-radius:6px" alt="${r.title}">` : html`<p><a class="btn plain" href="${href(f)}">下载 ${path.extname(f).slice(1)}</a></p>`))}</div></div>`)}`);
    },
  },
  {
    method: 'GET',
    path: /^\/reports\/file\/([0-9a-f]{16})\/([^/]+)$/,
    async run(ctx, m) {
      const name = path.basename(decodeURIComponent(m[2]!));
      const file = path.join(ctx.deps.dataDir, 'reports', 'console', m[1]!, name);
      const type = TYPES[path.extname(name)];
      if (!type || !fs.existsSync(file)) return ctx.page('未找到', html`<div class="notice err">文件不存在。</div>`, 404);
      sendFile(ctx.res, fs.readFileSync(file), type, path.extname(name) === '.png' ? undefined : name);
    },
  },
];
