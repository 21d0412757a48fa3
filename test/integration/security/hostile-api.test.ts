// Hostile input against ingest and the webhook registry, property-based: broken and foreign JSON,
// deep nesting, huge strings, wrong types, unicode, NUL bytes and prototype keys. The service
// never answers 500 and never crashes; a refused request changes nothing (rows counted before
// and after); an accepted one is stored whole. No worker runs: nothing is sent anywhere.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { startService, type TestService } from '../../helpers/service.js';
import { mountedRoutes } from '../../helpers/routes.js';
import { hostileString, junkBody, mutated, NASTY_VALUES, obj, prototypeSnapshot, toJson, type Tree } from '../../helpers/hostile.js';

let svc: TestService;
let hookId: string;
const prototypes = prototypeSnapshot();

beforeAll(async () => {
  svc = await startService({}, { api: true, worker: false });
  const hook = await svc.api('POST', '/v1/webhooks', { url: 'https://hooks.example.com/fuzz', events: ['*'] });
  hookId = hook.body.id;
});
afterAll(async () => {
  await svc?.close();
});

async function post(method: string, path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${svc.url}${path}`, { method, headers: { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Everything a refused request could have touched. */
async function state() {
  const { rows } = await svc.rt.ctx.db.pool.query(
    `select (select count(*)::int from events) as events, (select count(*)::int from deliveries) as deliveries,
       (select count(*)::int from webhooks) as webhooks, (select max(updated_at) from webhooks)::text as changed`,
  );
  return rows[0];
}

/** The common rules: no 5xx, a JSON error for a refusal, and nothing changed by one. */
async function checkAnswer(res: { status: number; text: string; json: any }, before: unknown, what: string) {
  if (res.status >= 500) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
  if (res.status >= 400) {
    expect(res.json?.error?.code).toEqual(expect.any(String));
    expect(await state()).toEqual(before);
  }
}

const RUNS = 40;

describe('POST /v1/events', () => {
  const base: Record<string, Tree> = { event: 'flow_completed', chatflowId: 'cf-1', input: 'in', output: 'out', meta: { entries: [['duration_ms', 5]] } };
  const fields = ['event', 'id', 'timestamp', 'user', 'chatflowId', 'agentId', 'datasetId', 'input', 'output', 'meta', 'error', 'workspace', 'test'];
  let n = 0;

  test('junk bodies: never a 5xx, a refusal changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(junkBody, async (body) => {
        const before = await state();
        await checkAnswer(await post('POST', '/v1/events', body), before, `junk ${JSON.stringify(body.slice(0, 80))}`);
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  test('valid events with hostile fields: refused whole, or stored whole', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(base, fields), async (body) => {
        const before = await state();
        const key = `fuzz-${n++}-${Date.now()}`;
        const res = await post('POST', '/v1/events', body, { 'idempotency-key': key });
        await checkAnswer(res, before, `event ${body.slice(0, 120)}`);
        if (res.status === 202) {
          const stored = await svc.api('GET', `/v1/events/${encodeURIComponent(key)}`);
          expect(stored.status).toBe(200);
          expect(stored.body.deliveries).toHaveLength(res.json.deliveries);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  }, 90_000);

  test('bodies past 1 MiB answer 413, at any depth', async () => {
    const before = await state();
    for (const body of [JSON.stringify({ ...{ event: 'flow_completed', chatflowId: 'x' }, output: 'x'.repeat(1_100_000) }), `${'['.repeat(600_000)}${']'.repeat(600_000)}`]) {
      const res = await post('POST', '/v1/events', body);
      expect(res.status).toBe(413);
    }
    expect(await state()).toEqual(before);
  });
});

describe('POST and PATCH /v1/webhooks', () => {
  const base: Record<string, Tree> = { url: 'https://hooks.example.com/a', events: ['flow_completed'] };
  const fields = ['url', 'events', 'secret', 'enabled', 'description', 'transformer', 'transformerConfig', 'template', 'filters', 'headers', 'maxAttempts'];

  test('create: junk and hostile fields never answer 5xx; a refusal stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(junkBody, mutated(base, fields)), async (body) => {
        const before = await state();
        const res = await post('POST', '/v1/webhooks', body);
        await checkAnswer(res, before, `create ${body.slice(0, 120)}`);
        if (res.status === 201) {
          expect((await svc.api('GET', `/v1/webhooks/${res.json.id}`)).status).toBe(200);
          await svc.api('DELETE', `/v1/webhooks/${res.json.id}`);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  }, 90_000);

  test('patch: a refused change leaves the webhook exactly as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(junkBody, mutated({}, fields)), async (body) => {
        const before = await state();
        const shown = (await svc.api('GET', `/v1/webhooks/${hookId}`)).body;
        const res = await post('PATCH', `/v1/webhooks/${hookId}`, body);
        await checkAnswer(res, before, `patch ${body.slice(0, 120)}`);
        if (res.status >= 400) expect((await svc.api('GET', `/v1/webhooks/${hookId}`)).body).toEqual(shown);
        else await svc.api('PATCH', `/v1/webhooks/${hookId}`, { url: 'https://hooks.example.com/fuzz', events: ['*'], enabled: true });
      }),
      { numRuns: RUNS * 2 },
    );
  }, 90_000);
});

describe('every field, every nasty value', () => {
  const tables: Array<[string, string, Record<string, Tree>, string[]]> = [
    ['POST', '/v1/events', { event: 'flow_completed', chatflowId: 'cf-1' }, ['event', 'id', 'timestamp', 'user', 'chatflowId', 'agentId', 'datasetId', 'input', 'output', 'meta', 'error']],
    ['POST', '/v1/webhooks', { url: 'https://hooks.example.com/t', events: ['*'], enabled: false }, ['url', 'events', 'secret', 'description', 'transformer', 'transformerConfig', 'template', 'filters', 'headers', 'maxAttempts']],
    ['PATCH', '/v1/webhooks/{id}', {}, ['url', 'events', 'enabled', 'description', 'transformer', 'transformerConfig', 'template', 'filters', 'headers', 'maxAttempts']],
  ];
  test.each(tables)('%s %s', async (method, path, base, fields) => {
    const url = path.replace('{id}', hookId);
    for (const field of fields) {
      for (const value of NASTY_VALUES) {
        const body = toJson(obj(base, [[field, value]]));
        const before = await state();
        const res = await post(method, url, body);
        await checkAnswer(res, before, `${method} ${path} ${field}=${toJson(value).slice(0, 40)}`);
        // PostgreSQL cannot store NUL: refused up front, naming the field it was found in.
        if (toJson(value).includes('\\u0000')) {
          expect([field, res.status]).toEqual([field, 400]);
          expect(res.json.error.field.startsWith(field)).toBe(true);
        }
        if (res.status === 201) await svc.api('DELETE', `/v1/webhooks/${res.json.id}`);
        if (method === 'PATCH' && res.status === 200) await svc.api('PATCH', url, { url: 'https://hooks.example.com/fuzz', events: ['*'], enabled: true, description: null, template: null, filters: {}, headers: {}, maxAttempts: null });
      }
    }
  }, 60_000);
});

describe('path and query values', () => {
  test('hostile ids, cursors, limits and times never answer 5xx', async () => {
    const withParams = mountedRoutes(svc.rt).filter(([m, p]) => p.startsWith('/v1/') && (m === 'get' || /\{\w+\}/.test(p)));
    // Percent-encoded bytes: any text, and byte runs that are not UTF-8 at all (short enough for
    // Node's 16 KiB header limit, which answers 431 before the application sees the request).
    const segment = fc.oneof(hostileString.map((s) => Buffer.from(s).subarray(0, 600)), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withParams), segment, segment, async ([method, path], a, b) => {
        const enc = (bytes: Buffer) => bytes.toString('hex').replace(/../g, '%$&');
        const url = `${path.replace(/\{\w+\}/g, enc(a))}?limit=${enc(b)}&cursor=${enc(a)}&status=${enc(b)}&since=${enc(a)}`;
        const before = await state();
        const res = await post(method.toUpperCase(), url, method === 'get' || method === 'delete' ? (undefined as never) : '{}');
        await checkAnswer(res, before, `${method} ${url.slice(0, 120)}`);
      }),
      { numRuns: RUNS * 2 },
    );
  }, 60_000);
});

describe('afterwards', () => {
  test('no prototype was touched and the service still answers', async () => {
    expect(prototypeSnapshot()).toBe(prototypes);
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  });
});
