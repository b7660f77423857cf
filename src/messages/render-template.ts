/** Fills `{name}` placeholders; a placeholder with no value is left visible so a typo shows. */
export function renderTemplate(template: string, vars: Record<string, string | number>): string {
  // A slot renders the same few templates tens of thousands of times: split each once, then join.
  let pieces = compiled.get(template);
  if (!pieces) {
    pieces = template.split(/\{(\w+)\}/);
    if (compiled.size > 500) compiled.clear();
    compiled.set(template, pieces);
  }
  let out = pieces[0]!;
  for (let i = 1; i < pieces.length; i += 2) {
    const name = pieces[i]!;
    out += (name in vars ? String(vars[name]) : `{${name}}`) + pieces[i + 1]!;
  }
  return out;
}

/** Literal text and placeholder names alternating, per template. */
const compiled = new Map<string, string[]>();

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
