/** The work itself: tasks, each unit's part of a task (its assignment), and who may act on it. */

export type AssignmentRole = 'lead' | 'responsible' | 'participating';

/** 未启动 / 推进中 / 滞后 / 受阻 / 报完成待核 / 已销号 */
export type AssignmentState = 'not_started' | 'in_progress' | 'lagging' | 'blocked' | 'reported_done' | 'closed';

/** A task's state, derived from its assignments (`done` = reported complete, awaiting 销号). */
export type TaskState = 'not_started' | 'in_progress' | 'lagging' | 'blocked' | 'done' | 'closed';

/** One unit's part of one task. */
export interface Assignment {
  id: number;
  taskId: number;
  unitId: number;
  role: AssignmentRole;
  state: AssignmentState;
  percent: number | null;
  lastReportedAt: Date | null;
  /** 签收: when the unit last acknowledged it. */
  receivedAt: Date | null;
  closedAt: Date | null;
}

/** What changes on an assignment; absent fields stay as they are. */
export type AssignmentPatch = Partial<Pick<Assignment, 'state' | 'percent' | 'lastReportedAt' | 'receivedAt' | 'closedAt' | 'unitId'>> & {
  /** Where the part came from when not from the document's own wording (转办自区商务局). */
  via?: string | null;
};

/** A task as the work rules see it: which plan, its number, and the plan's short reference. */
export interface TaskRef {
  taskId: number;
  planId: number;
  /** The plan's short name, unique among active plans (重大重点项目). */
  planShort: string;
  /** The number as printed (二, 2, 1.3). */
  no: string;
  title: string | null;
  text: string;
}

/** The state a task shows, and the percent it shows, derived from its assignments. */
export interface DerivedTask {
  state: TaskState;
  percent: number | null;
  closedAt: Date | null;
}

/** A person as the rules see them; identity comes only from the directory or an admin. */
export interface Actor {
  personId: number | null;
  isAdmin: boolean;
  isLeader: boolean;
  /** Units this person reports for: as their contact, or as B角 of one of its contacts. */
  unitIds: readonly number[];
}

export type WorkAction = 'report' | 'request_close' | 'request_extension' | 'decide_request' | 'transfer' | 'query_unit' | 'change_settings' | 'archive_plan';
