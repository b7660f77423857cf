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
  /**
   * Every unit's part of the task as read with the item, when the read fetched them (inboundContext):
   * what a change passes back as `basis`, so the store can write it in one statement.
   */
  taskParts?: Assignment[];
}

type UnitRef = { id: number; name: string };

/** A chat group as stored, with the units it serves. */
export interface GroupRow {
  id: number;
  topic: string;
  roomId: string | null;
  units: UnitRef[];
}

/** A registered person as the sender check needs them: their unit, and the units they are B角 for. */
export interface PersonRow {
  id: number;
  name: string;
  kind: string;
  unitId: number | null;
  chatId: string | null;
  isAdmin: boolean;
  unit: UnitRef | null;
  backupFor: UnitRef[];
}

/**
 * Everything an inbound message needs read before it is understood, in one round trip: the group
 * by room id and by topic, the person by chat id, and the open work of every unit the person could
 * report for (their own and those they are B角 for), each task with all its parts.
 */
export interface InboundContext {
  byRoom: GroupRow | null;
  byTopic: GroupRow | null;
  person: PersonRow | null;
  /** The units whose open work is in `work` (also when they have none). */
  workUnitIds: number[];
  work: WorkItem[];
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
  tasks?: Array<{
    id: number;
    derived: DerivedTask;
    deadline?: { date: LocalDate; text: string };
    /**
     * All the task's parts as the caller read them, before its patches (WorkItem.taskParts). When
     * every task has one and they are still so, the store writes the change in one statement;
     * otherwise it locks the tasks and reads them again. The result is the same either way.
     */
    basis?: readonly Assignment[];
  }>;
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
  /** Who wrote and where, and their units' open work: one read for an inbound message (see InboundContext). */
  inboundContext(q: { talkerId: string; roomId: string | null; topic: string | null }): Promise<InboundContext>;
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
