// POST /v1/events is answered outside express (its fast path) when the body is plain
// application/json; other spellings of the type still go through express. Both must answer
// every request the same way, so each case is sent both ways and the answers compared.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { startService, type TestService } from '../../helpers/service.js';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
  expect((await post(FAST, ev({ id: 'seen-before' }))).status).toBe(202);
});
afterAll(async () => svc?.close());

const FAST = 'application/json';
const EXPRESS = 'application/json;charset=utf-8'; // the same type, spelled so the fast path leaves it to express

async function post(type: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${svc.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.key}`, 'content-type': type, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  // express's res.json adds an ETag; the fast path does not: it tells which one answered.
  return { status: res.status, body: text ? JSON.parse(text) : undefined, via: res.headers.get('etag') ? 'express' : 'fast', type: res.headers.get('content-type') };
}

const ev = (extra: Record<string, unknown> = {}) => JSON.stringify({ event: 'flow_completed', chatflowId: 'cf-1', output: 'done', ...extra });

const CASES: Array<[string, (n: number) => [string | Buffer, Record<string, string>?]]> = [
  ['not JSON', () => ['{"event": ']],
  ['an empty body', () => ['']],
  ['a JSON array', () => ['[1,2]']],
  ['a JSON string', () => ['"flow_completed"']],
  ['a missing field', () => [JSON.stringify({ event: 'flow_completed' })]],
  ['an unknown event type', () => [JSON.stringify({ event: 'nope' })]],
  ['a NUL in a field', () => [ev({ output: 'a\u0000b' })]],
  ['no API key', () => [ev(), { authorization: '' }]],
  ['a wrong API key', () => [ev(), { authorization: 'Bearer fjk_wrong' }]],
  ['a body over 1 MiB', () => [ev({ output: 'x'.repeat(1024 * 1024) })]],
  // The key is checked before the body is read, on both paths.
  ['no API key and a body over 1 MiB', () => [ev({ output: 'x'.repeat(1024 * 1024) }), { authorization: '' }]],
  ['no API key and a body that is not JSON', () => ['{"event": ', { authorization: '' }]],
  ['a field nested past 128 levels', () => [`{"event":"flow_completed","chatflowId":"cf-1","meta":${'['.repeat(128)}${']'.repeat(128)}}`]],
  ['a body nested 5,000 levels', () => [`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`]],
  ['an Idempotency-Key of 201 characters', () => [ev(), { 'idempotency-key': 'k'.repeat(201) }]],
  ['an event seen before', () => [ev({ id: 'seen-before' })]],
];

test.each(CASES)('%s: the fast path answers as express does', async (_name, make) => {
  const [body, headers] = make(0);
  const viaExpress = await post(EXPRESS, body, headers);
  const viaFast = await post(FAST, body, headers);
  expect(viaExpress.via).toBe('express');
  expect(viaFast.via).toBe('fast');
  expect(viaFast.type).toBe(viaExpress.type);
  expect({ status: viaFast.status, body: viaFast.body }).toEqual({ status: viaExpress.status, body: viaExpress.body });
  expect(viaFast.status).toBeGreaterThanOrEqual(200);
});

test('a new event: both answer 202 with the id and the number of deliveries', async () => {
  await svc.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x', events: ['*'], filters: { chatflowIds: ['cf-fast'] } });
  const fast = await post(FAST, ev({ id: 'fast-1', chatflowId: 'cf-fast' }));
  const slow = await post(EXPRESS, ev({ id: 'express-1', chatflowId: 'cf-fast' }));
  expect(fast).toMatchObject({ status: 202, via: 'fast', body: { id: 'fast-1', deliveries: 1 } });
  expect(slow).toMatchObject({ status: 202, via: 'express', body: { id: 'express-1', deliveries: 1 } });
  const stored = await svc.api('GET', '/v1/events/fast-1');
  expect(stored.status).toBe(200);
});

test('a body starting with a byte order mark is read as express reads it', async () => {
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ev({ id: 'bom-1' }))]);
  const fast = await post(FAST, body);
  expect(fast).toMatchObject({ status: 202, via: 'fast', body: { id: 'bom-1' } });
  const viaExpress = await post(EXPRESS, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ev({ id: 'bom-2' }))]));
  expect(viaExpress.status).toBe(202);
});

test('anything unusual goes to express: a query string, a compressed body', async () => {
  const res = await fetch(`${svc.url}/v1/events?x=1`, { method: 'POST', headers: { authorization: `Bearer ${svc.key}`, 'content-type': FAST }, body: ev({ id: 'q-1' }) });
  expect(res.status).toBe(202);
  expect(res.headers.get('etag')).not.toBeNull(); // a query string: express answered
  const gz = await post(FAST, gzipSync(ev({ id: 'gz-1' })), { 'content-encoding': 'gzip' });
  expect(gz).toMatchObject({ status: 202, via: 'express', body: { id: 'gz-1' } });
});
