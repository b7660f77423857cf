export { interpretReply } from './interpret-reply.ts';
export { normalizeReplyText, splitQuote } from './normalize-reply-text.ts';
export { parseNumeral } from './chinese-number.ts';
export { taskNumber } from './find-task-refs.ts';
export { findTaskRefsInReply } from './find-task-refs-in-reply.ts';
export type { ReplyContext, ReplyInterpretation, ReplyItem, ReplyStatus, ReplyTask } from './reply-types.ts';
