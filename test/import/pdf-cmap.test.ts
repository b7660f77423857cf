import { describe, expect, it } from 'vitest';
import { CMapUnsupported, parseToUnicode } from '../../src/import/pdf-cmap.ts';

// A font's ToUnicode map is the only place a subset font says which text its codes stand for.

describe('parseToUnicode', () => {
  it('reads bfchar pairs, including a ligature and a two-digit destination', () => {
    const map = parseToUnicode('2 beginbfchar\n<0003> <4EFB>\n<0004> <00660069>\n<05> <41>\nendbfchar');
    expect(map.get(3)).toBe('任');
    expect(map.get(4)).toBe('fi');
    expect(map.get(5)).toBe('A');
  });

  it('reads a bfrange that counts up from its first value, and one that lists its values', () => {
    const map = parseToUnicode('2 beginbfrange\n<0010> <0019> <0030>\n<0020> <0022> [<5B8C> <6210> <7387>]\nendbfrange');
    expect([...Array(10).keys()].map((i) => map.get(0x10 + i)).join('')).toBe('0123456789');
    expect([0x20, 0x21, 0x22].map((c) => map.get(c)).join('')).toBe('完成率');
    expect(map.has(0x23)).toBe(false);
  });

  it('counts up the last code unit of a longer destination (a surrogate pair)', () => {
    const map = parseToUnicode('1 beginbfrange <0001> <0002> <D840DC00> endbfrange');
    expect(map.get(1)).toBe('𠀀');
    expect(map.get(2)).toBe('𠀁');
  });

  it('reads several blocks and ignores the codespace and the PostScript around them', () => {
    const source = '/CIDInit /ProcSet findresource begin\n1 begincodespacerange <00> <FF> endcodespacerange\n1 beginbfchar <01> <0041> endbfchar\n1 beginbfchar <02> <0042> endbfchar\nendcmap';
    const map = parseToUnicode(source);
    expect([...map.entries()]).toEqual([
      [1, 'A'],
      [2, 'B'],
    ]);
  });

  it('does not follow a map built on another (usecmap): the font goes to pdfjs', () => {
    expect(() => parseToUnicode('/Adobe-GB1-UCS2 usecmap\n1 beginbfchar <01> <0041> endbfchar')).toThrow(CMapUnsupported);
  });

  it('refuses a map larger than any font needs (a range or many ranges), so pdfjs takes the font', () => {
    expect(() => parseToUnicode('1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange')).toThrow(CMapUnsupported);
    const many = Array.from({ length: 40 }, (_, i) => `<${(i * 0x10000).toString(16).padStart(8, '0')}> <${(i * 0x10000 + 0xffff).toString(16).padStart(8, '0')}> <0041>`).join('\n');
    expect(() => parseToUnicode(`40 beginbfrange\n${many}\nendbfrange`)).toThrow(CMapUnsupported);
  });

  it('an empty destination leaves the code unmapped', () => {
    expect(parseToUnicode('1 beginbfchar <01> <> endbfchar').has(1)).toBe(false);
  });

  it('reads a map whose blocks never end in one pass (no work per unfinished block)', () => {
    // 20,000 unfinished blocks: a lazy "begin … end" pattern would rescan the rest of the text for each.
    const source = '1 beginbfchar <01> <0041>\n'.repeat(20_000);
    const started = Date.now();
    expect(parseToUnicode(source).get(1)).toBe('A');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
