import { isDubanError } from '../../errors.ts';
import { peopleRows, peopleWorkbook } from '../../import/export-people.ts';
import { readPeopleFile } from '../../import/read-people-file.ts';
import { diffPeople, savePeople } from '../../import/save-people.ts';
import { formatPeopleChange } from '../../cli/commands/people-command.ts';
import type { Ctx } from '../console-deps.ts';
import type { Route } from '../console-deps.ts';
import { html } from '../html.ts';
import { field, sendFile } from '../http-utils.ts';
import { csrfField } from '../layout.ts';
import { issueLoginLink } from '../console-auth.ts';
import { saveUpload, uploadPath } from '../uploads.ts';
import { describeSilentPeople, peopleToOpenPrivateChat } from '../../outbox/private-chat-hold.ts';

async function peopleBody(ctx: Ctx, notice?: { text: string; err?: boolean; link?: string }) {
  const { prisma, chatChannel, chatCapabilities, admins } = ctx.deps;
  const [rows, groups, leaders, silent] = await Promise.all([
    peopleRows(prisma),
    prisma.chatGroup.findMany({ include: { units: { include: { unit: { select: { name: true } } } } }, orderBy: { id: 'asc' } }),
    prisma.person.findMany({ where: { kind: 'leader' }, select: { id: true, name: true, title: true, consoleAccounts: { select: { name: true, passwordHash: true, disabledAt: true } } }, orderBy: { id: 'asc' } }),
    chatCapabilities ? peopleToOpenPrivateChat(prisma, { channel: chatChannel, capabilities: chatCapabilities }, admins) : [],
  ]);
  return html`<h1>单位与人员</h1>${notice ? html`<div id="notice" class="notice ${notice.err ? 'err' : ''}">${notice.text}${notice.link ? html`<div><code>${notice.link}</code></div>` : ''}</div>` : ''}
<div class="item"><form method="post" action="/people/import" enctype="multipart/form-data" style="display:flex;gap:10px;align-items:end;flex-wrap:wrap">${csrfField(ctx.user)}
<label>导入通讯录（.xlsx / .csv，列：单位、姓名、角色、账号、手机、群）<input type="file" name="file" accept=".xlsx,.csv,.json" required></label><button>预览变化</button>
<a class="btn plain" href="/people.xlsx">导出通讯录 Excel</a><a class="btn plain" href="/people.csv">导出 CSV</a></form>
<p class="muted">身份只凭“账号”（微信号/企业微信或钉钉用户ID）识别，昵称相同不会获得任何权限。导入前会先显示每一行的变化。</p></div>
${silent.length ? html`<div class="notice" id="private-chat-notice">本通道只能向私聊过机器人的人推送私聊消息：${describeSilentPeople(silent)}需先私聊机器人一次（发任意一句话），之前的私聊消息暂缓，私聊后自动补发。详见<a href="/channel#private-chat">通道状态</a>。</div>` : ''}
<h2>人员（${rows.length}）</h2><table><thead><tr><th>单位</th><th>姓名</th><th>角色</th><th>账号</th><th>手机</th><th>群</th></tr></thead><tbody>
${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table>
<h2>领导只读账户（${leaders.length}）</h2><p class="muted">领导的只读账户只显示其牵头或分管的任务，不能做任何修改。也可在服务器上运行 <code>duban admin invite 账户名 --leader 领导姓名</code>。</p>
<table id="leader-accounts"><thead><tr><th>领导</th><th>后台账户</th><th></th></tr></thead><tbody>
${leaders.map((l) => html`<tr><td>${l.name}${l.title ? html` <span class="muted">${l.title}</span>` : ''}</td><td>${l.consoleAccounts.map((a) => `${a.name}${a.disabledAt ? '（已停用）' : a.passwordHash ? '（已设密码）' : '（未登录过）'}`).join('、') || html`<span class="muted">无</span>`}</td>
<td><form method="post" action="/people/leaders/${l.id}/invite" style="margin:0">${csrfField(ctx.user)}<button class="plain">生成一次性登录链接</button></form></td></tr>`)}</tbody></table>
<h2>群与单位绑定（${groups.length}）</h2><table><thead><tr><th>群名称</th><th>群ID</th><th>绑定单位</th><th>类别</th></tr></thead><tbody>
${groups.map((g) => html`<tr><td>${g.topic}</td><td class="muted">${g.roomId ?? '（尚未见到该群的消息）'}</td><td>${g.units.map((u) => u.unit.name).join('、')}</td><td>${g.isOffice ? '督办室群' : g.isAllUnits ? '全区调度群' : '单位群'}</td></tr>`)}</tbody></table>`;
}

export const routes: Route[] = [
  {
    // A leader's read-only account, tied to the leader (created at the first link), audited as this admin.
    method: 'POST',
    path: /^\/people\/leaders\/(\d+)\/invite$/,
    async run(ctx, m) {
      const leader = await ctx.deps.prisma.person.findFirst({ where: { id: Number(m[1]), kind: 'leader' }, select: { id: true, name: true, consoleAccounts: { select: { name: true }, take: 1 } } });
      if (!leader) return ctx.page('单位与人员', await peopleBody(ctx, { text: '通讯录中没有这位领导。', err: true }), 404);
      // The leader's own account, else one named after them — unless that name is taken by another
      // account (an admin, or a namesake leader), then one that says whose it is.
      const taken = leader.consoleAccounts.length ? null : await ctx.deps.prisma.consoleAccount.findUnique({ where: { name: leader.name }, select: { id: true } });
      const account = leader.consoleAccounts[0]?.name ?? (taken ? `${leader.name}（领导${leader.id}）` : leader.name);
      const token = await issueLoginLink(ctx.deps.prisma, account, { now: ctx.deps.clock.now(), actor: ctx.actor, leader });
      const link = `http://${ctx.req.headers.host ?? '127.0.0.1'}/login/${token}`;
      ctx.page('单位与人员', await peopleBody(ctx, { text: `${leader.name}的只读账户“${account}”的一次性登录链接（24小时内有效，仅可使用一次），请转交本人：`, link }));
    },
  },
  { method: 'GET', path: /^\/people$/, run: async (ctx) => ctx.page('单位与人员', await peopleBody(ctx)) },
  {
    method: 'GET',
    path: /^\/people\.(xlsx|csv)$/,
    async run(ctx, m) {
      const rows = await peopleRows(ctx.deps.prisma);
      if (m[1] === 'csv') {
        const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
        sendFile(ctx.res, `\uFEFF${[['单位', '姓名', '角色', '账号', '手机', '群'], ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`, 'text/csv; charset=utf-8', '通讯录.csv');
      } else {
        sendFile(ctx.res, Buffer.from(await (await peopleWorkbook(rows)).xlsx.writeBuffer()), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '通讯录.xlsx');
      }
    },
  },
  {
    method: 'POST',
    path: /^\/people\/import$/,
    async run(ctx) {
      const upload = await saveUpload(ctx, ['.xlsx', '.csv', '.json']);
      if ('error' in upload) return ctx.page('单位与人员', await peopleBody(ctx, { text: upload.error, err: true }), 400);
      try {
        const rows = await readPeopleFile(upload.file);
        const { changes, errors } = await diffPeople(ctx.deps.prisma, rows);
        const count = (a: string) => changes.filter((c) => c.action === a).length;
        ctx.page('通讯录预览', html`<h1>通讯录预览：${upload.name}</h1>
${errors.length ? html`<div class="notice err">有${errors.length}处错误，不能导入：<pre>${errors.join('\n')}</pre></div>` : html`<div class="notice">共${changes.length}行：新增${count('create')}人，更新${count('update')}人，不变${count('same')}人。确认后写入。</div>`}
<pre>${changes.filter((c) => c.action !== 'same').map(formatPeopleChange).join('\n') || '没有变化'}</pre>
${errors.length ? '' : html`<form method="post" action="/people/import/commit">${csrfField(ctx.user)}<input type="hidden" name="upload" value="${upload.id}"><button>确认导入</button> <a href="/people">取消</a></form>`}`);
      } catch (e) {
        if (!isDubanError(e)) throw e;
        ctx.page('单位与人员', await peopleBody(ctx, { text: e.message.replace(upload.file, upload.name), err: true }), 400);
      }
    },
  },
  {
    method: 'POST',
    path: /^\/people\/import\/commit$/,
    async run(ctx) {
      const file = uploadPath(ctx, field(ctx.form!, 'upload'));
      if (!file) return ctx.page('单位与人员', await peopleBody(ctx, { text: '上传的文件已失效，请重新选择文件。', err: true }), 400);
      try {
        const r = await savePeople(ctx.deps.prisma, await readPeopleFile(file), ctx.actor, ctx.deps.clock.now());
        ctx.page('单位与人员', await peopleBody(ctx, { text: `已导入通讯录：新增${r.created}人，更新${r.updated}人，不变${r.unchanged}人。` }));
      } catch (e) {
        if (!isDubanError(e)) throw e;
        ctx.page('单位与人员', await peopleBody(ctx, { text: e.message, err: true }), 400);
      }
    },
  },
];

