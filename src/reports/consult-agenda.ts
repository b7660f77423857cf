import type { Db } from '../store/open-database.ts';
import type { ConsultAgenda, ReportOptions } from './report-types.ts';

export async function buildConsultAgenda(_prisma: Db, _opts: ReportOptions): Promise<ConsultAgenda> {
  throw new Error('not implemented yet');
}
