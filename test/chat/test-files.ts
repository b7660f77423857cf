import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A 1×1 PNG, enough for the mock puppet to classify the file as an image.
export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'duban-chat-'));
}
