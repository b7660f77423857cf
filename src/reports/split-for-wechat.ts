/** WeChat cuts long messages; ~2000 characters per message stays readable and safe. */
export const WECHAT_TEXT_LIMIT = 2000;

/**
 * Splits text into messages of at most `limit` characters, at line breaks where possible so a
 * table row or list item is never cut in half; a single over-long line is cut hard.
 */
export function splitForWeChat(text: string, limit = WECHAT_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const pieces: string[] = [];
    for (let i = 0; i < Math.max(line.length, 1); i += limit) pieces.push(line.slice(i, i + limit));
    for (const piece of pieces) {
      const joined = current ? `${current}\n${piece}` : piece;
      if (joined.length <= limit) current = joined;
      else {
        if (current.trim()) parts.push(current.replace(/\n+$/, ''));
        current = piece;
      }
    }
  }
  if (current.trim()) parts.push(current.replace(/\n+$/, ''));
  return parts;
}
