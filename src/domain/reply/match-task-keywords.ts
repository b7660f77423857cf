import type { ReplyTask } from './reply-types.ts';

// Words every task title has; a match made only of these says nothing about which task.
export const GENERIC = /^(推进|加快|全力|持续|提升|建设|完成|工作|项目|落实|开展|加强|进一步|全面|深入|扎实|积极|有序|推动|重点|任务|进度|已完成|推进中)+$/;

/** The longest run of characters of `b` that also occurs in `a`. */
export function longestCommon(a: string, b: string): string {
  let best = '';
  // Titles are short, so the quadratic scan over (message × title) is cheap.
  for (let i = 0; i < b.length; i++) {
    for (let j = i + best.length + 1; j <= b.length; j++) {
      const piece = b.slice(i, j);
      if (!a.includes(piece)) break;
      best = piece;
    }
  }
  return best;
}

/** The words a task is recognised by: its title, or the start of its text. */
/** A title without its punctuation and spaces, as the readers compare it with a message. */
export function compactTitle(title: string): string {
  return title.replace(/[，,。、\s]/g, '');
}

export function label(t: ReplyTask): string {
  return (t.title && t.title.trim()) || (t.text ?? '').slice(0, 24);
}

export interface KeywordMatch {
  /** The best task, when one stands out. */
  task: ReplyTask | null;
  /** Tasks that tie for best, when none stands out. */
  tied: ReplyTask[];
}

/** Recognises a task by words of its title quoted in the message (3+ characters in a row, not generic). */
export function matchTaskKeywords(message: string, tasks: ReplyTask[]): KeywordMatch {
  const text = message.slice(0, 2000);
  const scored = tasks
    .map((t) => {
      const common = longestCommon(text, compactTitle(label(t)));
      const score = common.length >= 3 && !GENERIC.test(common) ? common.length : 0;
      return { t, score };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  const top = scored[0];
  if (!top) return { task: null, tied: [] };
  const tied = scored.filter((x) => x.score === top.score).map((x) => x.t);
  return tied.length === 1 ? { task: top.t, tied: [] } : { task: null, tied };
}
