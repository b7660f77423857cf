import fs from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import { endSession, loginWithPassword, redeemLoginLink, sessionUser, setPassword } from './console-auth.ts';
import type { ConsoleDeps, Ctx, Route } from './console-deps.ts';
import { html } from './html.ts';
import { cookies, field, readForm, redirect, sendFile, sendHtml } from './http-utils.ts';
import { csrfField, layout } from './layout.ts';
import { routes as dashboardRoutes } from './pages/dashboard.ts';
import { routes as ledgerRoutes } from './pages/ledger.ts';
import { routes as taskRoutes } from './pages/task-detail.ts';
import { routes as inboxRoutes } from './pages/inbox.ts';
import { routes as peopleRoutes } from './pages/people.ts';
import { routes as planRoutes } from './pages/plan-import.ts';
import { routes as auditRoutes } from './pages/audit.ts';
import { routes as channelRoutes } from './pages/channel.ts';
import { routes as reportRoutes } from './pages/reports.ts';
import { routes as scheduleRoutes } from './pages/schedules.ts';
import { leaderTaskWhere } from '../store/leader-task-scope.ts';


const COOKIE = 'duban_session';
const require = createRequire(import.meta.url);
let htmxJs: Buffer | undefined;

/**
 * The web console, mounted on the bot's own HTTP server: server-rendered pages in Simplified Chinese,
 * htmx for in-page actions, no build step. Returns a handler that answers a request it owns and
 * false for one it does not (/healthz stays the health server's).
 */
export function createConsole(deps: ConsoleDeps) {
  const all: Route[] = [...dashboardRoutes, ...ledgerRoutes, ...taskRoutes, ...inboxRoutes, ...peopleRoutes, ...planRoutes, ...auditRoutes, ...channelRoutes, ...reportRoutes, ...scheduleRoutes];
  const from = (req: http.IncomingMessage) => req.socket.remoteAddress ?? '';

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://console.local');
    if (url.pathname === '/healthz' || url.pathname === '/healthz/') return false;
    const now = deps.clock.now();
    try {
      if (url.pathname === '/static/htmx.min.js') {
        htmxJs ??= fs.readFileSync(require.resolve('htmx.org/dist/htmx.min.js'));
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' }).end(htmxJs);
        return true;
      }
      const link = /^\/login\/([A-Za-z0-9_-]{20,64})$/.exec(url.pathname);
      if (link && req.method === 'GET') {
        const token = await redeemLoginLink(deps.prisma, link[1]!, now, from(req));
        if (!token) {
          sendHtml(res, layout(html`<div class="notice err">登录链接无效或已使用、已过期。请在服务器上运行 <code>duban admin invite 姓名</code> 获取新链接。</div>${loginForm()}`, { title: '登录', user: null, path: '/login' }), 403);
          return true;
        }
        redirect(res, '/account?welcome=1', { 'set-cookie': sessionCookie(token) });
        return true;
      }
      if (url.pathname === '/login') {
        if (req.method === 'POST') {
          // No session yet, so no CSRF token: the login form is protected by SameSite cookies and the Origin check.
          if (!sameOrigin(req)) return forbid(res), true;
          const f = await readForm(req);
          const token = await loginWithPassword(deps.prisma, field(f, 'name'), field(f, 'password'), now, from(req));
          if (!token) {
            sendHtml(res, layout(html`<div class="notice err">账户或密码不正确。</div>${loginForm()}`, { title: '登录', user: null, path: '/login' }), 401);
            return true;
          }
          redirect(res, '/', { 'set-cookie': sessionCookie(token) });
          return true;
        }
        sendHtml(res, layout(loginForm(), { title: '登录', user: null, path: '/login' }));
        return true;
      }
      const sessionToken = cookies(req).get(COOKIE);
      const user = await sessionUser(deps.prisma, sessionToken, now);
      if (!user) {
        redirect(res, '/login', {}, req.headers['hx-request'] === 'true');
        return true;
      }
      const htmx = req.headers['hx-request'] === 'true';
      const ctx: Ctx = {
        deps, req, res, url, user, htmx, actor: `console:${user.name}`,
        taskScope: user.role === 'admin' ? null : await leaderTaskWhere(deps.prisma, user.personId),
        page: (title, body, status = 200) => sendHtml(res, htmx && req.headers['hx-boosted'] !== 'true' ? body : layout(body, { title, user, path: url.pathname }), status),
      };
      if (req.method === 'POST') {
        // CSRF: a same-origin request carrying this session's token (htmx header or form field).
        if (!sameOrigin(req)) return forbid(res), true;
        ctx.form = await readForm(req);
        const token = (req.headers['x-csrf-token'] as string | undefined) ?? field(ctx.form, '_csrf');
        if (token !== user.csrf) return forbid(res), true;
        if (url.pathname === '/logout') {
          await endSession(deps.prisma, sessionToken);
          redirect(res, '/login', { 'set-cookie': `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` });
          return true;
        }
        if (url.pathname === '/account') {
          const pw = field(ctx.form, 'password');
          if (pw.length < 8 || pw !== field(ctx.form, 'password2')) {
            ctx.page('账户', accountPage(ctx, '密码至少 8 位，两次输入须一致。', true), 400);
            return true;
          }
          await setPassword(deps.prisma, user.id, pw, now, ctx.actor);
          ctx.page('账户', accountPage(ctx, '密码已设置。今后可用账户名和密码登录。'));
          return true;
        }
      }
      if (url.pathname === '/account' && req.method === 'GET') {
        ctx.page('账户', accountPage(ctx, url.searchParams.get('welcome') ? `欢迎，${user.name}。${user.hasPassword ? '' : '请先设置密码：登录链接只能用一次。'}` : ''));
        return true;
      }
      for (const r of all) {
        if (r.method !== req.method) continue;
        const m = r.path.exec(url.pathname);
        if (!m) continue;
        if ((r.write || r.method === 'POST') && user.role !== 'admin') {
          ctx.page('无权限', html`<div class="notice err">只读账户不能进行此操作。</div>`, 403);
          return true;
        }
        if (user.role !== 'admin' && !r.leader) {
          ctx.page('无权查看', html`<div class="notice err">无权查看：此页面仅督办室管理员可用。</div>`, 403);
          return true;
        }
        await r.run(ctx, m);
        return true;
      }
      ctx.page('未找到', html`<div class="notice err">没有这个页面。</div>`, 404);
      return true;
    } catch (e) {
      deps.logger.error({ event: 'console_error', err: e, path: url.pathname }, 'console request failed');
      if (!res.headersSent) sendHtml(res, html`<!doctype html><meta charset="utf-8"><main><div class="notice err">出错了：${(e as Error).message}</div></main>`, 500);
      return true;
    }
  }
  return { handle };
}

function sessionCookie(token: string): string {
  return `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${12 * 3600}`;
}

/** A browser always sends Origin on a POST; one from another site is refused. */
function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function forbid(res: http.ServerResponse): void {
  sendHtml(res, '<!doctype html><meta charset="utf-8"><p>请求来源不正确或页面已过期，请刷新后重试。</p>', 403);
}

function loginForm() {
  return html`<div class="item" style="max-width:380px;margin:60px auto"><h1>登录督办助手管理后台</h1>
<form method="post" action="/login"><p><label>账户<input name="name" autocomplete="username" required></label></p>
<p><label>密码<input name="password" type="password" autocomplete="current-password" required></label></p><button>登录</button></form>
<p class="muted">首次使用：请用启动时打印的一次性登录链接，或在服务器上运行 <code>duban admin invite 姓名</code>。</p></div>`;
}

function accountPage(ctx: Ctx, msg: string, err = false) {
  return html`<h1>账户：${ctx.user.name}</h1>${msg ? html`<div class="notice ${err ? 'err' : ''}">${msg}</div>` : ''}
<form method="post" action="/account" class="item" style="max-width:420px">${csrfField(ctx.user)}
<p><label>新密码（至少 8 位）<input name="password" type="password" autocomplete="new-password" required></label></p>
<p><label>再输入一次<input name="password2" type="password" autocomplete="new-password" required></label></p><button>设置密码</button></form>
<p><a href="/">进入驾驶舱 →</a></p>`;
}

export { sendFile };
