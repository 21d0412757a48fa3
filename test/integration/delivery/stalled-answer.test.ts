// A stall does not turn an answer into a timeout (issue 26). The worker process stops for longer
// than the delivery timeout (a SIGSTOP, a GC pause) right after the receiver has answered 200:
// the answer is on the socket, in time, and unread. When the process runs again the timeout's
// timer is due before the socket is read; the answer that arrived is still the attempt's result.
// The stall is the whole process blocked synchronously (the receiver runs in it too) just after
// the receiver wrote its answer; with one attempt allowed a timeout would end the delivery failed.
import { expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const TIMEOUT_MS = 300;

/** Blocks this process (the service's worker and the receiver alike) for `ms`, as a stop would. */
function stall(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const { svc, rx } = useRig({
  env: { FORJINN_DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS) },
  responder: (_req, _n, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    stall(TIMEOUT_MS * 3);
  },
});

test('a 200 that arrived before a stall longer than the delivery timeout is stored as the 200 it was, not a timeout', async () => {
  const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/stalled`, events: ['flow_completed'], maxAttempts: 1 });
  expect(hook.status).toBe(201);
  const ev = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID() });
  expect([ev.status, ev.body.deliveries]).toEqual([202, 1]);

  const [listed] = await eventually(async () => {
    const { data } = (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body;
    return data.length === 1 && data[0].status !== 'pending' ? data : undefined;
  }, { what: 'the delivery to leave pending' });
  const delivery = (await svc.api('GET', `/v1/deliveries/${listed.id}`)).body;
  expect(delivery.status).toBe('succeeded');
  expect(delivery.attempts.map((a: { responseStatus: number | null; error: string | null; responseBody: string | null }) => [a.responseStatus, a.error, a.responseBody])).toEqual([
    [200, null, 'ok'],
  ]);
  expect(rx.received.map((r) => r.path)).toEqual(['/stalled']);
});
