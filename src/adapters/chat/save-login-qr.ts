import fs from 'node:fs/promises';
import path from 'node:path';
import QRCode from 'qrcode';
import qrcodeTerminal from 'qrcode-terminal';

/**
 * Shows the login QR in the terminal and writes it as a PNG in the data folder, so an admin who
 * only has the server's files (or a remote shell) can still scan it. Returns the image path.
 */
export async function saveLoginQr(value: string, dataDir: string, print: (s: string) => void): Promise<string> {
  qrcodeTerminal.generate(value, { small: true }, (art) => print(`请用微信扫码登录督办助手：\n${art}`));
  const file = path.resolve(dataDir, 'login-qr.png');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await QRCode.toFile(file, value, { width: 360, margin: 2 });
  return file;
}
