// A delivery is never sent while its lease may run out under the request: rows that waited in
// their webhook's queue until too little lease was left are sent after it runs out (claimed
// afresh), not at the edge, where a second claim took them while the first request was still
// open and the receiver got the same delivery twice.
import { expect, test } from '@jest/globals';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';

const { svc, rx } = useRig({
  // The shortest lease the configuration allows for the timeout (2 s + LEASE_MARGIN_MS).
  env: { FORJINN_LEASE_MS: '3000', FORJINN_DELIVERY_TIMEOUT_MS: '2000', FORJINN_ENDPOINT_CONCURRENCY: '1', FORJINN_POLL_INTERVAL_MS: '50' },
  responder: (_req, _n, res) => {
    setTimeout(() => res.writeHead(200).end('ok'), 1_200);
  },
});

test('one at a time per webhook, answers at 60 % of the timeout: every delivery arrives once', async () => {
  const s = svc;
  expect((await s.api('POST', '/v1/webhooks', { url: `${rx.url}/lease`, events: ['*'] })).status).toBe(201);
  // One statement: all four leased at once and queued behind each other on the one slot, so the
  // third starts 2.4 s into a 3 s lease.
  const events = Array.from({ length: 4 }, (_, i) => ({ event: 'flow_completed', id: `lease-${i}`, chatflowId: 'cf' }));
  expect((await s.api('POST', '/v1/events/batch', { events })).body.accepted).toBe(4);

  await eventually(async () => (await s.rt.ctx.db.pool.query(`select 1 from deliveries where status = 'succeeded'`)).rowCount === 4, {
    what: 'all four delivered',
    timeoutMs: 30_000,
  });
  // A copy claimed a second time would wait in the webhook's queue behind the first four. The
  // queue sends one at a time, in order: a fifth event sent now goes out behind any such copy, so
  // once the fifth has arrived a copy would have arrived before it.
  expect((await s.api('POST', '/v1/events', { event: 'flow_completed', id: 'lease-marker', chatflowId: 'cf' })).status).toBe(202);
  await eventually(() => rx.received.some((r) => JSON.parse(r.body).id === 'lease-marker'), { what: 'the fifth event, behind any copy', timeoutMs: 30_000 });
  const perDelivery = new Map<string, number>();
  for (const r of rx.received) perDelivery.set(r.headers['x-forjinn-delivery'], (perDelivery.get(r.headers['x-forjinn-delivery']) ?? 0) + 1);
  expect([...perDelivery.values()]).toEqual([1, 1, 1, 1, 1]);
  expect(s.logs.some((l) => l.includes('raise FORJINN_LEASE_MS'))).toBe(true);
});
