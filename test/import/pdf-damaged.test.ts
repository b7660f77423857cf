import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { IMPORT_LIMITS } from '../../src/import/import-limits.ts';
import { readPdf } from '../../src/import/read-pdf.ts';
import { centredLedger } from '../helpers/centred-ledger.ts';

// Damaged PDFs: whatever a broken or hand-edited file holds, reading it ends — with what could be
// read, or with an InputError that says what is wrong — and never with a stray exception or a hang.
// Byte damage is drawn from a seeded generator, so a failure is reproducible by its case number.

const fixtures = path.resolve(import.meta.dirname, '../fixtures/conventions/docs');

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` variants of `pdf`: cut short, bytes overwritten inside the content streams, operators and operands scrambled. */
function damaged(pdf: Uint8Array, n: number, seed: number): Buffer[] {
  const next = random(seed);
  const text = Buffer.from(pdf).toString('latin1');
  const streams = [...text.matchAll(/stream\r?\n/g)].map((m) => m.index! + m[0].length);
  const out: Buffer[] = [];
  for (let k = 0; k < n; k++) {
    const b = Buffer.from(pdf);
    const kind = k % 3;
    if (kind === 0) out.push(b.subarray(0, Math.floor(b.length * (0.2 + 0.8 * next()))));
    else {
      const start = streams[Math.floor(next() * streams.length)] ?? 0;
      for (let j = 0; j < 40; j++) {
        const at = Math.min(b.length - 1, start + Math.floor(next() * 2000));
        b[at] = kind === 1 ? Math.floor(next() * 256) : '()<>[]/%TjTJTfcmqQBTETDo0123456789.-'.charCodeAt(Math.floor(next() * 36));
      }
      out.push(b);
    }
  }
  return out;
}

describe('damaged PDFs end with rows, text or a clear error', () => {
  const sources: [string, () => Uint8Array][] = [
    ['a LibreOffice ledger (compressed streams), fixture d19', () => fs.readFileSync(path.join(fixtures, 'd19_ledger_table.pdf'))],
    ['a ledger with plain streams, fixture d22', () => fs.readFileSync(path.join(fixtures, 'd22_centred_cells.pdf'))],
    ['a generated ruled ledger', () => centredLedger({ rules: true })],
  ];
  for (const [name, source] of sources) {
    it(name, async () => {
      const cases = damaged(source(), 30, name.length);
      // Nothing but the error reaches the user's terminal (pdf-lib and pdfjs warn in English).
      const warn = vi.spyOn(console, 'warn');
      const log = vi.spyOn(console, 'log');
      for (const [i, buf] of cases.entries()) {
        const started = Date.now();
        try {
          const got = await readPdf(buf, `damaged-${i}.pdf`, IMPORT_LIMITS);
          expect(['table', 'text'], `case ${i}`).toContain(got.kind);
        } catch (e) {
          expect(e, `case ${i}: ${(e as Error).stack}`).toBeInstanceOf(InputError);
          expect((e as Error).message, `case ${i}`).toContain(`damaged-${i}.pdf`);
        }
        expect(Date.now() - started, `case ${i}`).toBeLessThan(10_000);
      }
      expect(warn).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
      warn.mockRestore();
      log.mockRestore();
    }, 120_000);
  }
});
