import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { startService, type TestService } from '../../helpers/service.js';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(async () => {
  await svc?.close();
});

const hook = (extra: Record<string, unknown> = {}) => ({ url: 'https://example.com/hooks/forjinn', events: ['flow_completed'], ...extra });

describe('authentication', () => {
  test('no key, a wrong key and a malformed header answer 401 with a JSON error', async () => {
    const none = await fetch(`${svc.url}/v1/webhooks`);
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe('unauthorized');
    expect((await svc.api('GET', '/v1/webhooks', undefined, 'fjk_wrong')).status).toBe(401);
    const basic = await fetch(`${svc.url}/v1/webhooks`, { headers: { authorization: `Basic ${svc.key}` } });
    expect(basic.status).toBe(401);
  });

  test('the key names its workspace', async () => {
    const res = await svc.api('GET', '/v1/workspace');
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('default');
  });
});

describe('create, list, get, patch, delete', () => {
  test('create answers 201 with a generated whsec_ secret, shown only then', async () => {
    const created = await svc.api('POST', '/v1/webhooks', hook({ description: 'ops' }));
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.body.secret.slice(6), 'base64')).toHaveLength(32);
    expect(created.body).toMatchObject({ url: 'https://example.com/hooks/forjinn', events: ['flow_completed'], enabled: true, transformer: 'generic', description: 'ops', hasSecret: true });
    expect(created.headers.get('location')).toBe(`/v1/webhooks/${created.body.id}`);

    const one = await svc.api('GET', `/v1/webhooks/${created.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    const list = await svc.api('GET', '/v1/webhooks');
    expect(list.body.data.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
  });

  test('a given secret is kept; "*" subscribes to everything', async () => {
    const created = await svc.api('POST', '/v1/webhooks', hook({ secret: 'my-own-secret-0123456789', events: ['*', 'flow_completed'] }));
    expect(created.status).toBe(201);
    expect(created.body.secret).toBe('my-own-secret-0123456789');
    expect(created.body.events).toEqual(['*']);
  });

  test('patch changes fields and keeps the rest; re-enabling clears the disabled reason', async () => {
    const { body: w } = await svc.api('POST', '/v1/webhooks', hook({ headers: { 'X-Team': 'ops' } }));
    const patched = await svc.api('PATCH', `/v1/webhooks/${w.id}`, { enabled: false, events: ['error_occurred', 'flow_completed'], filters: { chatflowIds: ['cf-1'] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ enabled: false, events: ['error_occurred', 'flow_completed'], filters: { chatflowIds: ['cf-1'] }, url: w.url, headers: { 'X-Team': '••••••' } });
    const again = await svc.api('PATCH', `/v1/webhooks/${w.id}`, { enabled: true, headers: patched.body.headers });
    expect(again.body.enabled).toBe(true);
    expect(again.body.disabledReason).toBeNull();
    // The hidden header value sent back as shown keeps the stored value.
    const stored = await svc.rt.ctx.db.pool.query('select headers_enc from webhooks where id = $1', [w.id]);
    expect(JSON.parse(svc.rt.ctx.cipher.decrypt(stored.rows[0].headers_enc))).toEqual({ 'X-Team': 'ops' });
  });

  test('patch refuses a secret change and points to rotate-secret', async () => {
    const { body: w } = await svc.api('POST', '/v1/webhooks', hook());
    const res = await svc.api('PATCH', `/v1/webhooks/${w.id}`, { secret: 'x'.repeat(20) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', field: 'secret' });
    expect(res.body.error.message).toContain('rotate-secret');
  });

  test('delete answers 204, then the webhook is gone from get and list', async () => {
    const { body: w } = await svc.api('POST', '/v1/webhooks', hook());
    expect((await svc.api('DELETE', `/v1/webhooks/${w.id}`)).status).toBe(204);
    expect((await svc.api('GET', `/v1/webhooks/${w.id}`)).status).toBe(404);
    expect((await svc.api('DELETE', `/v1/webhooks/${w.id}`)).status).toBe(404);
    const list = await svc.api('GET', '/v1/webhooks');
    expect(list.body.data.map((x: { id: string }) => x.id)).not.toContain(w.id);
  });

  test('rotate-secret answers a new secret and the end of the old one\'s grace period', async () => {
    const { body: w } = await svc.api('POST', '/v1/webhooks', hook());
    const before = Date.now();
    const res = await svc.api('POST', `/v1/webhooks/${w.id}/rotate-secret`, { graceSeconds: 3600 });
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(w.secret);
    const expires = Date.parse(res.body.previousSecretExpiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 5_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000 + 5_000);
    const view = await svc.api('GET', `/v1/webhooks/${w.id}`);
    expect(view.body.secretRotation.previousSecretExpiresAt).toBe(res.body.previousSecretExpiresAt);
  });
});

describe('validation: 400 with the field', () => {
  const cases: Array<[string, unknown, string]> = [
    ['missing url', { events: ['flow_completed'] }, 'url'],
    ['not a URL', hook({ url: 'not a url' }), 'url'],
    ['ftp URL', hook({ url: 'ftp://example.com/x' }), 'url'],
    ['unknown event', hook({ events: ['flow_done'] }), 'events.0'],
    ['no events', hook({ events: [] }), 'events'],
    ['unknown transformer', hook({ transformer: 'fax' }), 'transformer'],
    ['bad filters shape', hook({ filters: { chatflowIds: 'abc' } }), 'filters.chatflowIds'],
    ['unknown filter', hook({ filters: { flowIds: [] } }), 'filters'],
    ['unknown field', hook({ colour: 'red' }), '(body)'],
    ['short secret', hook({ secret: 'short' }), 'secret'],
    ['reserved header', hook({ headers: { 'X-Forjinn-Signature': 'x' } }), 'headers.X-Forjinn-Signature'],
    ['maxAttempts 0', hook({ maxAttempts: 0 }), 'maxAttempts'],
    ['enabled as string', hook({ enabled: 'yes' }), 'enabled'],
  ];
  test.each(cases)('%s', async (_name, body, field) => {
    const before = (await svc.api('GET', '/v1/webhooks')).body.data.length;
    const res = await svc.api('POST', '/v1/webhooks', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.field).toBe(field);
    expect(typeof res.body.error.message).toBe('string');
    expect((await svc.api('GET', '/v1/webhooks')).body.data.length).toBe(before);
  });

  test('malformed JSON answers 400 invalid_json', async () => {
    const res = await svc.api('POST', '/v1/webhooks', '{"url": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  test('a patch with a bad value changes nothing', async () => {
    const { body: w } = await svc.api('POST', '/v1/webhooks', hook());
    const res = await svc.api('PATCH', `/v1/webhooks/${w.id}`, { url: 'mailto:x@example.com', description: 'changed' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('url');
    expect((await svc.api('GET', `/v1/webhooks/${w.id}`)).body.description).toBeNull();
  });

  test('an id that is not a uuid is a 404, not a 500', async () => {
    expect((await svc.api('GET', '/v1/webhooks/not-an-id')).status).toBe(404);
  });

  test('unknown routes answer a JSON 404', async () => {
    const res = await svc.api('GET', '/v1/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('workspace isolation', () => {
  test('a second workspace sees none of the first\'s webhooks and gets 404 on every route', async () => {
    const { body: w } = await svc.api('POST', '/v1/webhooks', hook());
    const other = await svc.newWorkspaceKey('other-team');
    const list = await svc.api('GET', '/v1/webhooks', undefined, other);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    for (const [method, path, body] of [
      ['GET', `/v1/webhooks/${w.id}`, undefined],
      ['PATCH', `/v1/webhooks/${w.id}`, { description: 'mine now' }],
      ['POST', `/v1/webhooks/${w.id}/rotate-secret`, {}],
      ['DELETE', `/v1/webhooks/${w.id}`, undefined],
    ] as const) {
      const res = await svc.api(method, path, body, other);
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    const mine = await svc.api('GET', `/v1/webhooks/${w.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.description).toBeNull();
  });
});

/** A sealed column opened with `key` (AES-256-GCM: the tag refuses any other key). */
function openSealed(sealed: string, key: Buffer): string {
  const [, , iv, tag, ct] = sealed.split('.');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}

describe('secrets at rest', () => {
  test('the raw webhook row holds no secret or URL in any encoding; the sealed columns open with the master key only', async () => {
    const url = 'https://example.com/very-secret-path-123';
    const { body: w } = await svc.api('POST', '/v1/webhooks', hook({ url, headers: { authorization: 'Bearer hdr-value-9f8e7d6c5b4a' } }));
    const { rows } = await svc.rt.ctx.db.pool.query('select * from webhooks where id = $1', [w.id]);
    const row = rows[0] as Record<string, unknown>;
    // Every column as text; byte columns as hex, base64 and UTF-8 too.
    const raw = Object.values(row)
      .map((v) => (Buffer.isBuffer(v) ? [v.toString('hex'), v.toString('base64'), v.toString('utf8')].join(' ') : JSON.stringify(v)))
      .join('\n');
    // The secret as given (whsec_...), the key bytes it stands for, the URL's secret part and the
    // header value, each in the clear and as base64, base64url and hex.
    const plain = [w.secret, 'very-secret-path-123', 'hdr-value-9f8e7d6c5b4a'];
    const bytes = [...plain.map((p) => Buffer.from(p)), Buffer.from(w.secret.replace(/^whsec_/, ''), 'base64')];
    const encodings = bytes.flatMap((b) => [b.toString('utf8'), b.toString('base64').replace(/=+$/, ''), b.toString('base64url'), b.toString('hex')]);
    for (const e of encodings) expect([e, raw.includes(e)]).toEqual([e, false]);
    // A long piece of the secret, in case an encoding starts elsewhere.
    expect(raw).not.toContain(w.secret.slice(6, 30));

    // Sealed (AES-256-GCM, v1.<key id>.<iv>.<tag>.<ciphertext> as src/core/crypto.ts writes it):
    // each opens back to its value with the service's master key, opened here by node:crypto, not
    // by the service's code.
    const master = Buffer.from(svc.env.FORJINN_MASTER_KEY, 'base64');
    expect(String(row.secret_enc).split('.').slice(0, 2)).toEqual(['v1', createHash('sha256').update(master).digest('hex').slice(0, 8)]);
    expect(openSealed(String(row.secret_enc), master)).toBe(w.secret);
    expect(openSealed(String(row.url_enc), master)).toBe(url);
    expect(openSealed(String(row.headers_enc), master)).toContain('hdr-value-9f8e7d6c5b4a');
    // And with no other key.
    const other = randomBytes(32);
    for (const column of ['secret_enc', 'url_enc', 'headers_enc']) expect(() => openSealed(String(row[column]), other)).toThrow();
  });
});

describe('what is shown of a URL', () => {
  test("a chat target's URL shows four characters of its path, also one saved under an older rule", async () => {
    const url = 'https://discord.com/api/webhooks/123456/d1sc0rd-t0ken-xyz';
    const { body: w } = await svc.api('POST', '/v1/webhooks', { url, events: ['*'], transformer: 'discord' });
    expect(w.url).toBe('https://discord.com/api…');
    // url_masked as the rule before (eight characters) wrote it: what is shown follows today's rule.
    await svc.rt.ctx.db.pool.query('update webhooks set url_masked = $2 where id = $1', [w.id, 'https://discord.com/api/webh…']);
    expect((await svc.api('GET', `/v1/webhooks/${w.id}`)).body.url).toBe('https://discord.com/api…');
    const listed = (await svc.api('GET', '/v1/webhooks')).body.data.find((x: { id: string }) => x.id === w.id);
    expect(listed.url).toBe('https://discord.com/api…');
    // A generic endpoint's URL, in full to its own workspace.
    expect((await svc.api('POST', '/v1/webhooks', hook())).body.url).toBe('https://example.com/hooks/forjinn');
  });
});

describe('OpenAPI', () => {
  test('every mounted route is described in /openapi.json', async () => {
    const res = await fetch(`${svc.url}/openapi.json`);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const { mountedRoutes } = await import('../../helpers/routes.js');
    const routes = mountedRoutes(svc.rt);
    expect(routes.length).toBeGreaterThan(5);
    const missing = routes.filter(([m, p]) => !doc.paths[p]?.[m]);
    expect(missing).toEqual([]);
    expect(doc.components.requestBodies.WebhookCreate.content['application/json'].schema.properties.url).toBeDefined();
  });
});
