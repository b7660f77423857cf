/** WeChat truncates or refuses very long texts; 2000 characters per message stays safe and readable. */
export const WECHAT_LIMIT = 2000;

/** A piece of a message that should stay whole when possible, with the people it @-mentions. */
export interface MessageBlock {
  text: string;
  mentions?: string[];
}

export interface MessagePart {
  text: string;
  mentions: string[];
}

/**
 * Packs blocks into messages of at most `limit` characters, never cutting a block (a unit's section,
 * a task line) unless it alone is too long; then it is cut at line breaks. Each part @-mentions only
 * the people whose block it carries. Parts after the first say which part they are, so a reader in
 * the group sees the message continue.
 */
export function splitMessage(blocks: MessageBlock[], limit = WECHAT_LIMIT): MessagePart[] {
  const marker = (i: number, n: number) => `（续${i}/${n}）\n`;
  const room = limit - marker(99, 99).length;
  const pieces: MessageBlock[] = blocks.flatMap((b) => (b.text.length <= room ? [b] : cutLines(b, room)));
  const parts: MessagePart[] = [];
  let cur: MessagePart | undefined;
  for (const p of pieces) {
    if (cur && cur.text.length + 1 + p.text.length <= room) {
      cur.text += `\n${p.text}`;
      cur.mentions.push(...(p.mentions ?? []));
    } else {
      cur = { text: p.text, mentions: [...(p.mentions ?? [])] };
      parts.push(cur);
    }
  }
  const n = parts.length;
  return parts.map((p, i) => ({ text: i === 0 || n === 1 ? p.text : marker(i + 1, n) + p.text, mentions: [...new Set(p.mentions)] }));
}

function cutLines(block: MessageBlock, room: number): MessageBlock[] {
  const out: MessageBlock[] = [];
  let cur = '';
  const flush = () => {
    if (cur) out.push({ text: cur, mentions: out.length === 0 ? block.mentions ?? [] : [] });
    cur = '';
  };
  for (const line of block.text.split('\n')) {
    for (let i = 0; i < Math.max(1, line.length); i += room) {
      const piece = line.slice(i, i + room);
      if (cur && cur.length + 1 + piece.length > room) flush();
      cur = cur ? `${cur}\n${piece}` : piece;
    }
  }
  flush();
  return out;
}
