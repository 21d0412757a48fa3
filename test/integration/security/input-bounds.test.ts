// The bounds on what a request may send, tried as an attacker would: the key is checked before
// a body is read (a client without one is answered while its 16 MiB are still on the way), the
// size is checked before parsing, JSON nested past 128 levels is a 400 naming the limit (one
// deep event in a batch is refused alone), and a refusal changes nothing.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';
import { rawRequest } from '../../helpers/raw-http.js';

const MiB = 1024 * 1024;
const DEPTH = 128; // docs/security.md, "Hostile input"

let svc: TestService;
let hookId: string;
beforeAll(async () => {
  svc = await startService({}, { api: true, worker: false });
  hookId = (await svc.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/bounds', events: ['*'] })).body.id;
});
afterAll(async () => svc?.close());

const counts = async () =>
  (await svc.rt.ctx.db.pool.query(`select (select count(*)::int from events) as events, (select count(*)::int from webhooks) as webhooks`)).rows[0];

/** A request line and headers promising `length` bytes of JSON. */
const head = (path: string, length: number, key?: string, method = 'POST') => [
  `${method} ${path} HTTP/1.1`,
  'content-type: application/json',
  `content-length: ${length}`,
  ...(key === undefined ? [] : [`authorization: Bearer ${key}`]),
];

describe('the key is checked before the body is read', () => {
  const routes: Array<[string, string]> = [
    ['POST', '/v1/events/batch'],
    ['POST', '/v1/events'],
    ['POST', '/v1/webhooks'],
    ['PATCH', '/v1/webhooks/{id}'],
    ['POST', '/v1/preview'],
    ['POST', '/v1/webhooks/{id}/test'],
  ];
  test.each(routes)('%s %s: 401 answered before the body is sent', async (method, path) => {
    const url = path.replace('{id}', () => hookId);
    for (const key of [undefined, 'fjk_not-a-key']) {
      // 16 MiB promised, 12 bytes sent: a service that read the body first would never answer.
      const res = await rawRequest(svc.url, head(url, 16 * MiB, key, method), '{"events":[');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  test('a whole 16 MiB batch without a key is answered 401, and stores nothing', async () => {
    const before = await counts();
    const event = JSON.stringify({ event: 'flow_completed', chatflowId: 'cf', output: 'x'.repeat(32 * 1024) });
    const body = `{"events":[${Array.from({ length: 500 }, () => event).join(',')}]}`;
    expect(body.length).toBeGreaterThan(16 * MiB - MiB);
    const res = await fetch(`${svc.url}/v1/events/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(401);
    expect(await counts()).toEqual(before);
  });
});

describe('the size is checked before the body is read', () => {
  test('a declared length over the limit: 413 at once, naming the limit of the route', async () => {
    const batch = await rawRequest(svc.url, head('/v1/events/batch', 16 * MiB + 1, svc.key), '{"events":[');
    expect(batch.status).toBe(413);
    expect(batch.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('16 MiB') });
    for (const path of ['/v1/events', '/v1/webhooks', `/v1/webhooks/${hookId}/test`]) {
      const one = await rawRequest(svc.url, head(path, MiB + 1, svc.key), '{"event":');
      expect([path, one.status, one.body.error.message]).toEqual([path, 413, expect.stringContaining('1 MiB')]);
    }
  });

  test('a chunked body is counted as it arrives and cut at the limit', async () => {
    const before = await counts();
    const chunk = Buffer.alloc(MiB, 0x20); // whitespace: valid JSON padding, so only the size can refuse it
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 17) c.enqueue(new Uint8Array(chunk));
        else c.close();
      },
    });
    const res = await fetch(`${svc.url}/v1/events/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${svc.key}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toContain('16 MiB');
    expect(await counts()).toEqual(before);
  });
});

/** JSON text of a value nested `levels` objects deep (`{"a":{"a":…1…}}`). */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const eventWithMeta = (metaLevels: number, id?: string) =>
  `{"event":"flow_completed","chatflowId":"cf-deep",${id ? `"id":"${id}",` : ''}"meta":${nested(metaLevels)}}`;

async function send(method: string, path: string, body: string, type = 'application/json') {
  const res = await fetch(`${svc.url}${path}`, { method, headers: { authorization: `Bearer ${svc.key}`, 'content-type': type }, body });
  return { status: res.status, body: await res.json() };
}

describe('JSON nested too deeply', () => {
  test(`an event nested ${DEPTH} levels is accepted, one more is a 400 naming the limit (both ingest paths)`, async () => {
    // The body is level 1: meta holds the other DEPTH - 1.
    expect((await send('POST', '/v1/events', eventWithMeta(DEPTH - 1, 'deep-ok'))).status).toBe(202);
    const before = await counts();
    for (const type of ['application/json', 'application/json;charset=utf-8']) {
      const res = await send('POST', '/v1/events', eventWithMeta(DEPTH), type);
      expect([type, res.status]).toEqual([type, 400]);
      expect(res.body.error).toMatchObject({ code: 'validation_error', field: 'meta', message: expect.stringContaining(`${DEPTH} levels`) });
      const deeper = await send('POST', '/v1/events', eventWithMeta(5_000), type);
      expect(deeper).toEqual(res);
    }
    expect(await counts()).toEqual(before);
  });

  test('a body that is one deep array is refused as a whole', async () => {
    const res = await send('POST', '/v1/events', `${'['.repeat(5_000)}${']'.repeat(5_000)}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', field: '(body)' });
  });

  test('preview, Send Test and webhook create: 400, not 500', async () => {
    const cases: Array<[string, string, string]> = [
      ['POST', '/v1/preview', `{"payload":${nested(5_000)}}`],
      ['POST', `/v1/webhooks/${hookId}/preview`, `{"payload":${nested(5_000)}}`],
      ['POST', `/v1/webhooks/${hookId}/test`, `{"payload":${nested(5_000)}}`],
      ['POST', '/v1/webhooks', `{"url":"http://127.0.0.1:9/x","events":["*"],"headers":${nested(5_000)}}`],
      ['PATCH', `/v1/webhooks/${hookId}`, `{"filters":${nested(5_000)}}`],
    ];
    const before = await counts();
    for (const [method, path, body] of cases) {
      const res = await send(method, path, body);
      expect([path, res.status, res.body.error.code]).toEqual([path, 400, 'validation_error']);
      expect(res.body.error.message).toContain(`${DEPTH} levels`);
    }
    expect(await counts()).toEqual(before);
  });

  test('in a batch, the deep event is refused on its own and the others are accepted', async () => {
    const body = `{"events":[${eventWithMeta(2, 'b-deep-1')},${eventWithMeta(5_000, 'b-deep-2')},${eventWithMeta(DEPTH - 1, 'b-deep-3')}]}`;
    const res = await send('POST', '/v1/events/batch', body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(res.body.results.map((r: any) => r.status)).toEqual([202, 400, 202]);
    expect(res.body.results[1].error).toMatchObject({ code: 'validation_error', field: 'events.1.meta', message: expect.stringContaining(`${DEPTH} levels`) });
    expect((await svc.api('GET', '/v1/events/b-deep-3')).status).toBe(200);
    expect((await svc.api('GET', '/v1/events/b-deep-2')).status).toBe(404);
  });
});
