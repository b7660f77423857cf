import * as OpenCC from 'opencc-js';

let toSimplified: ((s: string) => string) | null = null;

/** Traditional → simplified (牽頭 → 牵头, 預計 → 预计), built on first use: the tables take a moment. */
function simplified(s: string): string {
  // Plain ASCII or text with no traditional-only character needs no conversion.
  if (!/[\u3400-\u9fff]/.test(s)) return s;
  const convert = (toSimplified ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  return convert(s);
}

/**
 * Folds full-width digits and punctuation to ASCII (６０％ → 60%, （三） → (三)) and removes
 * @-mentions and invisible characters, and writes traditional characters as simplified, so the
 * readers below see one spelling of each form.
 */
export function normalizeReplyText(raw: string, botName?: string): string {
  // ① ② … number a list; NFKC would leave a bare "1", read as a terse task number.
  let s = simplified(raw.replace(/[\u2460-\u2473]/g, (c) => `${c.charCodeAt(0) - 0x245f}、`).normalize('NFKC'));
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
