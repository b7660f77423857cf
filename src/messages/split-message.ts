/** WeChat truncates or refuses very long texts; 2000 characters per message stays safe and readable. */
export const WECHAT_LIMIT = 2000;

const marker = (i: number, n: number) => `（续${i}/${n}）\n`;

/** Characters a block may take and still fit one part with its （续i/n） marker. */
export const PART_ROOM = WECHAT_LIMIT - marker(99, 99).length;

/** A piece of a message that should stay whole when possible, with the people it @-mentions. */
export interface MessageBlock {
  text: string;
  mentions?: string[];
}

export interface MessagePart {
  text: string;
  mentions: string[];
}

/** A part together with the input blocks that start in it (by index), so callers need not search texts. */
export interface PackedPart extends MessagePart {
  blocks: number[];
}

/**
 * Packs blocks into messages of at most `limit` characters, never cutting a block (a unit's section,
 * a task line) unless it alone is too long; then it is cut at line breaks. Each part @-mentions only
 * the people whose block it carries. Parts after the first say which part they are, so a reader in
 * the group sees the message continue.
 */
export function splitMessage(blocks: MessageBlock[], limit = WECHAT_LIMIT): MessagePart[] {
  return packMessage(blocks, limit).map(({ text, mentions }) => ({ text, mentions }));
}

/** As `splitMessage`, saying for each part which blocks start in it. One pass over the blocks. */
export function packMessage(blocks: MessageBlock[], limit = WECHAT_LIMIT): PackedPart[] {
  const room = limit - marker(99, 99).length;
  const pieces: (MessageBlock & { from?: number })[] = blocks.flatMap((b, i) =>
    (b.text.length <= room ? [b] : cutLines(b, room)).map((p, k) => (k === 0 ? { ...p, from: i } : p)),
  );
  const parts: PackedPart[] = [];
  let cur: PackedPart | undefined;
  for (const p of pieces) {
    if (cur && cur.text.length + 1 + p.text.length <= room) {
      cur.text += `\n${p.text}`;
      cur.mentions.push(...(p.mentions ?? []));
    } else {
      cur = { text: p.text, mentions: [...(p.mentions ?? [])], blocks: [] };
      parts.push(cur);
    }
    if (p.from !== undefined) cur.blocks.push(p.from);
  }
  const n = parts.length;
  return parts.map((p, i) => ({ text: i === 0 || n === 1 ? p.text : marker(i + 1, n) + p.text, mentions: [...new Set(p.mentions)], blocks: p.blocks }));
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
