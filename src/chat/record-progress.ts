import { findTaskRefsInReply, interpretReply, type ReplyItem, type ReplyStatus } from '../domain/reply/index.ts';
import type { ChatTurn, Outcome } from './chat-turn.ts';
import { allOpenTasks, taskLabel, unitOpenTasks } from './find-tasks.ts';

export const STATUS_LABEL: Record<string, string> = {
  not_started: '未启动',
  in_progress: '推进中',
  blocked: '滞后',
  done: '已完成（待销号）',
  closed: '已销号',
};

const HINT = '发送“帮助”查看用法；报送进展请回复如：第3项 已完成60%，存在资金缺口。';

function describeItem(item: ReplyItem): string {
  const parts: string[] = [];
  if (item.percent !== null) parts.push(`进度${item.percent}%`);
  if (item.status) parts.push(STATUS_LABEL[item.status]!);
  if (item.problems) parts.push(`问题：${item.problems}`);
  if (item.nextSteps) parts.push(`下一步：${item.nextSteps}`);
  return parts.length ? parts.join('；') : '已记录进展说明';
}

function newStatus(item: ReplyItem): ReplyStatus | null {
  if (item.status) return item.status;
  return item.percent === 100 ? 'done' : null;
}

/**
 * A free-text message: a progress report, a correction, a receipt (收到) or chatter. Reports from a
 * unit's contacts are recorded on that unit's tasks and confirmed; anything uncertain gets one
 * question back and no record.
 */
export async function recordProgress(turn: ChatTurn, text: string): Promise<Outcome> {
  const { deps, sender, m, now } = turn;
  const { prisma } = deps;
  const addressed = turn.here.kind === 'person' || m.mentionsSelf;

  if (!sender.unit) {
    const r = interpretReply(text, { tasks: [], botName: deps.botName });
    // Admins and leaders talk about tasks ("请加快推进第3项") without reporting on them.
    const looksLikeReport = r.isProgressReport && (r.percent !== null || findTaskRefsInReply(text).length > 0);
    if (!looksLikeReport || sender.isAdmin || sender.isLeader) {
      if (addressed && !sender.isAdmin && !sender.isLeader) await turn.reply(`您好，${HINT}`);
      return { status: 'ignored', note: 'chatter from a person who is not a unit contact' };
    }
    const where = sender.group?.units.map((u) => u.name).join('、');
    await turn.reply(`${m.talkerName || '您'}不在${where ? `${where}的` : '任何单位的'}联络人名单中，这条进展没有记录。请由本单位联络员报送，或请督办室登记联络人。`);
    return { status: 'ignored', note: `PERMISSION_DENIED: ${m.talkerName} (${m.talkerId}) is not a unit contact` };
  }

  const unit = sender.unit;
  const tasks = await unitOpenTasks(prisma, unit.id);
  const own = new Set(tasks.map((t) => t.id));
  const others = (await allOpenTasks(prisma)).filter((t) => !own.has(t.id));
  const r = interpretReply(text, { tasks, otherTasks: others, botName: deps.botName });

  if (r.isReceipt) {
    await prisma.progressUpdate.createMany({
      data: tasks.map((t) => ({
        taskId: t.id, unitId: unit.id, personId: sender.person?.id ?? null, kind: 'receipt', reportedAt: now, text: text.slice(0, 500),
        inboundMessageId: turn.inboundId,
      })),
    });
    return { status: 'interpreted', note: 'receipt' };
  }
  if (!r.isProgressReport) {
    if (addressed) await turn.reply(`没有看懂这条消息。${HINT}`);
    return { status: 'ignored', note: 'not a progress report' };
  }
  if (r.confidence === 'low' || r.items.length === 0) {
    await turn.reply(r.question ?? `请问这是哪一项任务的进展？${HINT}`);
    return { status: 'interpreted', note: 'asked back: ' + (r.question ?? '') };
  }

  const kind = r.isCorrection ? 'correction' : 'report';
  const lines: string[] = [];
  await prisma.$transaction(async (tx) => {
    for (const item of r.items) {
      const task = tasks.find((t) => t.no === item.taskNo)!;
      await tx.progressUpdate.create({
        data: {
          taskId: task.id, unitId: unit.id, personId: sender.person?.id ?? null, kind, reportedAt: now,
          text: (r.items.length > 1 ? item.text : text).slice(0, 2000), percent: item.percent, status: item.status,
          problems: item.problems, nextSteps: item.nextSteps, inboundMessageId: turn.inboundId,
        },
      });
      const status = newStatus(item);
      await tx.task.update({
        where: { id: task.id },
        data: { lastReportedAt: now, ...(item.percent !== null ? { percent: item.percent } : {}), ...(status ? { status } : {}) },
      });
      lines.push(`· ${taskLabel(task)}：${describeItem(item)}`);
    }
    const first = r.items[0]!.taskNo;
    await turn.reply(
      `${r.isCorrection ? '已更正' : '已记录'}（${unit.name}）：\n${lines.join('\n')}\n如有误，请回复“更正 第${first}项 50%”这样的内容。`,
      tx,
    );
  });
  return { status: 'interpreted', note: `${kind}: ${r.items.map((i) => i.taskNo).join(',')}` };
}
