import { chromium } from 'playwright-core';

/**
 * `html` printed to PDF by headless Chromium (Skia), the way a page "printed to PDF" from a browser
 * reaches an office: CJK text in Type3 fonts with ToUnicode maps, ActualText spans, table borders
 * as thin filled rectangles.
 */
export async function browserPdf(html: string): Promise<Uint8Array> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.setContent(html);
    return new Uint8Array(await page.pdf({ format: 'A4', landscape: true, printBackground: true }));
  } finally {
    await browser.close();
  }
}
