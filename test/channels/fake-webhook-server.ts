import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A group-robot webhook (WeCom 群机器人 / DingTalk custom robot) on 127.0.0.1 that records what it is sent. */
export async function startFakeWebhook() {
  const received: { msgtype: string; text?: { content: string } }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=test-key`,
    received,
    texts: () => received.map((r) => r.text?.content ?? ''),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
