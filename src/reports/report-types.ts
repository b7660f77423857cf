import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import type { LocalDate } from '../domain/calendar/shanghai-time.ts';

/** What every report builder needs: the report date, the workday calendar, and where to write files. */
export interface ReportOptions {
  date: LocalDate;
  calendar: WorkCalendar;
  /** When given, the PNG (and for the bulletin the .docx and .xlsx) are written here and their paths returned. */
  outDir?: string;
  /** Workdays before a deadline or milestone during which a task that is behind turns yellow (default 5). */
  warnWorkdays?: number;
}

export interface WeeklyDigest {
  leaderId: number;
  leaderName: string;
  chatId: string | null;
  /** The whole digest as chat text; `parts` is the same text split for WeChat's length limit. */
  text: string;
  parts: string[];
  imagePath?: string;
}

export interface ConsultAgenda {
  text: string;
  parts: string[];
  imagePath?: string;
}

export interface MonthlyBulletin {
  text: string;
  parts: string[];
  imagePath?: string;
  docxPath?: string;
  xlsxPath?: string;
}
