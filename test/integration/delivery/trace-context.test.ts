// One trace from platform to receiver (W3C Trace Context, issue 29): the traceparent and
// tracestate sent with an event reach its generic receiver on every attempt, each attempt a child
// span of the platform's (same trace id, a span id of its own); an invalid traceparent is ignored;
// chat targets get no trace headers.
import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { vendorAnswer } from '../../helpers/vendor-answers.js';
import { CHAT_TARGETS } from '../../helpers/transformer-fixtures.js';
import { CONTRACTS } from '../../helpers/target-contract.js';

const { svc, rx } = useRig({
  env: { FORJINN_DELIVERY_TIMEOUT_MS: '2000' },
  // A chat target's path answers as its vendor; a generic receiver's path fails its first attempt (/retry/…) or succeeds.
  responder: (req, _n, res) => {
    if (!req.path.startsWith('/generic/')) return vendorAnswer(req, res);
    const first = rx.received.filter((r) => r.path === req.path).length === 1;
    res.writeHead(req.path.includes('/retry/') && first ? 503 : 204).end();
  },
});

const uid = () => crypto.randomUUID();
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const at = (path: string) => rx.received.filter((r) => r.path.split('?')[0] === path);

async function addHook(path: string, chatflowId: string, transformer = 'generic') {
  const settings = transformer === 'generic' ? {} : { transformerConfig: { ...CONTRACTS[transformer as keyof typeof CONTRACTS].settings, group: false } };
  const res = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['*'], transformer, ...settings, filters: { chatflowIds: [chatflowId] } });
  expect([transformer, res.status, res.body?.error]).toEqual([transformer, 201, undefined]);
}

/** POST /v1/events with the headers; `contentType` other than application/json takes express's route instead of the fast path. */
async function emit(chatflowId: string, headers: Record<string, string>, contentType = 'application/json') {
  const res = await fetch(`${svc.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.key}`, 'content-type': contentType, ...headers },
    body: JSON.stringify({ ...sampleEvent('flow_completed'), id: uid(), chatflowId }),
  });
  expect(res.status).toBe(202);
}

const received = (path: string, n: number) => eventually(() => (at(path).length >= n ? at(path) : undefined), { what: `${n} requests at ${path}` });

describe('traceparent from the platform to a generic receiver', () => {
  test.each([
    ['the fast path', 'application/json'],
    ["express's route", 'application/json;charset=utf-8'],
  ])('through %s: the first attempt and its retry are child spans of the platform span, tracestate as sent', async (_how, contentType) => {
    const run = uid();
    const path = `/generic/retry/${run}`;
    await addHook(path, run);
    const traceId = hex(16);
    const platformSpan = hex(8);
    await emit(run, { traceparent: `00-${traceId}-${platformSpan}-01`, tracestate: 'platform=t61rcWkgMzE,other=00f067aa0ba902b7' }, contentType);
    const [first, retry] = await received(path, 2);
    const spans = [first, retry].map((r) => {
      const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(r.headers.traceparent ?? '');
      expect([r.headers.traceparent, m?.[1]]).toEqual([r.headers.traceparent, traceId]);
      expect(r.headers.tracestate).toBe('platform=t61rcWkgMzE,other=00f067aa0ba902b7');
      return m![2];
    });
    // A span of its own for each attempt, neither of them the platform's.
    expect(new Set([...spans, platformSpan]).size).toBe(3);
  });

  test('a redelivery is one more child span of the same trace', async () => {
    const run = uid();
    const path = `/generic/redeliver/${run}`;
    await addHook(path, run);
    const traceId = hex(16);
    await emit(run, { traceparent: `00-${traceId}-${hex(8)}-01`, tracestate: 'platform=abc' });
    const [first] = await received(path, 1);
    const id = first.headers['x-forjinn-delivery'];
    await eventually(async () => (await svc.api('GET', `/v1/deliveries/${id}`)).body.status === 'succeeded', { what: 'the delivery stored as succeeded' });
    const redo = await svc.api('POST', `/v1/deliveries/${id}/redeliver`);
    expect(redo.status).toBe(202);
    const [, again] = await received(path, 2);
    expect(again.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(again.headers.traceparent).not.toBe(first.headers.traceparent);
    expect(again.headers.tracestate).toBe('platform=abc');
  });

  test('a batch: every event of it carries the request trace', async () => {
    const run = uid();
    const path = `/generic/batch/${run}`;
    await addHook(path, run);
    const traceId = hex(16);
    const events = [1, 2].map(() => ({ ...sampleEvent('flow_completed'), id: uid(), chatflowId: run }));
    const res = await fetch(`${svc.url}/v1/events/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json', traceparent: `00-${traceId}-${hex(8)}-00` },
      body: JSON.stringify({ events }),
    });
    expect((await res.json()).accepted).toBe(2);
    const got = await received(path, 2);
    // Not sampled by the platform (flags 00): handed on as not sampled.
    for (const r of got) expect(r.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    expect(got[0].headers.tracestate).toBeUndefined();
  });

  test.each([
    ['upper-case hex', (t: string, s: string) => `00-${t.toUpperCase()}-${s}-01`],
    ['an all-zero trace id', (_t: string, s: string) => `00-${'0'.repeat(32)}-${s}-01`],
    ['an all-zero parent id', (t: string) => `00-${t}-${'0'.repeat(16)}-01`],
    ['version ff', (t: string, s: string) => `ff-${t}-${s}-01`],
    ['version 00 with more after it', (t: string, s: string) => `00-${t}-${s}-01-extra`],
    ['a short trace id', (t: string, s: string) => `00-${t.slice(2)}-${s}-01`],
  ])('an invalid traceparent (%s) is ignored with its tracestate: accepted, and the receiver gets neither', async (_what, make) => {
    const run = uid();
    const path = `/generic/invalid/${run}`;
    await addHook(path, run);
    await emit(run, { traceparent: make(hex(16), hex(8)), tracestate: 'platform=abc' });
    const [req] = await received(path, 1);
    expect(req.headers['x-forjinn-event']).toBe('flow_completed');
    expect(req.headers.traceparent).toBeUndefined();
    expect(req.headers.tracestate).toBeUndefined();
  });

  test('a later version is read for its trace id, parent id and flags, and handed on as version 00', async () => {
    const run = uid();
    const path = `/generic/v1/${run}`;
    await addHook(path, run);
    const traceId = hex(16);
    await emit(run, { traceparent: `01-${traceId}-${hex(8)}-01-what-comes-later` });
    const [req] = await received(path, 1);
    expect(req.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  test('chat and incident targets get no trace headers', async () => {
    const run = uid();
    const paths = CHAT_TARGETS.map((name) => `/${name}/hook/${run}`);
    for (const [i, name] of CHAT_TARGETS.entries()) await addHook(paths[i], run, name);
    await addHook(`/generic/chat-run/${run}`, run);
    await emit(run, { traceparent: `00-${hex(16)}-${hex(8)}-01`, tracestate: 'platform=abc' });
    const [generic] = await received(`/generic/chat-run/${run}`, 1);
    expect(generic.headers.traceparent).toBeDefined();
    for (const [i, name] of CHAT_TARGETS.entries()) {
      const [req] = await received(paths[i], 1);
      expect([name, req.headers.traceparent, req.headers.tracestate]).toEqual([name, undefined, undefined]);
    }
  });
});
