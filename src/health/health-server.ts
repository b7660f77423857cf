import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runChecks, type HealthCheck } from './health-checks.ts';

export interface HealthServer {
  port: number;
  /** The address it listens on (127.0.0.1 unless configured). */
  host: string;
  close(): Promise<void>;
}

/** Answers a request it owns (the web console) and resolves false for one it does not. */
export type HttpRoutes = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;

/**
 * GET /healthz → 200 when every check passes, 503 otherwise; the body lists each check. Other paths go
 * to `routes`. Listens on loopback unless told otherwise: /healthz is unauthenticated.
 */
export async function startHealthServer(port: number, checks: HealthCheck[], host = '127.0.0.1', routes?: HttpRoutes): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/healthz' && req.url !== '/healthz/') {
      if (!routes) return void res.writeHead(404).end();
      routes(req, res).then(
        (handled) => void (handled || res.writeHead(404).end()),
        () => void (res.headersSent || res.writeHead(500).end()),
      );
      return;
    }
    runChecks(checks).then(
      (r) => {
        res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(r));
      },
      (e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(String(e));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    host: (server.address() as AddressInfo).address,
    close: () => (closing ??= new Promise((resolve) => server.close(() => resolve()))),
  };
}
