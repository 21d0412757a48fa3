// The outcome is decided by the status line. A receiver that answers and then botches the body
// (a 204 with a Content-Length and a body, a connection closed halfway through the body) has still answered:
// a 2xx is a success, delivered once, its attempt logged with the status and a note about the
// body; any other status keeps its own decision. Raw sockets on 127.0.0.1, through the service.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startService, type TestService } from '../../helpers/service.js';
import { eventually } from '../../helpers/eventually.js';
import { sampleEvent } from '../../helpers/samples.js';

/** What a path answers, written to the socket as it is. */
const ANSWERS: Record<string, (socket: Socket) => void> = {
  '/no-content-with-body': (s) => void s.write('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n0123456789'),
  // Closed, not reset: a reset could overtake the bytes before them and the status with them.
  '/ok-then-close': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf'),
  '/unavailable-then-close': (s) => s.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 100\r\n\r\nhalf'),
};

let svc: TestService;
let server: Server;
let base: string;
const requests = new Map<string, number>();
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      // One answer per request head; the body (an event) is never read for anything.
      for (let m = /^POST (\S+) HTTP\/1\.1\r\n/m.exec(head); m; m = /^POST (\S+) HTTP\/1\.1\r\n/m.exec(head)) {
        head = head.slice(m.index + m[0].length);
        const path = m[1];
        requests.set(path, (requests.get(path) ?? 0) + 1);
        ANSWERS[path]?.(socket);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  svc = await startService({ FORJINN_RETRY_DELAYS: '20ms' });
});
afterAll(async () => {
  await svc?.close();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

/** Sends one event to a new webhook at `path`; the delivery once it has left pending. */
async function deliverTo(path: string, maxAttempts: number) {
  const chatflowId = `cf-${crypto.randomUUID()}`;
  const hook = await svc.api('POST', '/v1/webhooks', { url: `${base}${path}`, events: ['*'], filters: { chatflowIds: [chatflowId] }, maxAttempts });
  expect(hook.status).toBe(201);
  const ev = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID(), chatflowId });
  expect([ev.status, ev.body.deliveries]).toEqual([202, 1]);
  const [listed] = await eventually(async () => {
    const list = (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data;
    return list.length && list[0].status !== 'pending' ? list : undefined;
  }, { what: `the delivery to ${path} settled` });
  return (await svc.api('GET', `/v1/deliveries/${listed.id}`)).body;
}

test('a 204 with a Content-Length and a body is delivered once: succeeded, status 204, the body noted', async () => {
  const d = await deliverTo('/no-content-with-body', 5);
  expect(d.status).toBe('succeeded');
  expect(d.attempts).toHaveLength(1);
  expect(d.attempts[0]).toMatchObject({ responseStatus: 204, error: expect.stringMatching(/answer body not read whole/) });
  expect(requests.get('/no-content-with-body')).toBe(1);
});

test('a 200 whose connection closes halfway through the body is a success', async () => {
  const d = await deliverTo('/ok-then-close', 5);
  expect(d.status).toBe('succeeded');
  expect(d.attempts).toHaveLength(1);
  expect(d.attempts[0]).toMatchObject({ responseStatus: 200, responseBody: 'half', error: expect.stringMatching(/answer body not read whole \(network/) });
  expect(requests.get('/ok-then-close')).toBe(1);
});

test('a 503 whose body is cut keeps its own decision: retried, each attempt logged with the 503', async () => {
  const d = await deliverTo('/unavailable-then-close', 2);
  expect(d.status).toBe('failed');
  expect(d.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([503, 503]);
  expect(d.attempts[0].error).toMatch(/^HTTP 503; answer body not read whole/);
  expect(requests.get('/unavailable-then-close')).toBe(2);
});
