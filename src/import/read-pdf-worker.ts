import { parentPort, workerData } from 'node:worker_threads';
import { claimPage, openPdf, readPage } from './pdf-page.ts';

/**
 * A worker thread reading a long PDF's pages from the back while the main thread reads from the
 * front (see readPdf). It posts each page as read; it reads a page's drawing when the page has a
 * header line or once the main thread has flagged that a table began (shared[1]), and the main
 * thread completes or drops rules so the result is the same as reading the pages in order.
 */
export interface PdfWorkerData {
  data: Uint8Array;
  numPages: number;
  /** [0]: pages taken (claimPage); [1]: 1 once the main thread has read a table header. */
  shared: Int32Array;
}

const { data, numPages, shared } = workerData as PdfWorkerData;
const { pdfjs, doc } = await openPdf(data);
try {
  for (let p = claimPage(shared, numPages, 'back'); p !== null; p = claimPage(shared, numPages, 'back')) {
    parentPort!.postMessage(await readPage(pdfjs, doc, p, (hasHeader) => hasHeader || Atomics.load(shared, 1) === 1));
  }
} finally {
  await doc.destroy();
}
