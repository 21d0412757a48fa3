// When a webhook is disabled, its deliveries still waiting for a retry fail at once, saying why
// (docs/delivery.md: "its waiting deliveries fail too (recoverable)"), rather than waiting out
// their retry only to find the webhook off. Here one delivery waits an hour for its retry (500,
// FORJINN_RETRY_DELAYS=1h) when another delivery of the same webhook is answered 410 Gone, which
// disables the webhook; the disable and the failing of the waiting one are one transaction.
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const { svc, rx } = useRig({
  env: { FORJINN_RETRY_DELAYS: '1h' },
  // 410 for the event that asks for it, 500 (retry in an hour) for any other.
  responder: (req, _n, res) => {
    const gone = req.body.includes('"output":"gone"');
    res.writeHead(gone ? 410 : 500).end(gone ? 'gone' : 'down');
  },
});

const delivery = async (id: string) => (await svc.api('GET', `/v1/deliveries/${id}`)).body;

describe('a webhook disabled (410 Gone)', () => {
  test('its delivery waiting for a retry fails at once, saying the webhook was disabled; redeliver sends it once re-enabled', async () => {
    const created = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/hook`, events: ['flow_completed'] });
    expect(created.status).toBe(201);
    const hookId: string = created.body.id;

    const waiting = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: 'waits-an-hour', output: 'down' });
    expect([waiting.status, waiting.body.deliveries]).toEqual([202, 1]);
    const w = await eventually(async () => {
      const page = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries?status=pending`)).body.data;
      return page.find((d: { eventId: string; attempts: number }) => d.eventId === 'waits-an-hour' && d.attempts === 1);
    }, { what: 'the first delivery waiting for its retry' });
    expect(Date.parse(w.nextAttemptAt)).toBeGreaterThan(Date.now() + 30 * 60_000);

    const gone = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: 'answered-gone', output: 'gone' });
    expect([gone.status, gone.body.deliveries]).toEqual([202, 1]);
    await eventually(async () => (await svc.api('GET', `/v1/webhooks/${hookId}`)).body.enabled === false, { what: 'the webhook disabled by the 410' });
    const hook = (await svc.api('GET', `/v1/webhooks/${hookId}`)).body;
    expect(hook.disabledReason).toContain('410');

    // Failed in the same commit as the disable: no wait for its retry time.
    const failed = await delivery(w.id);
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toBe(`webhook disabled: ${hook.disabledReason}`);
    expect(failed.attempts).toHaveLength(1);
    expect(rx.received).toHaveLength(2);

    // Recoverable: once re-enabled, a redeliver sends it now.
    rx.respond((_req, _n, res) => res.writeHead(200).end('back'));
    expect((await svc.api('PATCH', `/v1/webhooks/${hookId}`, { enabled: true })).status).toBe(200);
    expect((await svc.api('POST', `/v1/deliveries/${w.id}/redeliver`)).status).toBe(202);
    await eventually(async () => (await delivery(w.id)).status === 'succeeded', { what: 'the redelivered delivery succeeded' });
    expect(rx.received.at(-1)!.headers['x-forjinn-delivery']).toBe(w.id);
  });
});
