import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { silentLogger } from '../../src/log/create-logger.ts';
import type { ManualClock } from '../../src/ports/clock.ts';
import { createPgDatabase } from './databases.ts';

/** The app on a fresh PostgreSQL database, configured from environment variables as `npm start` is (no pacing, no HTTP port). */
export async function openOfficialApp(env: Record<string, string>, clock: ManualClock) {
  const pg = await createPgDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-official-'));
  const config = loadConfig({ env: { ...env, DUBAN_SEND_PER_MINUTE: '0', DUBAN_SEND_JITTER_MS: '0', DUBAN_HTTP_PORT: '0', LOG_LEVEL: 'silent' }, overrides: { databaseUrl: pg.url, dataDir } });
  const app = await createApp(config, { clock, logger: silentLogger });
  return { app, drop: pg.drop, url: pg.url, dataDir };
}

/**
 * The official-channel stories' world: a plan of three tasks, two for 区商务局 (contact 王科长) and
 * one for 区住建局, and an admin 李主任; no groups bound yet. `ids` are their chat ids on the channel.
 */
export async function seedOfficialChannelPlan(prisma: PrismaClient, ids: { wang: string; admin: string }): Promise<void> {
  const unit = await prisma.unit.create({ data: { name: '区商务局', kind: 'department', aliases: ['商务局'] } });
  const other = await prisma.unit.create({ data: { name: '区住建局', kind: 'department', aliases: [] } });
  const plan = await prisma.plan.create({ data: { sourceDocument: 'e2e.txt', title: '测试方案', mechanisms: ['周调度'] } });
  for (const [i, title] of ['加快惠企政策落实落地', '推动重大项目征收拆迁', '繁荣现代商贸提振大宗消费'].entries()) {
    const u = i === 1 ? other : unit;
    await prisma.task.create({
      data: {
        planId: plan.id, no: String(i + 1), seq: i + 1, title, text: `${title}。`, status: 'in_progress',
        deadline: new Date('2026-12-31T00:00:00Z'), deadlineKind: 'date', deadlineText: '2026年12月底',
        units: { create: [{ role: 'responsible', rawName: u.name, unitId: u.id }] },
        assignments: { create: [{ role: 'responsible', state: 'in_progress', unitId: u.id }] },
      },
    });
  }
  await prisma.person.create({ data: { name: '王科长', kind: 'contact', unitId: unit.id, chatId: ids.wang } });
  await prisma.person.create({ data: { name: '李主任', kind: 'admin', isAdmin: true, chatId: ids.admin } });
}
