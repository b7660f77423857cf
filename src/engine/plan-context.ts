import type { PrismaClient } from '../generated/prisma/client.ts';
import type { CadenceSpec, Slot } from '../domain/cadence/index.ts';
import type { WorkCalendar } from '../domain/calendar/work-calendar.ts';
import type { Templates } from '../messages/load-templates.ts';
import type { OutboxItem } from '../outbox/enqueue-outbox.ts';
import type { ReportBuilders } from './report-builders.ts';
import type { UnitDirectory } from './unit-directory.ts';

/** Everything a slot's planner reads; planners only decide, the engine writes. */
export interface PlanContext {
  prisma: PrismaClient;
  calendar: WorkCalendar;
  templates: Templates;
  spec: CadenceSpec;
  slot: Slot;
  dir: UnitDirectory;
  admins: string[];
  /** Whether the channel can address a group by its topic (else only groups with an id are sent to). */
  groupsByTopic: boolean;
  reports: ReportBuilders;
  reportsDir?: string | undefined;
  /** Only these units (admin 立即推送 for one unit, or the cadence's unit scope). */
  unitIds?: number[] | undefined;
}

export interface EscalationRow {
  taskId: number;
  unitId: number;
  level: 'reminder' | 'supervision';
  reason: string;
  outboxKey: string | null;
}

/** What a slot decided: the messages and the escalation steps to record. */
export interface SlotPlan {
  items: OutboxItem[];
  escalations: EscalationRow[];
  /** One line for SlotRun.note and the logs. */
  note: string;
}

export type SlotPlanner = (ctx: PlanContext) => Promise<SlotPlan>;
