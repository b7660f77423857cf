/** `@王科长 @李娜 ` for mentions a channel can only write as text; ids without a known name are written as ids. */
export function mentionsAsText(ids: readonly string[], names: Record<string, string> | undefined): string {
  return ids.map((id) => `@${names?.[id] ?? id} `).join('');
}
