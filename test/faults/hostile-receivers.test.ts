// Receivers that misbehave: answer 500 at random, hang, reset the connection, trickle their
// headers or body a byte at a time, or stream gigabytes. Every delivery still ends, succeeded or
// failed, with one logged attempt per try, each with its status or its reason; the huge answer is
// never read past the 64 KiB limit, and the process's memory stays bounded. The status line
// decides: a 200 whose body is still trickling at the timeout is a success (the body noted).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startService, type TestService } from '../helpers/service.js';
import { eventually } from '../helpers/eventually.js';

let svc: TestService;
let server: Server;
let base: string;
const sockets = new Set<Socket>();
const hugeBytes: number[] = [];
const GIB = 1024 ** 3;

function hostileServer(): Server {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      if (path.startsWith('/random500')) res.writeHead(Math.random() < 0.5 ? 500 : 200).end('maybe');
      else if (path.startsWith('/hang')) {
        /* never answers */
      } else if (path.startsWith('/reset')) req.socket.destroy();
      else if (path.startsWith('/trickle-body')) {
        res.writeHead(200, { 'content-length': '1000000' });
        const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write('x')), 100);
        res.on('close', () => clearInterval(t));
      } else if (path.startsWith('/trickle-headers')) {
        const head = 'HTTP/1.1 200 OK\r\nX-Slow: ' + 'y'.repeat(200);
        let i = 0;
        const t = setInterval(() => (req.socket.destroyed || i >= head.length ? clearInterval(t) : req.socket.write(head[i++])), 100);
        req.socket.on('close', () => clearInterval(t));
      } else if (path.startsWith('/huge')) {
        // Streams up to 4 GiB, only as fast as the client reads: never buffered here.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 'z');
        let sent = 0;
        const pump = () => {
          while (sent < 4 * GIB && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end();
        };
        res.on('close', () => hugeBytes.push(sent));
        pump();
      } else res.writeHead(404).end();
    });
  });
}

beforeAll(async () => {
  server = hostileServer();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  svc = await startService({ FORJINN_DELIVERY_TIMEOUT_MS: '1000', FORJINN_RETRY_DELAYS: '20ms,20ms', FORJINN_DISABLE_AFTER_FAILURES: '0' });
});
afterAll(async () => {
  await svc?.close();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

test('every delivery ends with a complete log, and memory stays bounded', async () => {
  const kinds = ['random500', 'hang', 'reset', 'trickle-body', 'trickle-headers', 'huge'];
  const hooks: Record<string, string> = {};
  for (const kind of kinds) {
    const res = await svc.api('POST', '/v1/webhooks', { url: `${base}/${kind}`, events: ['*'] });
    expect(res.status).toBe(201);
    hooks[kind] = res.body.id;
  }
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const EVENTS = 20;
    for (let i = 0; i < EVENTS; i++) expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id: `rx-${i}`, chatflowId: 'cf' })).status).toBe(202);
    const pool = svc.rt.ctx.db.pool;
    await eventually(async () => (await pool.query(`select count(*)::int as n from deliveries where status = 'pending'`)).rows[0].n === 0, { what: 'every delivery finished', timeoutMs: 50_000, intervalMs: 250 });

    for (const kind of kinds) {
      const list = (await svc.api('GET', `/v1/webhooks/${hooks[kind]}/deliveries?limit=100`)).body.data;
      expect([kind, list.length]).toEqual([kind, EVENTS]);
      for (const d of list) {
        expect([kind, d.status]).toEqual([kind, expect.stringMatching(/^(succeeded|failed)$/)]);
        const full = (await svc.api('GET', `/v1/deliveries/${d.id}`)).body;
        expect([kind, full.attempts.length]).toEqual([kind, d.attempts]);
        for (const a of full.attempts) {
          expect([kind, a.responseStatus !== null || (typeof a.error === 'string' && a.error.length > 0)]).toEqual([kind, true]);
          expect(a.durationMs).toEqual(expect.any(Number));
        }
        const last = full.attempts[full.attempts.length - 1];
        if (kind === 'hang' || kind === 'trickle-headers') expect([kind, d.status, last.error]).toEqual([kind, 'failed', expect.stringMatching(/^timeout/)]);
        if (kind === 'trickle-body') {
          expect([kind, d.status, full.attempts.length, last.responseStatus, last.error]).toEqual([kind, 'succeeded', 1, 200, expect.stringMatching(/^answer body not read whole \(timeout/)]);
        }
        if (kind === 'reset') expect([kind, d.status, last.error]).toEqual([kind, 'failed', expect.stringMatching(/^network/)]);
        if (kind === 'huge') {
          expect(d.status).toBe('succeeded');
          expect(last.responseBody.length).toBeLessThanOrEqual(16 * 1024);
        }
      }
    }
  } finally {
    clearInterval(sampler);
  }
  // Each huge answer was dropped after the read limit: what got written is what fits in the
  // socket buffers, not gigabytes.
  expect(hugeBytes.length).toBeGreaterThan(0);
  expect(Math.max(...hugeBytes)).toBeLessThan(64 * 1024 * 1024);
  expect(peak - baseline).toBeLessThan(200 * 1024 * 1024);
}, 60_000);
