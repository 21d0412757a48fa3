// FORJINN_DISABLE_AFTER_FAILURES (docs/delivery.md): a webhook whose deliveries fail for good that
// many times in a row is disabled, and says why; a success starts the count again; Send Test does
// not count. Each delivery here has one attempt, so each event is one delivery that fails for good
// (or succeeds) as soon as the receiver answers.
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const THRESHOLD = 3;
const { svc, rx } = useRig({
  env: { FORJINN_DISABLE_AFTER_FAILURES: String(THRESHOLD) },
  // 500 (retryable, but the one attempt is the last) unless the event asks for a success.
  responder: (req, _n, res) => {
    const ok = req.body.includes('"output":"please succeed"');
    res.writeHead(ok ? 200 : 500).end(ok ? 'fine' : 'down');
  },
});

async function addHook(chatflowId: string) {
  const res = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/${chatflowId}`, events: ['flow_completed'], maxAttempts: 1, filters: { chatflowIds: [chatflowId] } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Emits one event for the hook's chatflow and waits until its one delivery has ended. */
async function deliver(hookId: string, chatflowId: string, outcome: 'fail' | 'succeed') {
  const ev = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID(), chatflowId, output: outcome === 'succeed' ? 'please succeed' : 'x' });
  expect([ev.status, ev.body.deliveries]).toEqual([202, 1]);
  const want = outcome === 'succeed' ? 'succeeded' : 'failed';
  // The delivery's end and the webhook's failure streak are written in one transaction.
  await eventually(async () => {
    const d = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries?status=${want}`)).body.data;
    return d.some((x: { eventId: string }) => x.eventId === ev.body.id);
  }, { what: `event ${ev.body.id} ${want}` });
}

const webhook = async (id: string) => (await svc.api('GET', `/v1/webhooks/${id}`)).body;

describe(`disabled after ${THRESHOLD} deliveries in a row failed for good`, () => {
  test('enabled after one fewer (Send Test failures in between not counted); disabled at the threshold, saying why', async () => {
    const id = await addHook('streak');
    for (let i = 1; i < THRESHOLD; i++) await deliver(id, 'streak', 'fail');
    // Two failing Send Tests: counted, they would reach the threshold.
    for (let i = 0; i < 2; i++) {
      const t = await svc.api('POST', `/v1/webhooks/${id}/test`, { event: 'flow_completed' });
      expect([t.status, t.body.response.status]).toEqual([200, 500]);
    }
    expect(await webhook(id)).toMatchObject({ enabled: true, disabledReason: null });

    await deliver(id, 'streak', 'fail');
    const w = await webhook(id);
    expect(w.enabled).toBe(false);
    expect(w.disabledReason).toBe(`disabled after ${THRESHOLD} failed deliveries in a row`);
    // Disabled means no more deliveries for it.
    const next = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID(), chatflowId: 'streak' });
    expect(next.body.deliveries).toBe(0);
  });

  test('a success starts the count again', async () => {
    const id = await addHook('reset');
    for (let i = 1; i < THRESHOLD; i++) await deliver(id, 'reset', 'fail');
    await deliver(id, 'reset', 'succeed');
    // As many failures again as before the success: without the reset, past the threshold.
    for (let i = 1; i < THRESHOLD; i++) await deliver(id, 'reset', 'fail');
    expect(await webhook(id)).toMatchObject({ enabled: true, disabledReason: null });
    await deliver(id, 'reset', 'fail');
    expect(await webhook(id)).toMatchObject({ enabled: false, disabledReason: `disabled after ${THRESHOLD} failed deliveries in a row` });
  });
});
