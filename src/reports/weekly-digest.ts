import type { Db } from '../store/open-database.ts';
import type { WeeklyDigest, ReportOptions } from './report-types.ts';

export async function buildWeeklyDigests(_prisma: Db, _opts: ReportOptions): Promise<WeeklyDigest[]> {
  throw new Error('not implemented yet');
}
