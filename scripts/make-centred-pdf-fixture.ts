// Writes test/fixtures/conventions/docs/d22_centred_cells.pdf from text written here: a ruled ledger
// whose short cells are vertically centred beside tall ones (WPS/Word's 居中 cell alignment), over
// two pages with the header repeated. No LibreOffice needed (test/helpers/table-pdf.ts writes the PDF).
// Run: npx tsx scripts/make-centred-pdf-fixture.ts — the output is committed; tests never run this.
import fs from 'node:fs';
import path from 'node:path';
import { centredLedger } from '../test/helpers/centred-ledger.ts';

const OUT = path.resolve(import.meta.dirname, '../test/fixtures/conventions/docs/d22_centred_cells.pdf');
fs.writeFileSync(OUT, centredLedger({ rules: true }));
