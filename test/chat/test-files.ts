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

/** A 1×1 PNG in a fresh temporary folder: the evidence photo a conformance run sends. */
export function evidenceImage(): string {
  const file = path.join(tempDir(), 'evidence.png');
  fs.writeFileSync(file, PNG_1PX);
  return file;
}

/** Makes `chat.close()` also close the fake platform server it talks to. */
export function closingServerToo<C extends { close(): Promise<void> }>(chat: C, server: { close(): Promise<unknown> }): C {
  const close = chat.close.bind(chat);
  chat.close = async () => {
    await close();
    await server.close().catch(() => {});
  };
  return chat;
}
