/** 滞后 (lagging) is behind schedule but moving; 受阻 (blocked) is stuck. */
export type ReplyStatus = 'done' | 'in_progress' | 'lagging' | 'blocked' | 'not_started';

/** One task as the reply reader needs it: its printed number and words to recognise it by. */
export interface ReplyTask {
  no: string;
  title?: string | null;
  text?: string | null;
}

export interface ReplyContext {
  /** The open tasks of the unit the message comes from. */
  tasks: ReplyTask[];
  /** Other tasks of the plan: a reference to one of them is understood but not recorded with confidence. */
  otherTasks?: ReplyTask[];
  botName?: string;
  /**
   * A report that names no task goes to the unit's only task (default true). Off when `tasks` is one
   * of several plans the unit works on: that "only" task is only the only one in this plan.
   */
  guessSoleTask?: boolean;
}

/** What the message says about one task. */
export interface ReplyItem {
  taskNo: string;
  percent: number | null;
  status: ReplyStatus | null;
  problems: string | null;
  nextSteps: string | null;
  /** The part of the message about this task. */
  text: string;
}

/**
 * What kind of message it is. `no_change`: "这周没有新进展", a report that nothing moved; `file`: a file
 * named for tasks ("[文件] X局第2项进展.docx"), a report whose content waits for the office to read;
 * `question`: something asked of the office ("第3项的时限能不能延后？"); `other`: chatter, instructions.
 */
export type ReplyKind = 'report' | 'no_change' | 'file' | 'question' | 'receipt' | 'other';

/**
 * What the bot does with it: `record` it (as a report, never closing anything), `ask` one question back
 * and record nothing, `forward` it to the admins, or `ignore` it.
 */
export type ReplyAction = 'record' | 'ask' | 'forward' | 'ignore';

export interface ReplyInterpretation {
  kind: ReplyKind;
  action: ReplyAction;
  taskNos: string[];
  /** The first completion share mentioned (0–100), or null. */
  percent: number | null;
  status: ReplyStatus | null;
  hasProblem: boolean;
  problems: string | null;
  nextSteps: string | null;
  isProgressReport: boolean;
  /** 收到 / 已阅: the reminder was seen (签收). */
  isReceipt: boolean;
  /** `更正 …`: replaces the last report of the task. */
  isCorrection: boolean;
  items: ReplyItem[];
  /** 'high' only when every item names a task of the unit and nothing is out of range. */
  confidence: 'high' | 'low';
  /** One short question to send back when confidence is low and the message looked like a report. */
  question: string | null;
}
