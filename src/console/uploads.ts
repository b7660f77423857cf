import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from './console-deps.ts';

/**
 * An uploaded file is kept under <dataDir>/uploads/<id>/<its own name> between preview and commit,
 * so the commit imports exactly the file that was previewed (and the plan keeps its document name).
 */
export async function saveUpload(ctx: Ctx, exts: readonly string[]): Promise<{ id: string; name: string; file: string } | { error: string }> {
  const f = ctx.form!.get('file');
  if (!f || typeof f === 'string' || f.size === 0) return { error: '请选择要上传的文件。' };
  const name = path.basename(f.name).replace(/[\\/:*?"<>|\u0000]/g, '_') || 'upload';
  if (!exts.includes(path.extname(name).toLowerCase())) return { error: `不支持“${name}”的格式，请上传 ${exts.join(' / ')} 文件。` };
  const id = crypto.randomBytes(12).toString('hex');
  const dir = path.join(ctx.deps.dataDir, 'uploads', id);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(await f.arrayBuffer()));
  return { id, name, file };
}

export function uploadPath(ctx: Ctx, id: string): string | null {
  if (!/^[0-9a-f]{24}$/.test(id)) return null;
  const dir = path.join(ctx.deps.dataDir, 'uploads', id);
  const [name] = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  return name ? path.join(dir, name) : null;
}
