/** HTML built from tagged templates: every interpolated value is escaped unless it is already Html. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]!);

type Part = Html | string | number | boolean | null | undefined | readonly Part[];
const render = (v: Part): string => (v === null || v === undefined || v === false ? '' : v instanceof Html ? v.value : Array.isArray(v) ? v.map(render).join('') : escapeHtml(String(v)));

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

export const raw = (s: string): Html => new Html(s);

/** 2026-05-11 10:05 in Beijing time. */
export function fmtTime(d: Date | null | undefined): string {
  if (!d) return '';
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
export const fmtDate = (d: Date | null | undefined): string => (d ? d.toISOString().slice(0, 10) : '');
