/**
 * The words of a 批示 as they are recorded and quoted to the units: without the @-mention of the
 * bot a leader types in a group ("@督办助手 第30项…") — that is how the message reached the bot, not
 * part of the instruction — and without the punctuation or spaces the mention leaves at the start.
 */
export function instructionWording(raw: string, botName: string | undefined): string {
  let s = raw;
  // WeChat follows a mention with U+2005; other channels with a space, or nothing.
  if (botName) s = s.split(`@${botName}`).map((part, i) => (i === 0 ? part : part.replace(/^[\u2005\u0020\u00a0]+/, ''))).join(' ');
  return s
    .replace(/[ \u2005\u00a0]{2,}/g, ' ')
    .replace(/^[\s\u2005\u00a0,，、:：;；.。!！]+/, '')
    .trim();
}
