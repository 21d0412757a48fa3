// A 16 KB template must not turn into a 200 MB body. 1,000 × {{json output}} against one
// 200,000-character output used to render, send and store 200 MB (the service answered nobody
// for minutes). Rendering now stops as soon as the output passes the rendered-size bound
// (FORJINN_MAX_RENDERED_BYTES, 1 MiB by default): preview and save answer 400 naming `template`
// and the limit, and a delivery fails at once, not sent and not retried.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { startService, type TestService } from '../../helpers/service.js';
import { eventually } from '../../helpers/eventually.js';

const fixture = sampleEvent('flow_completed');
const BIG = 'x'.repeat(200_000);
/** 16 KB of template: small at save (the sample's output is 140 characters), 200 MB on BIG. */
const AMPLIFIER = `[${Array.from({ length: 1000 }, () => '{{json output}}').join(',')}]`;
const LIMIT_TEXT = /1 MiB \(1048576 bytes\)/;
/**
 * 48 KB of template (under the 50,000-character limit): 3,000 × 200,002 characters on BIG, more
 * than the longest string V8 can make (2^29 - 24). Built whole it could not be measured at all
 * (the render would fail "Invalid string length"), so a refusal that names the limit shows the
 * render was cut early, with no clock: speed belongs to the bench.
 */
const UNBUILDABLE = `[${Array.from({ length: 3000 }, () => '{{json output}}').join(',')}]`;

const { svc, rx } = useRig({ env: { FORJINN_RETRY_DELAYS: '10ms' } });

describe('preview', () => {
  test.each([
    ['/v1/preview', { transformer: 'generic' }],
    ['/v1/transformers/generic/preview', {}],
    ['/v1/transformers/slack/preview', {}],
    ['/v1/transformers/discord/preview', {}],
  ])('%s refuses the amplifying template with 400 naming template and the limit', async (path, extra) => {
    const res = await svc.api('POST', path, { ...extra, template: UNBUILDABLE, event: 'flow_completed', payload: { output: BIG } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', field: 'template' });
    expect(res.body.error.message).toMatch(LIMIT_TEXT);
    expect(JSON.stringify(res.body).length).toBeLessThan(2_000);
  });

  test("a saved webhook's preview is bounded the same way", async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/preview`, events: ['*'], template: AMPLIFIER });
    expect(hook.status).toBe(201);
    const res = await svc.api('POST', `/v1/webhooks/${hook.body.id}/preview`, { event: 'flow_completed', payload: { output: BIG } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('template');
    expect(res.body.error.message).toMatch(LIMIT_TEXT);
  });

  test('a large render under the limit is still answered whole', async () => {
    const res = await svc.api('POST', '/v1/preview', { template: '[{{json output}},{{json output}}]', payload: { output: BIG } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.body)).toEqual([BIG, BIG]);
  });
});

describe('save', () => {
  // ~900 bytes of sample event, 2,000 times: 1.8 MB rendered from a 30 KB template.
  const overSample = `[${Array.from({ length: 2000 }, () => '{{json this}}').join(',')}]`;

  test('a template whose sample render passes the limit is refused at create and at update', async () => {
    const created = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/save`, events: ['*'], template: overSample });
    expect(created.status).toBe(400);
    expect(created.body.error.field).toBe('template');
    expect(created.body.error.message).toMatch(LIMIT_TEXT);
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/save`, events: ['*'] });
    const patched = await svc.api('PATCH', `/v1/webhooks/${hook.body.id}`, { template: overSample });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toMatch(LIMIT_TEXT);
    expect((await svc.api('GET', `/v1/webhooks/${hook.body.id}`)).body.template ?? null).toBeNull();
  });
});

describe('delivery', () => {
  test('a render past the limit fails the delivery at once: nothing sent, not retried', async () => {
    const path = '/amplified';
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['*'], template: UNBUILDABLE, maxAttempts: 5 });
    expect(hook.status).toBe(201);
    const res = await svc.api('POST', '/v1/events', { ...fixture, id: crypto.randomUUID(), output: BIG });
    expect(res.status).toBe(202);
    const list = await eventually(async () => {
      const d = (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data;
      return d.length && d[0].status !== 'pending' ? d : undefined;
    });
    const delivery = (await svc.api('GET', `/v1/deliveries/${list[0].id}`)).body;
    expect(list[0]).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(delivery.lastError).toMatch(/^render_error: /);
    expect(delivery.lastError).toMatch(LIMIT_TEXT);
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'refuse', requestBody: '' });
    expect(rx.received.filter((r) => r.path === path)).toHaveLength(0);
    // Nothing of the 200 MB was stored either.
    const { rows } = await svc.rt.ctx.db.pool.query(
      `select coalesce(sum(octet_length(request_body)), 0)::int as bytes from attempts a join deliveries d on d.id = a.delivery_id where d.webhook_id = $1`,
      [hook.body.id],
    );
    expect(rows[0].bytes).toBeLessThan(1024);
    // The service answered others all along.
    expect((await svc.api('GET', '/v1/webhooks')).status).toBe(200);
  });
});

describe('FORJINN_MAX_RENDERED_BYTES', () => {
  let small: TestService;
  beforeAll(async () => {
    small = await startService({ FORJINN_MAX_RENDERED_BYTES: '4096' }, { api: true, worker: false });
  });
  afterAll(async () => small?.close());

  test('a lower setting refuses what the default accepts, naming the configured limit', async () => {
    const template = `{"text": "${'y'.repeat(5000)}", "output": {{json output}} }`;
    expect((await svc.api('POST', '/v1/preview', { template })).status).toBe(200);
    const res = await small.api('POST', '/v1/preview', { template });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/4 KiB \(4096 bytes\)/);
    const saved = await small.api('POST', '/v1/webhooks', { url: `${rx.url}/small`, events: ['*'], template });
    expect(saved.status).toBe(400);
    expect(saved.body.error.field).toBe('template');
  });

  test('counts bytes, not characters: 3,000 two-byte characters are over 4096', async () => {
    const res = await small.api('POST', '/v1/preview', { template: '{"o": {{json output}} }', payload: { output: 'é'.repeat(3000) } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/4 KiB/);
    const fits = await small.api('POST', '/v1/preview', { template: '{"o": {{json output}} }', payload: { output: 'é'.repeat(2000) } });
    expect(fits.status).toBe(200);
  });
});
