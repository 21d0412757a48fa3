// Two HTTP servers on the same port, one on 127.0.0.2 (the "allowed" address: tests open it with
// FORJINN_ALLOWED_CIDRS=127.0.0.2/32) and one on 127.0.0.1 (the "internal" one an attacker wants).
// A URL names a port once, so a name that rebinds from one address to the other lands on the
// same port of the other: whichever server records the request is where the socket went.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hit {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TwinServers {
  port: number;
  allowed: Hit[];
  internal: Hit[];
  /** How the allowed server answers (the internal one always says 200 "internal secret"). */
  respond(fn: (req: IncomingMessage, res: ServerResponse) => void): void;
  /** Ends kept-alive connections so the next request opens (and looks up) a new one. */
  dropConnections(): void;
  close(): Promise<void>;
}

function record(into: Hit[], handler: () => (req: IncomingMessage, res: ServerResponse) => void): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      into.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      handler()(req, res);
    });
  });
}

const listen = (server: Server, host: string, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });

export async function startTwinServers(): Promise<TwinServers> {
  const allowed: Hit[] = [];
  const internal: Hit[] = [];
  let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(200).end('ok');
  for (let tries = 0; tries < 20; tries++) {
    const a = record(allowed, () => answer);
    const b = record(internal, () => (_req, res) => void res.writeHead(200).end('internal secret'));
    const port = await listen(a, '127.0.0.2', 0);
    try {
      await listen(b, '127.0.0.1', port);
    } catch {
      a.close();
      continue; // that port is taken on 127.0.0.1: try another
    }
    const close = (s: Server) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));
    return {
      port,
      allowed,
      internal,
      respond: (fn) => {
        answer = fn;
      },
      dropConnections: () => {
        a.closeAllConnections();
        b.closeAllConnections();
      },
      close: async () => {
        await Promise.all([close(a), close(b)]);
      },
    };
  }
  throw new Error('no port free on both 127.0.0.1 and 127.0.0.2');
}
