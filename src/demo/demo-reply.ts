/** What a simulated unit contact answers to a reminder: a progress report on one listed task, or 收到. */
export function demoReply(reminder: string, random: () => number): string | undefined {
  const numbers = [...reminder.matchAll(/第\s*(\d+)\s*项/g)].map((m) => m[1]!);
  if (numbers.length === 0) return random() < 0.5 ? '收到' : undefined;
  const no = numbers[Math.floor(random() * numbers.length)]!;
  const percent = 10 * (3 + Math.floor(random() * 7));
  const forms = [
    `第${no}项 推进中，已完成${percent}%，下周完成方案审定。`,
    `收到。第${no}项目前完成${percent}%，存在资金缺口，需协调区财政局。`,
    `第${no}项已完成。`,
    `第${no}项进度滞后，完成约${percent}%，原因是用地手续未办结。`,
    '收到',
  ];
  return forms[Math.floor(random() * forms.length)];
}
