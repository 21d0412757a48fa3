// The request log and the events list say how far back history goes (issue 13): their answers
// carry `retention: { period, since }` from FORJINN_RETENTION, `since` being now minus the period,
// and `retention: null` when history is kept forever (FORJINN_RETENTION=0).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';

const HOUR = 3_600_000;
const flow = (id: string) => ({ event: 'flow_completed', id, chatflowId: 'cf-retention' });

/** A webhook with one delivery and one event, then both list answers. */
async function lists(svc: TestService) {
  const hook = await svc.api('POST', '/v1/webhooks', { url: 'https://example.com/retention', events: ['flow_completed'] });
  expect(hook.status).toBe(201);
  expect((await svc.api('POST', '/v1/events', flow(`ev-${hook.body.id}`))).status).toBe(202);
  const deliveries = await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`);
  const events = await svc.api('GET', '/v1/events?limit=1');
  expect([deliveries.status, events.status]).toEqual([200, 200]);
  expect([deliveries.body.data.length, events.body.data.length]).toEqual([1, 1]);
  return { deliveries: deliveries.body, events: events.body };
}

describe('FORJINN_RETENTION=12h', () => {
  let svc: TestService;
  // No worker: nothing here needs sending.
  beforeAll(async () => {
    svc = await startService({ FORJINN_RETENTION: '12h' }, { api: true, worker: false });
  });
  afterAll(async () => {
    await svc?.close();
  });

  test('the request log and the events list carry the period and since = now - 12h', async () => {
    const before = Date.now();
    const { deliveries, events } = await lists(svc);
    const after = Date.now();
    for (const page of [deliveries, events]) {
      expect(Object.keys(page.retention).sort()).toEqual(['period', 'since']);
      expect(page.retention.period).toBe('12h');
      const since = Date.parse(page.retention.since);
      expect(page.retention.since).toBe(new Date(since).toISOString());
      // Within a minute of now - 12 h (the clock is the service's, read during these requests).
      expect(since).toBeGreaterThanOrEqual(before - 12 * HOUR - 60_000);
      expect(since).toBeLessThanOrEqual(after - 12 * HOUR + 60_000);
    }
  });
});

describe('FORJINN_RETENTION=0', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({ FORJINN_RETENTION: '0' }, { api: true, worker: false });
  });
  afterAll(async () => {
    await svc?.close();
  });

  test('history kept forever: retention is null in both lists', async () => {
    const { deliveries, events } = await lists(svc);
    expect(deliveries).toHaveProperty('retention', null);
    expect(events).toHaveProperty('retention', null);
  });
});
