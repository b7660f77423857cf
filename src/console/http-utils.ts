import type http from 'node:http';
import { Html } from './html.ts';

export const MAX_BODY = 20 * 1024 * 1024;

/** The request body, refused past MAX_BODY so an upload cannot exhaust memory. */
export async function readBody(req: http.IncomingMessage, limit = MAX_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error(`上传内容超过 ${Math.round(limit / 1024 / 1024)} MB`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A form body: urlencoded, or multipart (parsed by undici's FormData, the one Node ships). */
export async function readForm(req: http.IncomingMessage): Promise<FormData> {
  const body = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    return new Request('http://local/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
  }
  const fd = new FormData();
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) fd.append(k, v);
  return fd;
}

export const field = (f: FormData, name: string): string => {
  const v = f.get(name);
  return typeof v === 'string' ? v.trim() : '';
};

export function cookies(req: http.IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  return out;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  // No third-party anything: htmx is served from here; inline styles only in the page's <style>.
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
};

export function sendHtml(res: http.ServerResponse, body: Html | string, status = 200, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers });
  res.end(String(body));
}

export function redirect(res: http.ServerResponse, to: string, headers: Record<string, string | string[]> = {}, htmx = false): void {
  // An htmx request follows HX-Redirect; a plain form follows 303.
  if (htmx) res.writeHead(200, { 'hx-redirect': to, ...headers }).end();
  else res.writeHead(303, { location: to, ...headers }).end();
}

export function sendFile(res: http.ServerResponse, data: Buffer | string, type: string, filename?: string): void {
  startFile(res, type, filename);
  res.end(data);
}

/** The headers of a download whose body is streamed after (a large export written as it is read). */
export function startFile(res: http.ServerResponse, type: string, filename?: string): void {
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...(filename ? { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}` } : {}),
  });
}
