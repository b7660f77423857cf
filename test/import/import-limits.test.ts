import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { importPlanFile, parsePlanSource } from '../../src/import/import-plan-file.ts';
import { IMPORT_LIMITS } from '../../src/import/import-limits.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';
import { readPlanFile, sourceFromText } from '../../src/import/read-plan-file.ts';
import { zipEntries } from '../../src/import/zip-entries.ts';

// Issue 15, item 4: import is linear and bounded. These are the fuzz cases that used to hang, drop
// items or refuse readable text; speed itself is measured in bench/plan-parse-bench.ts.

const directory = loadUnitDirectory(path.resolve(import.meta.dirname, '../../config/units.json'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-limits-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
};
const parse = (text: string) => parsePlanSource(sourceFromText(text, 'x.txt'), { directory, year: 2026 });

/** A zip written by hand: one deflated entry whose uncompressed size is whatever `xml` is. */
function zipWith(name: string, xml: Buffer): Buffer {
  const data = zlib.deflateRawSync(xml);
  const crc = zlib.crc32(xml);
  const nameBuf = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(xml.length, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(xml.length, 24);
  central.writeUInt16LE(nameBuf.length, 28);
  const centralAt = local.length + nameBuf.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBuf.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, nameBuf, data, central, nameBuf, end]);
}

describe('bounded: oversized input ends at once with a clear Chinese error', () => {
  it('a 50 MB text is refused before it is read', async () => {
    const file = path.join(tmp, 'huge.txt');
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 50 * 1024 * 1024);
    const err = await importPlanFile(file, { directory }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('IMPORT_INVALID');
    expect((err as InputError).message).toMatch(/huge\.txt 有 50\.0 MB，超过文本文件的导入上限 10\.0 MB/);
  });

  it('a .docx whose XML inflates to 19 MB is refused before mammoth opens it', async () => {
    const xml = Buffer.from(`<w:document>${'<w:p><w:r><w:t>（一）加快推进重点项目建设</w:t></w:r></w:p>'.repeat(300_000)}</w:document>`);
    expect(xml.length).toBeGreaterThan(19 * 1024 * 1024);
    const file = write('bomb.docx', zipWith('word/document.xml', xml));
    expect(fs.statSync(file).size).toBeLessThan(1024 * 1024);
    await expect(importPlanFile(file, { directory })).rejects.toThrow(/bomb\.docx 解压后的文档内容有 \d+\.\d MB，超过导入上限 10\.0 MB/);
  });

  it('reads the sizes of a zip from its directory', () => {
    expect(zipEntries(zipWith('word/document.xml', Buffer.from('<x/>')))).toEqual([{ name: 'word/document.xml', size: 4 }]);
    expect(zipEntries(Buffer.from('not a zip at all, just text'))).toBeNull();
  });

  it('250,000 empty lines are refused by the line limit', () => {
    const err = (() => {
      try {
        sourceFromText('\n'.repeat(250_000), 'lines.txt');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect((err as InputError).message).toBe(`lines.txt 有 250001 行，超过导入上限 ${IMPORT_LIMITS.maxLines} 行`);
  });

  it('a PDF without a text layer (a scan) is refused with a hint, not read as empty', async () => {
    const pdf = [
      '%PDF-1.4',
      '1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj',
      '2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj',
      '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj',
      'trailer<</Root 1 0 R>>',
      '%%EOF',
    ].join('\n');
    await expect(importPlanFile(write('scan.pdf', pdf), { directory })).rejects.toThrow(/scan\.pdf 没有文字层（可能是扫描件或图片）/);
  });

  it('a damaged PDF says so', async () => {
    await expect(importPlanFile(write('broken.pdf', '%PDF-1.7\nthis is not a pdf body'), { directory })).rejects.toThrow(/^broken\.pdf 不是有效的 PDF 文件（文件结构损坏或不完整）$/);
  });
});

describe('complete: nothing dropped, repeats kept and warned', () => {
  it.each([250, 500, 1000])('%i repeated "（一）…" lines are as many tasks, with a warning for each repeat', (n) => {
    const plan = parse(Array.from({ length: n }, () => '（一）加快推进重点项目建设，区发改委牵头，各街道配合，10月底前完成。').join('\n'));
    expect(plan.tasks.length).toBe(n);
    expect(plan.warnings.filter((w) => w.code === 'numbering' && w.message.includes('与上一条相同')).length).toBe(n - 1);
    expect(new Set(plan.tasks.map((t) => t.no)).size).toBe(n);
  });

  it('items numbered past 999 are kept: 1,200 items', () => {
    const plan = parse(Array.from({ length: 1200 }, (_, i) => `${i + 1}. 推进第${i + 1}项工作（责任单位：区发改委；完成时限：2026年12月底）`).join('\n'));
    expect(plan.tasks.length).toBe(1200);
    expect(plan.tasks.slice(-2).map((t) => t.no)).toEqual(['1199', '1200']);
    expect(plan.tasks[1199]!.text).toBe('推进第1200项工作');
  });

  it.each(['（1000）', '1000、', '1000)'])('a first item numbered %s… continues after 999', (style) => {
    const lines = Array.from({ length: 1001 }, (_, i) => `${style.replace('1000', String(i + 1))}推进第${i + 1}项工作（责任单位：区发改委）`);
    expect(parse(lines.join('\n')).tasks.length).toBe(1001);
  });

  it('1,000 and 5,000 numbered items are all imported, and 5,000 cost per item what 1,000 do (linear, not quadratic)', () => {
    const numbered = (n: number) =>
      ['2026年重点工作任务分解', '一、重点工作', ...Array.from({ length: n }, (_, i) => `${i + 1}. 推进第${i + 1}项重点工作。（牵头单位：区发改委；完成时限：2026年${(i % 12) + 1}月底前）`)].join('\n');
    const perItem = (n: number) => {
      const text = numbered(n);
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const plan = parse(text);
        times.push(performance.now() - t0);
        expect(plan.tasks.length).toBe(n);
        expect(plan.tasks.at(-1)!.no).toBe(String(n));
      }
      return Math.min(...times) / n;
    };
    const small = perItem(1_000);
    const large = perItem(5_000);
    // Quadratic work would cost 5x per item at 5,000; the bench (bench/plan-parse-bench.ts) measures it idle.
    expect(large / small).toBeLessThan(3);
  });

  it('a line of 200,000 opening brackets finishes and says there are no tasks', () => {
    const plan = parse(`工作方案\n一、${'（'.repeat(200_000)}`);
    expect(plan.tasks).toEqual([]);
    expect(plan.warnings.some((w) => w.code === 'no_tasks')).toBe(true);
  });
});

describe('encodings: UTF-16 and GBK are decoded, not refused as binary', () => {
  const text = '2026年重点工作\n一、项目建设\n1.推进城北片区改造。（牵头单位：区住建局；完成时限：2026年9月底）\n';
  const expected = parse(text).tasks.map((t) => [t.no, t.text, t.units.map((u) => u.rawName), t.deadline.date]);
  it.each([
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')])],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf16be')])],
    ['UTF-16LE without BOM', iconv.encode(text, 'utf16le')],
    ['GBK', iconv.encode(text, 'gbk')],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
  ])('%s', async (_name, bytes) => {
    const plan = await importPlanFile(write(`enc-${bytes.length}-${bytes[0]}.txt`, bytes), { directory });
    expect(plan.tasks.map((t) => [t.no, t.text, t.units.map((u) => u.rawName), t.deadline.date])).toEqual(expected);
  });

  it('random bytes are still refused, naming the byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 97 + 13) % 256));
    await expect(readPlanFile(write('noise.txt', bytes))).rejects.toThrow(/noise\.txt (不是文本文件|第\d+行起无法按文字读取)/);
  });
});
