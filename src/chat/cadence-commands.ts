import { canAct } from '../domain/work/index.ts';
import { isDubanError } from '../errors.ts';
import type { CadenceLike } from './chat-deps.ts';
import type { ChatTurn, Outcome } from './chat-turn.ts';
import { claimMessage } from './once-per-message.ts';

const WEEKDAY = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

function when(c: CadenceLike): string {
  const r = c.rule;
  const day =
    r.type === 'weekly' ? `每${WEEKDAY[r.weekday ?? 0]}` : r.type === 'monthly' ? `每月${(r.days ?? []).join('、')}日`
      : r.type === 'last_workday_of_month' ? '每月最后一个工作日' : r.type === 'workdays' ? '每个工作日' : '报送截止后';
  return `${day} ${c.time}`;
}

function nextText(d: Date | null): string {
  if (!d) return '';
  const local = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `，下次 ${Number(local.slice(5, 7))}月${Number(local.slice(8, 10))}日 ${local.slice(11, 16)}`;
}

async function refuse(turn: ChatTurn, what: string): Promise<Outcome | null> {
  if (!canAct(turn.sender.actor, 'change_settings').ok) {
    await turn.reply(`只有督办室管理员可以${what}。`);
    return { status: 'ignored', note: `PERMISSION_DENIED: ${what} by ${turn.m.talkerId}` };
  }
  if (!turn.deps.cadences) {
    await turn.reply('当前运行方式不支持在聊天中修改提醒设置，请修改 cadences 配置文件。');
    return { status: 'interpreted', note: 'cadences not wired' };
  }
  return null;
}

/** 提醒设置: every cadence with its rule, time, state and next slot. */
export async function listCadences(turn: ChatTurn): Promise<Outcome> {
  const refused = await refuse(turn, '查看提醒设置');
  if (refused) return refused;
  const all = await turn.deps.cadences!.listCadences();
  await turn.reply(
    `提醒设置（${all.length}项）：\n${all.map((c) => `· ${c.title}（${c.key}）：${when(c)}，${c.enabled ? '已启用' : '已停用'}${nextText(c.next)}`).join('\n')}\n` +
      '修改：设置提醒 名称 09:30；设置提醒 名称 周一；停用提醒 名称；启用提醒 名称',
  );
  return { status: 'interpreted', note: 'cadences listed' };
}

/** 设置提醒 / 启用提醒 / 停用提醒: one change to one cadence, validated and audited by the engine. */
export async function setCadence(turn: ChatTurn, c: { cadence: string; enabled?: boolean; time?: string; weekday?: number }): Promise<Outcome> {
  const refused = await refuse(turn, '修改提醒设置');
  if (refused) return refused;
  const engine = turn.deps.cadences!;
  const all = await engine.listCadences();
  const target = all.find((x) => x.key === c.cadence || x.title === c.cadence) ?? all.filter((x) => x.title.includes(c.cadence)).at(0);
  if (!target) {
    await turn.reply(`没有名为“${c.cadence}”的提醒。发送“提醒设置”查看全部。`);
    return { status: 'interpreted', note: 'cadence not found' };
  }
  if (c.weekday !== undefined && target.rule.type !== 'weekly') {
    await turn.reply(`${target.title}不是按周执行的，不能改到${WEEKDAY[c.weekday]}。`);
    return { status: 'interpreted', note: 'not weekly' };
  }
  const patch = {
    ...(c.enabled !== undefined ? { enabled: c.enabled } : {}),
    ...(c.time ? { time: c.time } : {}),
    ...(c.weekday !== undefined ? { rule: { type: 'weekly' as const, weekday: c.weekday } } : {}),
  };
  try {
    // The change and the message's mark commit together: a retried message changes (and audits) nothing twice.
    await engine.setCadence(target.key, patch, turn.m.talkerId, (tx) => claimMessage(tx, turn.inboundId));
  } catch (e) {
    // A refused change is answered; a database error is not the admin's: the message is retried.
    if (!isDubanError(e)) throw e;
    await turn.reply(`没有修改：${e.message}`);
    return { status: 'interpreted', note: 'cadence change refused' };
  }
  const updated = (await engine.listCadences()).find((x) => x.key === target.key)!;
  await turn.reply(`已修改${updated.title}：${when(updated)}，${updated.enabled ? '已启用' : '已停用'}${nextText(updated.next)}。`);
  return { status: 'interpreted', note: `cadence ${target.key} changed` };
}
