// Retry-After is the receiver's word on when to come back, within [0, 1 h]. A value that says
// nothing usable (negative, not a number or a date, a date already past) means the normal
// backoff: `Retry-After: -5` used to be read as "now" and spent every attempt at once. One above
// an hour waits an hour. Checked on the schedule the service wrote after the first attempt (the
// retry delay is 10 minutes, so no test waits for it), for the engine's rules and a chat target's.
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const MINUTE = 60_000;
const BACKOFF = 10 * MINUTE; // FORJINN_RETRY_DELAYS below, ±20 % jitter
const HOUR = 60 * MINUTE;
const fixture = sampleEvent('error_occurred');

const { svc, rx } = useRig({
  env: { FORJINN_RETRY_DELAYS: '10m' },
  // Each path answers 429 with the Retry-After its name holds.
  responder: (req, _n, res) => {
    const value = decodeURIComponent(req.path.split('?')[0].split('/').pop() ?? '');
    res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': value }).end('slow down');
  },
});

/** The wait the service scheduled after the first attempt, and how many requests were made. */
async function scheduledWait(transformer: string, retryAfter: string): Promise<{ wait: number; requests: number }> {
  const path = `/${transformer}/${encodeURIComponent(retryAfter)}`;
  const chatflowId = `cf-${crypto.randomUUID()}`;
  const hook = await svc.api('POST', '/v1/webhooks', {
    url: `${rx.url}${path}`,
    events: ['*'],
    transformer,
    transformerConfig: { group: false },
    filters: { chatflowIds: [chatflowId] },
    maxAttempts: 5,
  });
  expect(hook.status).toBe(201);
  expect((await svc.api('POST', '/v1/events', { ...fixture, id: crypto.randomUUID(), chatflowId })).status).toBe(202);
  const [d] = await eventually(async () => {
    const list = (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data;
    return list.length && list[0].attempts >= 1 ? list : undefined;
  });
  expect(d.status).toBe('pending');
  const wait = Date.parse(d.nextAttemptAt) - Date.parse(d.lastAttemptAt) - (d.lastDurationMs ?? 0);
  return { wait, requests: rx.received.filter((r) => r.path.split('?')[0] === path).length };
}

const expectBackoff = (wait: number) => {
  expect(wait).toBeGreaterThanOrEqual(BACKOFF * 0.8 - 1_000);
  expect(wait).toBeLessThanOrEqual(BACKOFF * 1.2 + 1_000);
};

describe.each(['generic', 'slack'])('%s: a 429 whose Retry-After', (transformer) => {
  test.each([
    ['is negative (-5)', '-5'],
    ['is a negative fraction (-0.5)', '-0.5'],
    ['is not a number or a date', 'soon'],
    ['is a date already past', 'Wed, 21 Oct 2015 07:28:00 GMT'],
  ])('%s is retried on the backoff, not at once', async (_what, value) => {
    const { wait, requests } = await scheduledWait(transformer, value);
    expectBackoff(wait);
    expect(requests).toBe(1);
  });

  test('is above an hour waits one hour', async () => {
    const { wait } = await scheduledWait(transformer, '7200');
    expect(Math.abs(wait - HOUR)).toBeLessThan(1_000);
  });

  test('is a few seconds is obeyed', async () => {
    const { wait } = await scheduledWait(transformer, '90');
    expect(Math.abs(wait - 90_000)).toBeLessThan(1_000);
  });
});
