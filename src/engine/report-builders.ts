import type { PrismaClient } from '../generated/prisma/client.ts';
import type { LocalDate } from '../domain/calendar/shanghai-time.ts';
import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';

interface ReportArgs {
  date: LocalDate;
  calendar: WorkCalendar;
  outDir?: string;
}
interface Report {
  text: string;
  parts?: string[];
  imagePath?: string;
  docxPath?: string;
}

/** The three report builders of src/reports, as the cadence jobs call them (injectable in tests). */
export interface ReportBuilders {
  buildWeeklyDigests(prisma: PrismaClient, o: ReportArgs): Promise<Array<Report & { leaderId: number; chatId: string | null; leaderName?: string }>>;
  buildConsultAgenda(prisma: PrismaClient, o: ReportArgs): Promise<Report>;
  buildMonthlyBulletin(prisma: PrismaClient, o: ReportArgs): Promise<Report>;
}

/** The real builders, loaded on first use so the engine starts even while reports are being built. */
export const defaultReportBuilders: ReportBuilders = {
  buildWeeklyDigests: async (p, o) => (await load()).buildWeeklyDigests(p, o),
  buildConsultAgenda: async (p, o) => (await load()).buildConsultAgenda(p, o),
  buildMonthlyBulletin: async (p, o) => (await load()).buildMonthlyBulletin(p, o),
};

async function load(): Promise<ReportBuilders> {
  return (await import('../reports/index.ts')) as unknown as ReportBuilders;
}
