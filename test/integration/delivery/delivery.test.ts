import { describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { sampleEvent } from '../../helpers/samples.js';
import { ok } from '../../helpers/receiver.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { metricValue } from '../../helpers/metrics.js';

const fixture = sampleEvent;
const { svc, rx } = useRig({ env: { FORJINN_DELIVERY_TIMEOUT_MS: '500' } });

async function addHook(extra: Record<string, unknown> = {}, path = `/h/${Math.random().toString(36).slice(2)}`) {
  const res = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['*'], ...extra });
  expect(res.status).toBe(201);
  return { ...res.body, path } as { id: string; secret: string; path: string };
}
const at = (path: string) => rx.received.filter((r) => r.path === path);
const emit = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${svc.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const uid = () => crypto.randomUUID();

describe('a delivery on the wire', () => {
  test('carries the contract headers, and real verifiers accept its signatures', async () => {
    const hook = await addHook({ filters: { chatflowIds: ['wire-test'] } });
    const res = await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'wire-test' });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.deliveries).toBe(1);
    const [req] = await eventually(() => (at(hook.path).length ? at(hook.path) : undefined));
    const h = req.headers;
    expect(h['content-type']).toBe('application/json');
    expect(h['user-agent']).toMatch(/^Forjinn-Webhooks\//);
    expect(h['x-forjinn-event']).toBe('flow_completed');
    expect(h['x-forjinn-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h['webhook-id']).toBe(h['x-forjinn-delivery']);
    expect(Math.abs(Number(h['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    // Standard Webhooks' own verifier, octokit's sha256= verifier, and a plain HMAC.
    expect(new Webhook(hook.secret).verify(req.body, h)).toMatchObject({ event: 'flow_completed', workspace: 'default' });
    expect(await octokitVerify(hook.secret, req.body, h['x-forjinn-signature'])).toBe(true);
    expect(h['x-forjinn-signature']).toBe(`sha256=${createHmac('sha256', hook.secret).update(req.body).digest('hex')}`);
    const sent = JSON.parse(req.body);
    expect(sent).toMatchObject({ ...fixture('flow_completed'), id: body.id, chatflowId: 'wire-test', workspace: 'default' });
  });

  test('a webhook created without a secret (null) gets no signature headers', async () => {
    const hook = await addHook({ secret: null, filters: { chatflowIds: ['unsigned'] } });
    await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'unsigned' });
    const [req] = await eventually(() => (at(hook.path).length ? at(hook.path) : undefined));
    expect(req.headers['x-forjinn-signature']).toBeUndefined();
    expect(req.headers['webhook-signature']).toBeUndefined();
    expect(req.headers['x-forjinn-event']).toBe('flow_completed');
  });
});

describe('ingest', () => {
  test('all five fixtures are accepted', async () => {
    for (const type of ['flow_completed', 'agent_executed', 'dataset_updated', 'evaluation_completed', 'error_occurred']) {
      const res = await emit({ ...fixture(type), id: uid() });
      expect([type, res.status]).toEqual([type, 202]);
    }
  });

  test('a missing required field answers 400 naming it; an unknown type names event', async () => {
    const { chatflowId: _drop, ...rest } = fixture('flow_completed');
    let res = await emit({ ...rest, id: uid() });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'validation_error', field: 'chatflowId' });
    res = await emit({ ...fixture('error_occurred'), id: uid(), error: { kind: 'x' } });
    expect((await res.json()).error.field).toBe('error.message');
    res = await emit({ event: 'flow_exploded' });
    expect((await res.json()).error.field).toBe('event');
  });

  test('a body over 1 MiB answers 413', async () => {
    const res = await emit({ ...fixture('flow_completed'), id: uid(), output: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });

  test('the same id twice answers 200 with the first result and delivers once', async () => {
    const hook = await addHook({ filters: { chatflowIds: ['idem'] } });
    const ev = { ...fixture('flow_completed'), id: uid(), chatflowId: 'idem' };
    const first = await emit(ev);
    expect(first.status).toBe(202);
    const again = await emit(ev);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: ev.id, deliveries: 1 });
    const viaHeader = await emit({ ...ev, id: undefined }, { 'idempotency-key': 'key-' + ev.id });
    expect(viaHeader.status).toBe(202);
    const viaHeaderAgain = await emit({ ...ev, id: undefined }, { 'idempotency-key': 'key-' + ev.id });
    expect(viaHeaderAgain.status).toBe(200);
    await eventually(() => at(hook.path).length >= 2);
    const list = await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`);
    expect(list.body.data).toHaveLength(2);
  });

  test('filters and event types route each event to the right webhooks', async () => {
    const a = await addHook({ events: ['flow_completed'], filters: { chatflowIds: ['route-a'] } });
    const b = await addHook({ events: ['error_occurred'], filters: { chatflowIds: ['route-a'] } });
    const c = await addHook({ events: ['dataset_updated'], filters: { datasetIds: ['ds-route'] } });
    const disabled = await addHook({ events: ['flow_completed'], enabled: false, filters: { chatflowIds: ['route-a'] } });
    expect((await (await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'route-a' })).json()).deliveries).toBe(1);
    expect((await (await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'route-other' })).json()).deliveries).toBe(0);
    expect((await (await emit({ ...fixture('dataset_updated'), id: uid(), datasetId: 'ds-route' })).json()).deliveries).toBe(1);
    await eventually(() => at(a.path).length === 1 && at(c.path).length === 1);
    expect(at(b.path)).toHaveLength(0);
    expect(at(disabled.path)).toHaveLength(0);
  });
});

describe('retries and the request log', () => {
  test('a receiver that fails twice then succeeds gets exactly three attempts, all logged', async () => {
    const hook = await addHook({ filters: { chatflowIds: ['flaky'] } });
    let n = 0;
    rx.respond((req, _i, res) => {
      if (req.path !== hook.path) return ok(req, 0, res);
      n++;
      if (n <= 2) res.writeHead(500).end('boom ' + n);
      else res.writeHead(200).end('fine');
    });
    await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'flaky' });
    const list = await eventually(async () => {
      const l = await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`);
      return l.body.data[0]?.status === 'succeeded' ? l : undefined;
    });
    rx.respond(ok);
    expect(at(hook.path)).toHaveLength(3);
    expect(new Set(at(hook.path).map((r) => r.headers['x-forjinn-delivery'])).size).toBe(1);
    const d = await svc.api('GET', `/v1/deliveries/${list.body.data[0].id}`);
    expect(d.body.attempts.map((a: any) => [a.attempt, a.responseStatus, a.outcome])).toEqual([
      [1, 500, 'retry'],
      [2, 500, 'retry'],
      [3, 200, 'success'],
    ]);
    expect(d.body.attempts[0].responseBody).toBe('boom 1');
    expect(d.body.attempts[0].requestHeaders['x-forjinn-signature']).toBe('sha256=[redacted]');
    expect(d.body.attempts[0].requestHeaders['webhook-signature']).toBe('v1,[redacted]');
    expect(JSON.stringify(d.body)).not.toContain(hook.secret);
    expect(JSON.parse(d.body.attempts[0].requestBody).chatflowId).toBe('flaky');
    expect(d.body.attempts[2].durationMs).toBeGreaterThanOrEqual(0);
  });

  test('410 Gone disables the webhook with a reason', async () => {
    const hook = await addHook({ filters: { chatflowIds: ['gone'] } });
    rx.respond((req, _i, res) => (req.path === hook.path ? res.writeHead(410).end() : ok(req, 0, res)));
    await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'gone' });
    const w = await eventually(async () => {
      const r = await svc.api('GET', `/v1/webhooks/${hook.id}`);
      return r.body.enabled === false ? r.body : undefined;
    });
    rx.respond(ok);
    expect(w.disabledReason).toMatch(/410/);
    expect(at(hook.path)).toHaveLength(1);
  });

  test('Retry-After sets the next attempt time instead of the schedule', async () => {
    const hook = await addHook({ filters: { chatflowIds: ['later'] } });
    rx.respond((req, _i, res) => (req.path === hook.path ? res.writeHead(429, { 'retry-after': '120' }).end() : ok(req, 0, res)));
    await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'later' });
    const d = await eventually(async () => {
      const r = await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`);
      return r.body.data[0]?.attempts === 1 ? r.body.data[0] : undefined;
    });
    rx.respond(ok);
    const wait = Date.parse(d.nextAttemptAt) - Date.parse(d.lastAttemptAt);
    expect(wait).toBeGreaterThanOrEqual(119_000);
    expect(wait).toBeLessThanOrEqual(122_000);
    expect(d.status).toBe('pending');
  });

  test('a hanging receiver times out and the attempt says so', async () => {
    const hook = await addHook({ maxAttempts: 1, filters: { chatflowIds: ['hang'] } });
    rx.respond((req, _i, res) => {
      if (req.path !== hook.path) return ok(req, 0, res);
      /* never answers */
    });
    await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'hang' });
    const d = await eventually(async () => {
      const r = await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`);
      return r.body.data[0]?.status === 'failed' ? r.body.data[0] : undefined;
    });
    rx.respond(ok);
    expect(d.lastError).toMatch(/timeout/);
    expect(d.lastDurationMs).toBeGreaterThanOrEqual(450);
  });

  test('a 10 MB response is cut: at most 16 KiB kept', async () => {
    const hook = await addHook({ filters: { chatflowIds: ['huge'] } });
    rx.respond((req, _i, res) => {
      if (req.path !== hook.path) return ok(req, 0, res);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('y'.repeat(10 * 1024 * 1024));
    });
    await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'huge' });
    const d = await eventually(async () => {
      const r = await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`);
      return r.body.data[0]?.status === 'succeeded' ? r.body.data[0] : undefined;
    });
    rx.respond(ok);
    const full = await svc.api('GET', `/v1/deliveries/${d.id}`);
    expect(full.body.attempts[0].responseBody).toHaveLength(16 * 1024);
  });

  test('exhausted deliveries fail; redeliver sends again as a new attempt of the same delivery', async () => {
    const hook = await addHook({ maxAttempts: 2, filters: { chatflowIds: ['redo'] } });
    rx.respond((req, _i, res) => (req.path === hook.path ? res.writeHead(503).end('down') : ok(req, 0, res)));
    await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'redo' });
    const failed = await eventually(async () => {
      const r = await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries?status=failed`);
      return r.body.data[0];
    });
    expect(failed.attempts).toBe(2);
    rx.respond(ok);
    const re = await svc.api('POST', `/v1/deliveries/${failed.id}/redeliver`);
    expect(re.status).toBe(202);
    const done = await eventually(async () => {
      const r = await svc.api('GET', `/v1/deliveries/${failed.id}`);
      return r.body.status === 'succeeded' ? r.body : undefined;
    });
    expect(done.attempts.map((a: any) => [a.attempt, a.trigger])).toEqual([
      [1, 'auto'],
      [2, 'auto'],
      [3, 'redeliver'],
    ]);
    const ids = new Set(at(hook.path).map((r) => r.headers['x-forjinn-delivery']));
    expect([...ids]).toEqual([failed.id]);
  });

  test('recover re-queues the failed deliveries created since a time, and only those', async () => {
    const hook = await addHook({ maxAttempts: 1, filters: { chatflowIds: ['recover'] } });
    rx.respond((req, _i, res) => (req.path === hook.path ? res.writeHead(500).end() : ok(req, 0, res)));
    const failed = async (n: number) =>
      eventually(async () => {
        const d = (await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries?status=failed`)).body.data;
        return d.length === n ? d : undefined;
      }, { what: `${n} failed deliveries` });
    // Two that failed before `since`, then three after it.
    for (let i = 0; i < 2; i++) await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'recover' });
    const older: Array<{ id: string; createdAt: string }> = await failed(2);
    for (let i = 0; i < 3; i++) await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'recover' });
    const all: Array<{ id: string; createdAt: string }> = await failed(5);
    const newer = all.filter((d) => !older.some((o) => o.id === d.id));
    // `since` as the request log shows times: the oldest of the newer ones' creation.
    const since = newer.map((d) => d.createdAt).sort()[0];
    expect(older.every((d) => d.createdAt < since)).toBe(true);
    rx.respond(ok);
    const res = await svc.api('POST', `/v1/webhooks/${hook.id}/recover?since=${encodeURIComponent(since)}`);
    expect(res.status).toBe(202);
    expect(res.body.recovered).toBe(3);
    const succeeded = await eventually(async () => {
      const d = (await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries?status=succeeded`)).body.data;
      return d.length === 3 ? d : undefined;
    }, { what: 'the three recovered deliveries' });
    expect(succeeded.map((d: { id: string }) => d.id).sort()).toEqual(newer.map((d) => d.id).sort());
    // The older ones were not sent again: still failed, each with its one attempt.
    for (const d of older) expect((await svc.api('GET', `/v1/deliveries/${d.id}`)).body).toMatchObject({ status: 'failed', attempts: [expect.objectContaining({ attempt: 1 })] });
    expect(at(hook.path)).toHaveLength(5 + 3);
    expect((await svc.api('POST', `/v1/webhooks/${hook.id}/recover`)).body.error.field).toBe('since');
  });
});

describe('Send Test', () => {
  test('answers the request sent and the response got, and logs it as a test', async () => {
    const hook = await addHook({ events: ['error_occurred'] });
    rx.respond((req, _i, res) => (req.path === hook.path ? res.writeHead(201, { 'x-rx': 'yes' }).end('{"received":true}') : ok(req, 0, res)));
    const res = await svc.api('POST', `/v1/webhooks/${hook.id}/test`, {});
    rx.respond(ok);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('success');
    expect(res.body.response).toMatchObject({ status: 201, body: '{"received":true}' });
    expect(res.body.response.headers['x-rx']).toBe('yes');
    const sent = JSON.parse(res.body.request.body);
    expect(sent).toMatchObject({ event: 'error_occurred', test: true, workspace: 'default' });
    const [req] = at(hook.path);
    expect(req.body).toBe(res.body.request.body);
    expect(new Webhook(hook.secret).verify(req.body, req.headers)).toMatchObject({ test: true });
    expect(res.body.request.headers['x-forjinn-signature']).toBe(req.headers['x-forjinn-signature']);
    const log = await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`);
    expect(log.body.data[0]).toMatchObject({ id: res.body.deliveryId, test: true, status: 'succeeded', lastStatusCode: 201 });
  });

  test('a failing receiver is reported, not retried', async () => {
    const hook = await addHook();
    rx.respond((req, _i, res) => (req.path === hook.path ? res.writeHead(500).end('nope') : ok(req, 0, res)));
    const res = await svc.api('POST', `/v1/webhooks/${hook.id}/test`, { event: 'dataset_updated' });
    rx.respond(ok);
    expect(res.body.outcome).toBe('retry');
    expect(res.body.response.status).toBe(500);
    const d = await svc.api('GET', `/v1/deliveries/${res.body.deliveryId}`);
    expect(d.body.status).toBe('failed');
    expect(d.body.attempts).toHaveLength(1);
  });
});

describe('removal and metrics', () => {
  test('deleting a webhook cancels its pending deliveries', async () => {
    const hook = await addHook({ filters: { chatflowIds: ['cancel'] } });
    rx.respond((req, _i, res) => (req.path === hook.path ? res.writeHead(429, { 'retry-after': '3600' }).end() : ok(req, 0, res)));
    await emit({ ...fixture('flow_completed'), id: uid(), chatflowId: 'cancel' });
    const pending = await eventually(async () => (await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`)).body.data.find((d: any) => d.attempts === 1));
    rx.respond(ok);
    expect((await svc.api('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
    const d = await svc.api('GET', `/v1/deliveries/${pending.id}`);
    expect(d.body.status).toBe('cancelled');
  });

  test('/metrics counts each attempt by outcome and the queue, exactly', async () => {
    const hook = await addHook({ maxAttempts: 1, filters: { chatflowIds: ['counted'] } });
    const waiting = await addHook({ maxAttempts: 2, filters: { chatflowIds: ['counted-wait'] } });
    const success = { outcome: 'success', transformer: 'generic' };
    const retry = { outcome: 'retry', transformer: 'generic' };
    const read = async () => ({
      success: await metricValue(svc.url, 'forjinn_attempts_total', success),
      retry: await metricValue(svc.url, 'forjinn_attempts_total', retry),
      waiting: await metricValue(svc.url, 'forjinn_queue_depth', { state: 'waiting' }),
    });
    const before = await read();
    // Three deliveries to `hook`, of which one fails (its only attempt): 2 successes, 1 retry
    // outcome; one to `waiting`, answered 429 with Retry-After 1 h: 1 retry outcome, then waiting
    // in the queue. Plus what other (unfiltered) webhooks of this file get of the same events, all
    // answered 200.
    rx.respond((req, _i, res) => {
      if (req.path === hook.path && JSON.parse(req.body).output === 'fail') return res.writeHead(500).end();
      if (req.path === waiting.path) return res.writeHead(429, { 'retry-after': '3600' }).end();
      return ok(req, 0, res);
    });
    let others = 0;
    const ids: string[] = [];
    for (const [chatflowId, output] of [['counted', 'a'], ['counted', 'b'], ['counted', 'fail'], ['counted-wait', 'w']]) {
      const res = await (await emit({ ...fixture('flow_completed'), id: uid(), chatflowId, output })).json();
      others += res.deliveries - 1;
      ids.push(res.id);
    }
    // Every delivery of the four events attempted (the waiting one: pending after its attempt).
    for (const id of ids) {
      await eventually(async () => (await svc.api('GET', `/v1/events/${id}`)).body.deliveries.every((d: { status: string; attempts: number; webhookId: string }) => d.attempts > 0 && (d.status !== 'pending' || d.webhookId === waiting.id)), { what: `event ${id} delivered` });
    }
    rx.respond(ok);
    const after = await read();
    expect(after).toEqual({ success: before.success + 2 + others, retry: before.retry + 2, waiting: before.waiting + 1 });
    // Nothing is due: every delivery is done or waits for its time.
    expect(await metricValue(svc.url, 'forjinn_queue_depth', { state: 'due' })).toBe(0);
    expect(await metricValue(svc.url, 'forjinn_oldest_due_delivery_seconds')).toBe(0);
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/forjinn_attempt_duration_seconds_bucket/);
  });

  test('GET /v1/events/:id shows the event as delivered and its deliveries', async () => {
    const hook = await addHook({ filters: { chatflowIds: ['shown'] } });
    const id = uid();
    const accepted = await (await emit({ ...fixture('agent_executed'), id, chatflowId: 'shown' })).json();
    const [logged] = await eventually(async () => {
      const d = (await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`)).body.data;
      return d[0]?.status === 'succeeded' ? d : undefined;
    }, { what: 'the delivery' });
    const ev = await eventually(async () => {
      const r = await svc.api('GET', `/v1/events/${id}`);
      return r.body.deliveries?.every((d: { status: string }) => d.status === 'succeeded') ? r : undefined;
    }, { what: 'every delivery of the event done' });
    expect(ev.status).toBe(200);
    expect(ev.body.payload).toMatchObject({ id, event: 'agent_executed', workspace: 'default', chatflowId: 'shown' });
    // One entry per delivery the ingest answer counted, this webhook's among them as it was sent.
    expect(ev.body.deliveries).toHaveLength(accepted.deliveries);
    expect(ev.body.deliveries).toContainEqual({ id: logged.id, webhookId: hook.id, status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    const list = await svc.api('GET', '/v1/events?limit=5');
    expect(list.body.data[0]).toMatchObject({ id, deliveries: accepted.deliveries, succeeded: accepted.deliveries, failed: 0, pending: 0 });
  });
});
