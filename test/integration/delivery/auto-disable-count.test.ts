// FORJINN_DISABLE_AFTER_FAILURES counts deliveries that failed for good, not attempts
// (docs/delivery.md, docs/configuration.md): a delivery retried up to its limit is one failure of
// the streak, however many attempts it took. Here each delivery has 3 attempts against a receiver
// that always answers 500, and the threshold is 3: the webhook stays enabled after 2 such
// deliveries (6 failed attempts) and is disabled by the 3rd. (auto-disable.test.ts gives each
// delivery one attempt, where the two counts are the same.)
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const THRESHOLD = 3;
const ATTEMPTS = 3;
const { svc, rx } = useRig({
  // Retries follow at once (the test env's 50 ms schedule, here shortened further).
  env: { FORJINN_DISABLE_AFTER_FAILURES: String(THRESHOLD), FORJINN_RETRY_DELAYS: '10ms' },
  responder: (_req, _n, res) => res.writeHead(500).end('down'),
});

const webhook = async (id: string) => (await svc.api('GET', `/v1/webhooks/${id}`)).body;

/** Emits one event and waits until its delivery has failed for good, after all its attempts. */
async function failOneDelivery(hookId: string) {
  const ev = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID(), chatflowId: 'attempts' });
  expect([ev.status, ev.body.deliveries]).toEqual([202, 1]);
  // The delivery's end and the webhook's failure streak are written in one transaction.
  const d = await eventually(async () => {
    const page = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries?status=failed`)).body.data;
    return page.find((x: { eventId: string }) => x.eventId === ev.body.id);
  }, { what: `event ${ev.body.id} failed for good` });
  expect(d.attempts).toBe(ATTEMPTS);
}

describe(`FORJINN_DISABLE_AFTER_FAILURES=${THRESHOLD} with ${ATTEMPTS} attempts per delivery`, () => {
  test('failed attempts of a delivery are one failure: enabled after 2 failed deliveries, disabled by the 3rd', async () => {
    const created = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/attempts`, events: ['flow_completed'], maxAttempts: ATTEMPTS });
    expect(created.status).toBe(201);
    const id: string = created.body.id;

    for (let i = 1; i < THRESHOLD; i++) await failOneDelivery(id);
    // 6 failed attempts so far, 2 failed deliveries: below the threshold.
    expect(rx.received).toHaveLength((THRESHOLD - 1) * ATTEMPTS);
    expect(await webhook(id)).toMatchObject({ enabled: true, disabledReason: null });
    const next = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID(), chatflowId: 'attempts' });
    expect(next.body.deliveries).toBe(1);
    await eventually(async () => (await webhook(id)).enabled === false, { what: 'the webhook disabled by the 3rd failed delivery' });
    expect(await webhook(id)).toMatchObject({ enabled: false, disabledReason: `disabled after ${THRESHOLD} failed deliveries in a row` });
    // Disabled by that delivery's last attempt, not earlier.
    expect(rx.received).toHaveLength(THRESHOLD * ATTEMPTS);
  });
});
