/**
 * Folds full-width digits and punctuation to ASCII (６０％ → 60%, （三） → (三)) and removes
 * @-mentions and invisible characters, so the readers below see one spelling of each form.
 */
export function normalizeReplyText(raw: string, botName?: string): string {
  let s = raw.normalize('NFKC');
  // WeChat separates a mention from the text with U+2005 (four-per-em space).
  s = s.replace(/[\u2005\u200b-\u200f\ufeff]/g, ' ');
  if (botName) s = s.split(`@${botName}`).join(' ');
  s = s.replace(/@[^\s@]{1,20}\s/g, ' ');
  s = s.replace(/−|–|—(?=\d)/g, '-');
  return s.trim();
}

export interface QuotedReply {
  quote: string | null;
  body: string;
}

/** Splits WeChat's quote form `「name：quoted」\n- - - - -\nreply` into the quote and the reply. */
export function splitQuote(text: string): QuotedReply {
  const m = /^「([\s\S]*?)」\s*\n\s*(?:- ){3,}-?\s*\n?([\s\S]*)$/.exec(text);
  if (m) return { quote: m[1] ?? '', body: (m[2] ?? '').trim() };
  return { quote: null, body: text };
}
