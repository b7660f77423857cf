/** WeChat refuses or truncates very long texts; keep each message well under its limit. */
export const CHAT_TEXT_LIMIT = 2000;

/** Cuts a text into parts of at most `limit` characters, at line breaks when it can. */
export function splitLongText(text: string, limit = CHAT_TEXT_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = rest.lastIndexOf('\n', limit);
    const at = cut > limit / 2 ? cut : limit;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest) parts.push(rest);
  return parts;
}
