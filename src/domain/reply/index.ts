export { interpretReply } from './interpret-reply.ts';
export { normalizeReplyText, splitQuote } from './normalize-reply-text.ts';
export { parseNumeral } from './chinese-number.ts';
export { taskNumber } from './find-task-refs.ts';
export { findTaskRefsInReply } from './find-task-refs-in-reply.ts';
export type { ReplyAction, ReplyContext, ReplyInterpretation, ReplyItem, ReplyKind, ReplyStatus, ReplyTask } from './reply-types.ts';
export { sharedFileName } from './classify-message.ts';
