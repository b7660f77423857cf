import type { LocalDate } from '../domain/calendar/shanghai-time.ts';
import type { Assignment, AssignmentPatch, DerivedTask, TaskRef, TaskState } from '../domain/work/index.ts';
import type { OutboxItem } from '../outbox/enqueue-outbox.ts';

/** A task of an active plan, as chat and the rules need it. */
export interface TaskInfo extends TaskRef {
  deadline: LocalDate | null;
  deadlineText: string | null;
  state: TaskState;
  percent: number | null;
}

/** One unit's part of a task, with the task. */
export interface WorkItem {
  assignment: Assignment;
  task: TaskInfo;
}

export interface RequestRow {
  id: number;
  taskId: number;
  assignmentId: number | null;
  unitId: number | null;
  kind: 'close' | 'extension' | 'transfer';
  requestedBy: string;
  reason: string | null;
  evidence: string[];
  newDeadline: LocalDate | null;
  createdAt: Date;
}

export interface NewRequest {
  taskId: number;
  assignmentId: number | null;
  unitId: number | null;
  kind: 'close' | 'extension' | 'transfer';
  status?: 'pending' | 'approved';
  requestedBy: string;
  reason: string | null;
  evidence: string[];
  newDeadline: LocalDate | null;
  toUnitId?: number | null;
  decidedBy?: string | null;
  decision?: string | null;
  at: Date;
}

export interface ProgressRow {
  taskId: number;
  unitId: number;
  personId: number | null;
  kind: 'report' | 'correction' | 'receipt';
  at: Date;
  text: string;
  percent: number | null;
  status: TaskState | null;
  problems: string | null;
  nextSteps: string | null;
  inboundMessageId: number | null;
}

export interface AuditRow {
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId?: string | number;
  before?: unknown;
  after?: unknown;
}

/** Everything one decision writes, applied in one transaction: all of it or none. */
export interface WorkChange {
  /**
   * The inbound message this change records. The change is applied only if that message is not
   * yet marked interpreted, and the mark is set in the same transaction: a message interpreted
   * again after a crash or a retry never records twice.
   */
  inboundId?: number;
  assignments?: Array<{ id: number; patch: AssignmentPatch }>;
  /** The tasks' derived state (and an approved new deadline), recomputed by the rules. */
  tasks?: Array<{ id: number; derived: DerivedTask; deadline?: { date: LocalDate; text: string } }>;
  progress?: ProgressRow[];
  newRequests?: NewRequest[];
  decided?: Array<{ id: number; status: 'approved' | 'returned'; by: string; at: Date; decision: string | null }>;
  evidence?: Array<{ requestId: number; file: string }>;
  audit?: AuditRow[];
  outbox?: OutboxItem[];
}

/**
 * Where the work is kept. Narrow on purpose: the rules in domain/work decide, this port loads and
 * saves. One Prisma adapter (PostgreSQL and PGlite), one conformance suite.
 */
export interface WorkStore {
  /** A unit's assignments on tasks of active plans (open ones unless `withClosed`), in plan and task order. */
  unitWork(unitId: number, opts?: { withClosed?: boolean }): Promise<WorkItem[]>;
  /** Every task of the active plans, in plan and task order. */
  activeTasks(): Promise<TaskInfo[]>;
  /** One task of an active plan. */
  task(taskId: number): Promise<TaskInfo | null>;
  /** Tasks of active plans this person leads (牵头领导) or oversees (plan roster, 分管领导 of a unit). */
  leaderTasks(personId: number): Promise<TaskInfo[]>;
  /** All assignments of these tasks, by task. */
  assignmentsOf(taskIds: readonly number[]): Promise<Map<number, Assignment[]>>;
  /** Pending requests of a task (newest first), optionally of one kind. */
  pendingRequests(taskId: number, kind?: RequestRow['kind']): Promise<RequestRow[]>;
  /** The person's newest pending close request made at or after `since`. */
  recentCloseRequest(requestedBy: string, since: Date): Promise<RequestRow | null>;
  /** `alreadyRecorded`: the change's inbound message was recorded before, so nothing was written. */
  apply(change: WorkChange): Promise<{ requestIds: number[]; alreadyRecorded?: boolean }>;
}
