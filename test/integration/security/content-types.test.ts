// A mutating /v1 request whose body is not JSON is refused with 415 and changes nothing: before,
// rotate-secret sent as text/plain ignored its body and rotated to a random secret with a 24 h
// overlap. A request with no body at all still works where the route has defaults. And query
// values that are no time this API can store (a cursor or `since` at year -271821) are a 400
// naming the field, not a 500 from the database.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { useRig } from '../../helpers/rig.js';

const { svc, rx } = useRig({ roles: { api: true, worker: false } });
let hookId: string;
beforeAll(async () => {
  hookId = (await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/types`, events: ['*'], description: 'before' })).body.id;
});

const row = async () =>
  (await svc.rt.ctx.db.pool.query(`select secret_enc, previous_secret_enc, description, updated_at::text from webhooks where id = $1`, [hookId])).rows[0];

async function send(method: string, path: string, body: string | Uint8Array<ArrayBuffer> | undefined, headers: Record<string, string> = {}) {
  const res = await fetch(`${svc.url}${path}`, { method, headers: { authorization: `Bearer ${svc.key}`, ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('mutating routes take JSON only', () => {
  const NOT_JSON: Array<[string, Record<string, string>]> = [
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
    ['no content type', {}],
  ];

  test.each(NOT_JSON)('rotate-secret and PATCH sent as %s: 415, nothing changed', async (_name, headers) => {
    const before = await row();
    const rotate = await send('POST', `/v1/webhooks/${hookId}/rotate-secret`, new TextEncoder().encode('{"graceSeconds":0}'), headers);
    expect(rotate.status).toBe(415);
    expect(rotate.body.error.code).toBe('unsupported_media_type');
    expect(rotate.body.error.message).toContain('application/json');
    const patch = await send('PATCH', `/v1/webhooks/${hookId}`, new TextEncoder().encode('{"description":"after"}'), headers);
    expect(patch.status).toBe(415);
    expect(await row()).toEqual(before);
  });

  test('every mutating /v1 route answers 415 to a text body', async () => {
    const routes = [
      ['POST', '/v1/events'],
      ['POST', '/v1/events/batch'],
      ['POST', '/v1/webhooks'],
      ['POST', '/v1/preview'],
      ['POST', '/v1/transformers/generic/preview'],
      ['POST', `/v1/webhooks/${hookId}/preview`],
      ['POST', `/v1/webhooks/${hookId}/test`],
      ['POST', `/v1/webhooks/${hookId}/recover`],
      ['POST', '/v1/deliveries/00000000-0000-4000-8000-000000000000/redeliver'],
    ];
    for (const [method, path] of routes) {
      const res = await send(method, path, '{}', { 'content-type': 'text/plain' });
      expect([path, res.status, res.body.error.code]).toEqual([path, 415, 'unsupported_media_type']);
    }
    expect(rx.received).toHaveLength(0);
  });

  test('JSON with a charset, and +json types, are JSON', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      const res = await send('PATCH', `/v1/webhooks/${hookId}`, JSON.stringify({ description: type }), { 'content-type': type });
      expect([type, res.status, res.body.description]).toEqual([type, 200, type]);
    }
  });

  test('no body at all is still allowed where the route has defaults', async () => {
    const rotate = await send('POST', `/v1/webhooks/${hookId}/rotate-secret`, undefined);
    expect(rotate.status).toBe(200);
    expect(rotate.body.previousSecretExpiresAt).not.toBeNull(); // the default 24 h overlap
    // A declared empty body with some other type is no body either.
    const test = await send('POST', `/v1/webhooks/${hookId}/test`, '', { 'content-type': 'text/plain', 'content-length': '0' });
    expect(test.status).toBe(200);
    expect(rx.received).toHaveLength(1);
  });
});

describe('times in query values', () => {
  const FAR = ['-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00.000Z'];
  const cursor = (at: string) => Buffer.from(`${at}|00000000-0000-4000-8000-000000000000`).toString('base64url');

  test.each(FAR)('a cursor at %s: 400 naming the cursor', async (at) => {
    for (const path of [`/v1/webhooks/${hookId}/deliveries`, '/v1/events']) {
      const res = await send('GET', `${path}?cursor=${cursor(at)}`, undefined);
      expect([path, res.status, res.body.error.field]).toEqual([path, 400, 'cursor']);
    }
  });

  test.each(FAR)('recover since %s: 400 naming since', async (at) => {
    for (const since of [at, at.replace('.000Z', 'Z')]) {
      const res = await send('POST', `/v1/webhooks/${hookId}/recover?since=${encodeURIComponent(since)}`, undefined);
      expect([since, res.status, res.body.error.field]).toEqual([since, 400, 'since']);
    }
  });

  test('cursors the API hands out page through a batch, whose rows share one created_at', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `page-${i}`);
    const batch = await svc.api('POST', '/v1/events/batch', { events: ids.map((id) => ({ event: 'flow_completed', chatflowId: 'cf', id })) });
    expect(batch.body.accepted).toBe(5);
    const walk = async (path: string) => {
      const seen: string[] = [];
      for (let cursor: string | null = '', pages = 0; cursor !== null && pages < 20; pages++) {
        const page = await svc.api('GET', `${path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((d: { id: string }) => d.id));
        cursor = page.body.nextCursor;
      }
      return seen;
    };
    expect((await walk('/v1/events')).filter((id) => id.startsWith('page-')).sort()).toEqual(ids);
    const deliveries = await walk(`/v1/webhooks/${hookId}/deliveries`);
    const { rows } = await svc.rt.ctx.db.pool.query<{ id: string }>('select id from deliveries where webhook_id = $1', [hookId]);
    expect(deliveries.sort()).toEqual(rows.map((r) => r.id).sort());
    expect(deliveries.length).toBeGreaterThanOrEqual(5);
  });
});
