// One id per event (docs/api.md): the body's id, else the Idempotency-Key, else one the service
// makes; that id is the event's in the API, in the delivered body and in PagerDuty's dedup_key.
// A key that disagrees with the body's id is refused, naming both.
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const { svc, rx } = useRig({
  // PagerDuty's answer for the /v2/enqueue receiver, a plain 200 for the others.
  responder: (req, _n, res) => {
    if (req.path === '/v2/enqueue') res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', dedup_key: JSON.parse(req.body).dedup_key }));
    else res.writeHead(200).end('ok');
  },
});

/** A sample event without its id. */
const withoutId = (type: string) => {
  const { id: _id, ...rest } = sampleEvent(type);
  return rest as Record<string, unknown>;
};

// application/json takes the fast path (doors/api/fast-ingest.ts); with a space-less charset
// parameter the request falls through to the express route. Both must follow the one rule.
const paths = [
  ['fast path', 'application/json'],
  ['express route', 'application/json;charset=utf-8'],
] as const;

const emit = (body: unknown, contentType: string, key?: string) =>
  fetch(`${svc.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.key}`, 'content-type': contentType, ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });

async function hook(path: string, extra: Record<string, unknown> = {}) {
  const res = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, ...extra });
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body.id as string;
}

describe.each(paths)('POST /v1/events (%s)', (_name, contentType) => {
  test('with an Idempotency-Key and no body id, the key is the id: in the answer, the delivered body and GET /v1/events/<id>', async () => {
    const path = `/generic/${crypto.randomUUID()}`;
    const datasetId = `ds-${crypto.randomUUID()}`;
    await hook(path, { events: ['dataset_updated'], filters: { datasetIds: [datasetId] } });
    const key = `key-${crypto.randomUUID()}`;
    const res = await emit({ ...withoutId('dataset_updated'), datasetId }, contentType, key);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: key, deliveries: 1 });
    const got = await eventually(() => rx.received.find((r) => r.path === path), { what: 'the delivery' });
    const body = JSON.parse(got.body);
    expect(body.id).toBe(key);
    const looked = await svc.api('GET', `/v1/events/${encodeURIComponent(body.id)}`);
    expect(looked.status).toBe(200);
    expect(looked.body.id).toBe(key);
  });

  test('a key that disagrees with the body id answers 400 naming both, and stores nothing', async () => {
    const id = `body-${crypto.randomUUID()}`;
    const key = `key-${crypto.randomUUID()}`;
    const res = await emit({ ...withoutId('flow_completed'), id }, contentType, key);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error).toMatchObject({ code: 'validation_error', field: 'id' });
    expect(error.message).toContain(id);
    expect(error.message).toContain(key);
    expect(error.message).toContain('Idempotency-Key');
    for (const either of [id, key]) expect((await svc.api('GET', `/v1/events/${either}`)).status).toBe(404);
    // The same value in both is one id, not a disagreement.
    const same = await emit({ ...withoutId('flow_completed'), id }, contentType, id);
    expect(same.status).toBe(202);
    expect((await same.json()).id).toBe(id);
  });
});

test('two events with different keys and the same body (no id) get different PagerDuty dedup_keys, each its event id', async () => {
  const datasetId = `ds-${crypto.randomUUID()}`;
  await hook('/v2/enqueue', {
    events: ['dataset_updated'],
    filters: { datasetIds: [datasetId] },
    transformer: 'pagerduty',
    transformerConfig: { routingKey: 'R0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5' },
  });
  const body = { ...withoutId('dataset_updated'), datasetId };
  const keys = [`a-${crypto.randomUUID()}`, `b-${crypto.randomUUID()}`];
  for (const key of keys) expect((await emit(body, 'application/json', key)).status).toBe(202);
  const sent = await eventually(() => {
    const got: Array<{ dedup_key: string; payload: { custom_details: { id: string } } }> = rx.received.filter((r) => r.path === '/v2/enqueue').map((r) => JSON.parse(r.body));
    return got.length === 2 ? got : undefined;
  }, { what: 'both PagerDuty events' });
  // Each alert carries its own event, with the id the API knows it by.
  const byKey = keys.map((key) => sent.find((s) => s.payload.custom_details.id === key));
  expect(byKey.every(Boolean)).toBe(true);
  expect(byKey[0]!.dedup_key).not.toBe(byKey[1]!.dedup_key);
  for (const key of keys) expect((await svc.api('GET', `/v1/events/${key}`)).status).toBe(200);
});
