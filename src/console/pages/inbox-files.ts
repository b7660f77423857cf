import fs from 'node:fs';
import path from 'node:path';
import { evidenceDir } from '../../chat/task-requests.ts';
import type { Route } from '../console-deps.ts';
import { html } from '../html.ts';
import { sendFile } from '../http-utils.ts';

const TYPES: Record<string, string> = {
  '.pdf': 'application/pdf', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif',
  '.doc': 'application/msword', '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel', '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '.txt': 'text/plain; charset=utf-8',
};

/** The original name of a stored file: "<message id>-<name>" (see to-incoming-message.ts). */
function shownName(file: string, messageId: string | null): string {
  const base = path.basename(file);
  const prefix = messageId ? `${messageId.replace(/[^\w-]/g, '_')}-` : '';
  return prefix && base.startsWith(prefix) ? base.slice(prefix.length) : base;
}

/**
 * Files units sent (a report as a file, 销号 evidence), for the admin who must read them before
 * deciding. Only files under the evidence folder are served, whatever a row says, and only to admins.
 */
function serve(ctx: Parameters<Route['run']>[0], file: string | null | undefined, messageId: string | null): void {
  const root = path.resolve(evidenceDir(ctx.deps.dataDir));
  const full = file ? path.resolve(root, file) : '';
  if (!file || !full.startsWith(root + path.sep) || !fs.existsSync(full)) {
    ctx.page('未找到', html`<div class="notice err">文件不存在或已被清理。</div>`, 404);
    return;
  }
  sendFile(ctx.res, fs.readFileSync(full), TYPES[path.extname(full).toLowerCase()] ?? 'application/octet-stream', shownName(full, messageId));
}

export const fileRoutes: Route[] = [
  {
    method: 'GET', path: /^\/inbox\/file\/(\d+)$/, write: true,
    async run(ctx, m) {
      const row = await ctx.deps.prisma.inboundMessage.findUnique({ where: { id: Number(m[1]) }, select: { attachment: true, messageId: true } });
      serve(ctx, row?.attachment, row?.messageId ?? null);
    },
  },
  {
    method: 'GET', path: /^\/inbox\/evidence\/(\d+)\/(\d+)$/, write: true,
    async run(ctx, m) {
      const req = await ctx.deps.prisma.taskRequest.findUnique({ where: { id: Number(m[1]) }, select: { evidence: true } });
      serve(ctx, req?.evidence[Number(m[2])], null);
    },
  },
];
