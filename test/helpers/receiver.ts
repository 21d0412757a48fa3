// A real HTTP receiver on 127.0.0.1:0 that records every request (raw body included) and
// answers as the test says.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Responder = (req: Received, n: number, res: ServerResponse) => unknown;

export interface Receiver {
  url: string;
  received: Received[];
  respond(fn: Responder): void;
  close(): Promise<void>;
}

export const ok: Responder = (_req, _n, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
};

export async function startReceiver(responder: Responder = ok): Promise<Receiver> {
  let fn = responder;
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(r);
      void Promise.resolve(fn(r, received.length, res)).catch(() => res.destroy());
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respond: (f) => {
      fn = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
