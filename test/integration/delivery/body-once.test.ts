// Each payload is stored once (issue 13): a generic webhook without a template sends the event's
// payload bytes as they are, so its attempt stores NULL as its request body and the request log
// shows events.payload; a transformer's or a template's output differs and is stored as it was
// sent. Whatever is stored, GET /v1/deliveries/:id shows byte for byte what the receiver got.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleEvent } from '../../helpers/samples.js';
import { startService, type TestService } from '../../helpers/service.js';
import { eventually } from '../../helpers/eventually.js';

const KiB = 1024;
let svc: TestService;
let server: Server;
let base: string;
/** Every request's raw body, by path. */
const raw = new Map<string, Buffer>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      raw.set(req.url ?? '', Buffer.concat(chunks));
      // Slack's incoming webhook answers a plain `ok`; the others any 200.
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  svc = await startService();
});
afterAll(async () => {
  await svc?.close();
  await new Promise((r) => server?.close(r));
});

/** One webhook at `path`, one event to it; its delivery once it succeeded. */
async function deliver(path: string, hook: Record<string, unknown>, event: Record<string, unknown> = {}) {
  const created = await svc.api('POST', '/v1/webhooks', { url: `${base}${path}`, events: ['*'], ...hook });
  expect([created.status, created.body?.error]).toEqual([201, undefined]);
  const sent = { ...sampleEvent('flow_completed'), id: crypto.randomUUID(), ...event };
  expect((await svc.api('POST', '/v1/events', sent)).status).toBe(202);
  const row = await eventually(async () => {
    const [d] = (await svc.api('GET', `/v1/webhooks/${created.body.id}/deliveries`)).body.data;
    return d && d.status === 'succeeded' ? d : undefined;
  }, { what: `a succeeded delivery to ${path}` });
  const d = (await svc.api('GET', `/v1/deliveries/${row.id}`)).body;
  const { rows } = await svc.rt.ctx.db.pool.query<{ request_body: string | null; request_body_truncated: boolean }>(
    'select request_body, request_body_truncated from attempts where delivery_id = $1',
    [row.id],
  );
  return { d, stored: rows, received: raw.get(path)! };
}

describe('each payload stored once', () => {
  test('a generic delivery stores no body of its own, and its request log shows the exact bytes sent', async () => {
    const { d, stored, received } = await deliver('/generic', {});
    expect(stored).toEqual([{ request_body: null, request_body_truncated: false }]);
    expect(d.attempts).toHaveLength(1);
    expect(Buffer.from(d.attempts[0].requestBody, 'utf8').equals(received)).toBe(true);
    expect(d.attempts[0].requestBodyTruncated).toBe(false);
  });

  test('a Slack delivery and a custom template store their rendered body, shown as sent', async () => {
    for (const [path, hook] of [
      ['/slack/services/T0/B0/body-once', { transformer: 'slack', transformerConfig: { group: false } }],
      ['/template', { events: ['flow_completed'], template: '{"said": "{{output}}", "by": "{{user}}"}' }],
    ] as const) {
      const { d, stored, received } = await deliver(path, hook);
      expect(received.toString('utf8')).not.toBe('');
      expect(stored).toEqual([{ request_body: received.toString('utf8'), request_body_truncated: false }]);
      expect(Buffer.from(d.attempts[0].requestBody, 'utf8').equals(received)).toBe(true);
      expect(d.attempts[0].requestBodyTruncated).toBe(false);
    }
  });

  test('a generic payload over 64 KiB is shown whole, not flagged truncated', async () => {
    const context = 'é'.repeat(100 * KiB); // 200 KiB of two-byte characters
    const { d, stored, received } = await deliver('/large', {}, { context });
    expect(received.length).toBeGreaterThan(200 * KiB);
    expect(stored).toEqual([{ request_body: null, request_body_truncated: false }]);
    expect(Buffer.from(d.attempts[0].requestBody, 'utf8').equals(received)).toBe(true);
    expect(d.attempts[0].requestBodyTruncated).toBe(false);
  });
});
