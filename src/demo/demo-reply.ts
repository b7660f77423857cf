/** Bot messages a simulated contact answers: reminders, chases and supervision slips, not confirmations. */
export function isPrompt(text: string): boolean {
  return /【[^】]*(提醒|催报|督办|倒计时|交办)[^】]*】/.test(text);
}

/**
 * What a simulated unit contact answers to a reminder: a progress report on one of its own listed
 * tasks, or 收到. In a group that serves many units the reminder has one block per unit; the
 * contact answers from the block that names its unit.
 */
export function demoReply(reminder: string, random: () => number, unitNames: readonly string[] = []): string | undefined {
  const blocks = reminder.split('【').slice(1);
  const own = blocks.filter((b) => unitNames.some((n) => b.includes(n)));
  // The reply-format hint ("回复格式：第3项 60% …") is an example, not a listed task.
  const text = (own.length ? own : blocks).join('\n').replace(/回复格式：[^\n]*/g, '');
  const numbers = [...text.matchAll(/第\s*(\d+)\s*项/g)].map((m) => m[1]!);
  if (numbers.length === 0) return random() < 0.5 ? '收到' : undefined;
  const no = numbers[Math.floor(random() * numbers.length)]!;
  const percent = 10 * (3 + Math.floor(random() * 7));
  const forms = [
    `第${no}项 推进中，已完成${percent}%，下周完成方案审定。`,
    `收到。第${no}项目前完成${percent}%，存在资金缺口，需协调区财政局。`,
    `第${no}项已完成。`,
    `第${no}项进度滞后，完成约${percent}%，主要是用地手续未办结。`,
    '收到',
  ];
  return forms[Math.floor(random() * forms.length)];
}
