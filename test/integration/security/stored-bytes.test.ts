// What one event may cost the attempt log. A ~1 MB event to a webhook that keeps failing used to
// be stored whole on every attempt (20 attempts: 20 MiB). The event is kept once (events.payload);
// each attempt now keeps at most the first 64 KiB of the request body and 16 KiB of the answer,
// says when it cut them (requestBodyTruncated / responseBodyTruncated), and the receiver still
// gets the whole body every time. A generic body is the event's payload: no attempt stores it again
// (request_body NULL), the log shows it whole from the event (test/integration/delivery/body-once.test.ts).
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const KiB = 1024;
const STORED_REQUEST_BODY = 64 * KiB; // docs/security.md, "Limits"
const STORED_RESPONSE_BODY = 16 * KiB;
const STORED_HEADERS = 8 * KiB; // each side
/** URL, error text, JSON punctuation of one attempt: small, whatever the body. */
const OVERHEAD = 2 * KiB;
const ATTEMPTS = 5;

const fixture = sampleEvent('flow_completed');
const { svc, rx } = useRig({
  env: { FORJINN_RETRY_DELAYS: '10ms' },
  // Fails every time, with a long answer and long headers.
  responder: (req, _n, res) =>
    req.path === '/nul'
      ? res.writeHead(500, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0x62, 0x61, 0x64, 0x00, 0x21]))
      : res.writeHead(500, { 'content-type': 'text/plain', 'x-long': 'h'.repeat(8 * KiB) }).end('e'.repeat(200 * KiB)),
});

async function failedDelivery(path: string, event: Record<string, unknown>, settings: Record<string, unknown> = {}) {
  const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['*'], maxAttempts: ATTEMPTS, ...settings });
  expect(hook.status).toBe(201);
  const sent = { ...fixture, id: crypto.randomUUID(), ...event };
  expect((await svc.api('POST', '/v1/events', sent)).status).toBe(202);
  const [row] = await eventually(async () => {
    const d = (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data;
    return d.length && d[0].status === 'failed' ? d : undefined;
  });
  return { id: row.id as string, received: rx.received.filter((r) => r.path === path) };
}

async function storedBytes(deliveryId: string): Promise<number> {
  const { rows } = await svc.rt.ctx.db.pool.query(
    `select coalesce(sum(octet_length(request_url) + octet_length(request_headers::text) + coalesce(octet_length(request_body), 0)
       + coalesce(octet_length(response_headers::text), 0) + coalesce(octet_length(response_body), 0)
       + coalesce(octet_length(error), 0)), 0)::int as bytes
     from attempts where delivery_id = $1`,
    [deliveryId],
  );
  return rows[0].bytes;
}

describe('stored bytes per attempt', () => {
  test(`a 1 MB event failing ${ATTEMPTS} times stores at most the per-attempt bounds, and is sent whole each time`, async () => {
    // A field the platform may add later, passed through as it is: one event just under 1 MiB.
    const context = 'x'.repeat(1_000_000);
    const { id, received } = await failedDelivery('/big', { context });
    expect(received).toHaveLength(ATTEMPTS);
    for (const r of received) {
      expect(r.body.length).toBeGreaterThan(1_000_000);
      expect(JSON.parse(r.body).context).toBe(context);
    }
    const bytes = await storedBytes(id);
    expect(bytes).toBeLessThanOrEqual(ATTEMPTS * (STORED_REQUEST_BODY + STORED_RESPONSE_BODY + 2 * STORED_HEADERS + OVERHEAD));

    const d = (await svc.api('GET', `/v1/deliveries/${id}`)).body;
    expect(d.attempts).toHaveLength(ATTEMPTS);
    for (const a of d.attempts) {
      // The body sent was the event's payload, kept once in events: shown whole, not cut.
      expect(a.requestBodyTruncated).toBe(false);
      expect(a.requestBody).toBe(received[0].body);
      expect(a.responseBodyTruncated).toBe(true);
      expect(Buffer.byteLength(a.responseBody)).toBeLessThanOrEqual(STORED_RESPONSE_BODY);
      expect(a.responseStatus).toBe(500);
      expect(a.responseHeaders['x-long']).toMatch(/^h+…$/);
      expect(Buffer.byteLength(a.responseHeaders['x-long'])).toBeLessThanOrEqual(KiB);
    }
    // The event itself is kept once, whole.
    expect(d.event.context).toBe(context);
  });

  test('a small event is stored whole and says so', async () => {
    const { id, received } = await failedDelivery('/small', {});
    const d = (await svc.api('GET', `/v1/deliveries/${id}`)).body;
    expect(d.attempts[0].requestBody).toBe(received[0].body);
    expect(d.attempts[0].requestBodyTruncated).toBe(false);
  });

  test('multi-byte text is cut on a character boundary', async () => {
    // A template's output is not the event's payload: it is stored, cut past 64 KiB.
    const { id } = await failedDelivery('/utf8', { output: '€'.repeat(100_000) }, { template: '{"o": "{{#if output}}{{output}}{{/if}}"}' });
    const [a] = (await svc.api('GET', `/v1/deliveries/${id}`)).body.attempts;
    expect(a.requestBodyTruncated).toBe(true);
    expect(a.requestBody).not.toMatch(/\uFFFD/);
    expect(Buffer.byteLength(a.requestBody)).toBeLessThanOrEqual(STORED_REQUEST_BODY);
    expect(Buffer.byteLength(a.requestBody)).toBeGreaterThan(STORED_REQUEST_BODY - 4);
  });

  test('an answer holding a NUL byte is stored (as U+FFFD), not left unstorable', async () => {
    const { id, received } = await failedDelivery('/nul', {});
    expect(received).toHaveLength(ATTEMPTS);
    const d = (await svc.api('GET', `/v1/deliveries/${id}`)).body;
    expect(d.attempts.map((a: { responseBody: string }) => a.responseBody)).toEqual(Array(ATTEMPTS).fill('bad\uFFFD!'));
  });
});
