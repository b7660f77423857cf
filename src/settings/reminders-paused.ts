import type { PrismaClient } from '../generated/prisma/client.ts';

/** Setting key an admin flips with 暂停提醒 / 恢复提醒. */
export const REMINDERS_PAUSED = 'reminders.paused';

export async function areRemindersPaused(prisma: Pick<PrismaClient, 'setting'>): Promise<boolean> {
  const row = await prisma.setting.findUnique({ where: { key: REMINDERS_PAUSED } });
  return row?.value === true;
}
