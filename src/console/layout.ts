import { html, type Html } from './html.ts';
import type { ConsoleUser } from './console-auth.ts';

/** The screens; a leader's read-only account sees LEADER_NAV (its own tasks). */
const LEADER_NAV = new Set(['/', '/tasks']);
const NAV: [string, string][] = [
  ['/', '驾驶舱'],
  ['/tasks', '督办台账'],
  ['/inbox', '待办'],
  ['/people', '单位与人员'],
  ['/plans/import', '导入方案'],
  ['/reports', '报告'],
  ['/schedules', '调度与模板'],
  ['/audit', '审计日志'],
  ['/channel', '通道状态'],
];

/** Small, hand-written: readable at 1280 px and on a laptop, printable, no framework. */
export const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.6 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",sans-serif;color:#1f2329;background:#f5f6f8}
a{color:#1d5fd6;text-decoration:none}a:hover{text-decoration:underline}
header{background:#b71c1c;color:#fff;display:flex;align-items:center;gap:24px;padding:0 20px;height:52px}
header .brand{font-weight:700;font-size:17px;letter-spacing:1px}header nav{display:flex;gap:4px;flex:1;flex-wrap:wrap}
header nav a{color:#fde8e8;padding:6px 10px;border-radius:4px}header nav a.on,header nav a:hover{background:rgba(255,255,255,.18);color:#fff;text-decoration:none}
header .me{font-size:13px;color:#fde8e8}header .me button{background:none;border:1px solid #f5c6c6;color:#fff;border-radius:4px;padding:2px 8px;cursor:pointer}
main{padding:20px 24px;max-width:1400px;margin:0 auto}h1{font-size:20px;margin:0 0 16px}h2{font-size:16px;margin:24px 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;margin-bottom:16px}
.card{background:#fff;border-radius:8px;padding:14px 16px;box-shadow:0 1px 2px rgba(0,0,0,.06)}.card .n{font-size:28px;font-weight:700}.card .l{color:#646a73}
.card.red .n{color:#d32f2f}.card.yellow .n{color:#e09b00}.card.green .n{color:#2e7d32}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.06)}
th,td{padding:8px 10px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:top}th{background:#fafbfc;color:#646a73;font-weight:600;white-space:nowrap}
tr:hover td{background:#fcfcfd}.muted{color:#8f959e}.nowrap{white-space:nowrap}
.light{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;white-space:nowrap}.light.red{background:#fde2e2;color:#c62828}.light.yellow{background:#fff3cd;color:#8a6100}.light.green{background:#e3f4e5;color:#2e7d32}.light.done,.light.closed{background:#eceff1;color:#546e7a}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin-bottom:12px;background:#fff;padding:12px;border-radius:8px}
label{display:flex;flex-direction:column;font-size:12px;color:#646a73;gap:2px}
input,select,textarea{font:inherit;padding:5px 8px;border:1px solid #d0d3d6;border-radius:4px;background:#fff}textarea{width:100%}
button,.btn{font:inherit;padding:5px 14px;border-radius:4px;border:1px solid #b71c1c;background:#b71c1c;color:#fff;cursor:pointer;display:inline-block}
button.plain,.btn.plain{background:#fff;color:#1f2329;border-color:#d0d3d6}button.warn{background:#fff;color:#c62828;border-color:#c62828}
.pager{display:flex;gap:10px;align-items:center;margin:10px 0}.notice{padding:10px 14px;border-radius:6px;margin-bottom:12px;background:#e8f1fe;border:1px solid #bcd4fb}
.notice.err{background:#fdecea;border-color:#f5c2bd;color:#8e1b10}pre{white-space:pre-wrap;background:#fff;padding:12px;border-radius:6px;font-size:13px}
.timeline{list-style:none;padding:0;margin:0;background:#fff;border-radius:8px}.timeline li{padding:10px 14px;border-bottom:1px solid #eef0f3;display:grid;grid-template-columns:140px 90px 1fr;gap:10px}
.tag{font-size:12px;padding:0 6px;border-radius:4px;background:#eef0f3;white-space:nowrap;height:fit-content}.tag.out{background:#e8f1fe}.tag.in{background:#fff3e0}.tag.bot{background:#e3f4e5}.tag.req{background:#f3e5f5}.tag.audit{background:#eceff1}
.item{background:#fff;border-radius:8px;padding:12px 16px;margin-bottom:10px;box-shadow:0 1px 2px rgba(0,0,0,.06)}.item .acts{display:flex;gap:8px;flex-wrap:wrap;margin-top:8px;align-items:center}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media(max-width:900px){.grid2{grid-template-columns:1fr}}
`;

export interface PageOpts {
  title: string;
  user: ConsoleUser | null;
  path: string;
}

/** The page frame: header with the screens, the user, and htmx carrying the CSRF token on every request. */
export function layout(body: Html, o: PageOpts): Html {
  const nav = (o.user?.role === 'admin' ? NAV : NAV.filter(([href]) => LEADER_NAV.has(href))).map(([href, label]) => html`<a href="${href}" class="${(href === '/' ? o.path === '/' : o.path.startsWith(href)) ? 'on' : ''}">${label}</a>`);
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} · 督办助手</title><style>${CSS}</style><script src="/static/htmx.min.js"></script></head>
<body${o.user ? html` hx-headers='{"x-csrf-token":"${o.user.csrf}"}'` : ''}>
<header><span class="brand">督办助手</span>${o.user ? html`<nav hx-boost="true">${nav}</nav><span class="me">${o.user.name}（${o.user.role === 'admin' ? '管理员' : `只读${o.user.personName ? `：${o.user.personName}` : ''}`}） <a href="/account" style="color:#fff">账户</a>
<form method="post" action="/logout" style="display:inline"><input type="hidden" name="_csrf" value="${o.user.csrf}"><button>退出</button></form></span>` : ''}</header>
<main>${body}</main></body></html>`;
}

/** A hidden CSRF field for a plain form. */
export const csrfField = (u: ConsoleUser) => html`<input type="hidden" name="_csrf" value="${u.csrf}">`;
