// A PagerDuty incident from open to closed through the engine (docs/transformers.md, PagerDuty):
// a chatflow's error_occurred triggers an alert, and the next flow_completed of the same chatflow
// resolves it with the same dedup_key. A receiver on 127.0.0.1 stands in for
// events.pagerduty.com/v2/enqueue and answers as PagerDuty does (202, status success).
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const ROUTING_KEY = 'R0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5';
const { svc, rx } = useRig({
  responder: (req, _n, res) =>
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: JSON.parse(req.body).dedup_key })),
});

/** Emits an event and answers the PagerDuty event it became, once the receiver has it. */
async function sent(type: 'error_occurred' | 'flow_completed', chatflowId: string) {
  const before = rx.received.length;
  const ev = await svc.api('POST', '/v1/events', { ...sampleEvent(type), id: crypto.randomUUID(), chatflowId });
  expect([type, ev.status, ev.body.deliveries]).toEqual([type, 202, 1]);
  const req = await eventually(() => rx.received[before], { what: `the PagerDuty event for ${type} of ${chatflowId}` });
  expect(rx.received).toHaveLength(before + 1);
  expect(req.path).toBe('/v2/enqueue');
  return JSON.parse(req.body);
}

describe('PagerDuty trigger then resolve', () => {
  test("an error triggers the chatflow's alert and its next completion resolves that alert", async () => {
    const hook = await svc.api('POST', '/v1/webhooks', {
      url: `${rx.url}/v2/enqueue`,
      events: ['error_occurred', 'flow_completed'],
      transformer: 'pagerduty',
      transformerConfig: { routingKey: ROUTING_KEY },
    });
    expect([hook.status, hook.body.error]).toEqual([201, undefined]);

    const trigger = await sent('error_occurred', 'cf-billing');
    expect(trigger).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', payload: { severity: 'critical', custom_details: { chatflowId: 'cf-billing' } } });
    expect(trigger.dedup_key).toMatch(/^\S{1,255}$/);
    // Another chatflow's failure is another alert.
    const other = await sent('error_occurred', 'cf-search');
    expect(other).toMatchObject({ event_action: 'trigger' });
    expect(other.dedup_key).not.toBe(trigger.dedup_key);

    const resolve = await sent('flow_completed', 'cf-billing');
    expect(resolve).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: trigger.dedup_key });
    const resolveOther = await sent('flow_completed', 'cf-search');
    expect(resolveOther).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: other.dedup_key });

    // Each outcome is written after its receiver answered: wait until none of the four is pending.
    const log = await eventually(async () => {
      const res = await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`);
      return res.body.data.length === 4 && res.body.data.every((d: { status: string }) => d.status !== 'pending') && res;
    }, { what: 'the four deliveries no longer pending' });
    expect(log.body.data.map((d: { status: string }) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });
});
