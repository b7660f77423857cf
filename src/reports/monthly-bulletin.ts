import type { Db } from '../store/open-database.ts';
import type { MonthlyBulletin, ReportOptions } from './report-types.ts';

export async function buildMonthlyBulletin(_prisma: Db, _opts: ReportOptions): Promise<MonthlyBulletin> {
  throw new Error('not implemented yet');
}
