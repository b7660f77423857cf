import { findTaskRefs } from './find-task-refs.ts';
import { normalizeReplyText } from './normalize-reply-text.ts';

/** The task numbers a reply names, as written (for measuring without a plan to check them against). */
export function findTaskRefsInReply(text: string): string[] {
  return [...new Set(findTaskRefs(normalizeReplyText(text)).map((r) => String(r.n)))];
}
