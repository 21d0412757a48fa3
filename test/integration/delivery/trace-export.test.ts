// Spans exported over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT, issue 29): an OTLP receiver on
// 127.0.0.1 that this test runs gets, once the service has shut down (the flush), the ingest span
// and a span per attempt of the platform's trace, each a child of the platform's span, the
// attempts' span ids the ones their receiver got in traceparent. Off, no OpenTelemetry package is
// loaded: the service starts with every @opentelemetry import failing.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sampleEvent } from '../../helpers/samples.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';
import { dropTestData, startService, templateEnv } from '../../helpers/service.js';
import { eventually } from '../../helpers/eventually.js';
import { spawnService } from '../../helpers/child.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: number | string; boolValue?: boolean } }>;
}
interface OtlpExport {
  resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

/** A span's attributes as plain values. */
const attrs = (list: OtlpSpan['attributes']) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue)]));

let otlp: Receiver;
let rx: Receiver;
beforeAll(async () => {
  // An OTLP/HTTP collector: takes the JSON export and answers as a collector does.
  otlp = await startReceiver((_req, _n, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  // The generic receiver fails each first attempt, so there is a retry.
  rx = await startReceiver((req, _n, res) => void res.writeHead(rx.received.filter((r) => r.path === req.path).length === 1 ? 503 : 204).end());
});
afterAll(async () => {
  await otlp.close();
  await rx.close();
});

describe('OTLP export', () => {
  test('the collector gets the ingest span and both attempts of the platform trace, children of the platform span, with their attributes', async () => {
    const svc = await startService({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: 'webhooks-under-test' });
    const traceId = randomBytes(16).toString('hex');
    const platformSpan = randomBytes(8).toString('hex');
    const batchTrace = randomBytes(16).toString('hex');
    const path = `/generic/${traceId}`;
    let hook: { id: string };
    let eventId: string;
    let delivery: { id: string; status: string };
    try {
      hook = (await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['*'], filters: { chatflowIds: ['traced'] } })).body;
      const res = await fetch(`${svc.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json', traceparent: `00-${traceId}-${platformSpan}-01`, tracestate: 'platform=abc' },
        body: JSON.stringify({ ...sampleEvent('flow_completed'), id: crypto.randomUUID(), chatflowId: 'traced' }),
      });
      expect(res.status).toBe(202);
      eventId = (await res.json()).id;
      delivery = await eventually(async () => {
        const [d] = (await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`)).body.data;
        return d?.status === 'succeeded' ? d : undefined;
      }, { what: 'the delivery succeeded on its retry' });
      // A batch (of events no webhook takes): one ingest span for the request.
      const batch = await fetch(`${svc.url}/v1/events/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json', traceparent: `00-${batchTrace}-${platformSpan}-01` },
        body: JSON.stringify({ events: [{ ...sampleEvent('flow_completed'), id: crypto.randomUUID() }, { event: 'nope' }] }),
      });
      expect(batch.status).toBe(200);
    } finally {
      await svc.close(); // flushes the spans still batched
    }
    const sent = rx.received.filter((r) => r.path === path).map((r) => r.headers.traceparent.split('-')[2]);
    expect(sent).toHaveLength(2);

    const exports = otlp.received.filter((r) => r.path === '/v1/traces');
    expect(exports.length).toBeGreaterThan(0);
    expect(exports[0].headers['content-type']).toMatch(/^application\/json/);
    const batches = exports.map((r) => JSON.parse(r.body) as OtlpExport).flatMap((e) => e.resourceSpans);
    expect(attrs(batches[0].resource.attributes)['service.name']).toBe('webhooks-under-test');
    const all = batches.flatMap((b) => b.scopeSpans.flatMap((s) => s.spans));
    const spans = all.filter((s) => s.traceId === traceId);
    const batchSpans = all.filter((s) => s.traceId === batchTrace);
    expect(batchSpans.map((s) => [s.name, s.parentSpanId])).toEqual([['forjinn.ingest', platformSpan]]);
    expect(attrs(batchSpans[0].attributes)).toMatchObject({ 'forjinn.batch': true, 'forjinn.events.accepted': 1, 'forjinn.events.rejected': 1, 'http.response.status_code': 200 });

    const ingest = spans.filter((s) => s.name === 'forjinn.ingest');
    expect(ingest).toHaveLength(1);
    expect(ingest[0].parentSpanId).toBe(platformSpan);
    expect(ingest[0].kind).toBe(2); // server
    expect(attrs(ingest[0].attributes)).toMatchObject({ 'forjinn.event.type': 'flow_completed', 'forjinn.event.id': eventId, 'forjinn.deliveries': 1, 'http.response.status_code': 202 });

    const attempts = spans.filter((s) => s.name === 'forjinn.attempt').sort((a, b) => Number(attrs(a.attributes)['forjinn.attempt']) - Number(attrs(b.attributes)['forjinn.attempt']));
    expect(attempts.map((s) => [s.parentSpanId, s.spanId, s.kind])).toEqual([
      [platformSpan, sent[0], 3], // client
      [platformSpan, sent[1], 3],
    ]);
    const common = { 'forjinn.webhook.id': hook.id, 'forjinn.delivery.id': delivery.id, 'forjinn.event.id': eventId, 'forjinn.event.type': 'flow_completed', 'forjinn.transformer': 'generic' };
    expect(attrs(attempts[0].attributes)).toMatchObject({ ...common, 'forjinn.attempt': 1, 'http.response.status_code': 503, 'forjinn.outcome': 'retry' });
    expect(attempts[0].status?.code).toBe(2); // error
    expect(attrs(attempts[1].attributes)).toMatchObject({ ...common, 'forjinn.attempt': 2, 'http.response.status_code': 204, 'forjinn.outcome': 'success' });
    expect(attempts[1].status?.code ?? 0).not.toBe(2);
  });

  test('off, the service loads no OpenTelemetry package: it starts with every @opentelemetry import failing, and on, that stops its start', async () => {
    const hook = fileURLToPath(new URL('../../helpers/process/no-opentelemetry.mjs', import.meta.url));
    const env = templateEnv({ LOG_LEVEL: 'info', NODE_OPTIONS: `--import ${hook}` });
    try {
      const off = await spawnService('serve', env);
      const res = await fetch(`${off.url}/healthz`);
      expect(res.status).toBe(200);
      await off.kill();
      await expect(spawnService('serve', { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url })).rejects.toThrow(/fixture: @opentelemetry\/\S+ was imported/);
    } finally {
      await dropTestData(env);
    }
  });
});
