// A leased delivery is a handle (issue 26): every write after a claim goes through the lease it
// was sent under. Worker A's lease runs out while its attempt is out (a stall); worker B claims
// the delivery and succeeds; A's late failure arrives after. It is fenced: the delivery stays
// `succeeded`, both attempts are in the request log with distinct numbers (A's marked late), the
// webhook's failure streak is unchanged (with a streak of 1 disabling it, a counted failure would
// have), forjinn_stale_results_total says 1 and forjinn_deliveries_total counts the delivery once,
// succeeded. The two workers are two leases taken here with
// the store's own claim, their attempts the engine's own (real HTTP), written by its result writer.
import { expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { metricValue } from '../../helpers/metrics.js';
import { claimDue, type ClaimedRow } from '../../../src/store/deliveries/index.js';
import { runAttempt } from '../../../src/services/delivery/attempt.js';
import { jobOf } from '../../../src/services/delivery/worker.js';

// No worker in the service: the test's two "workers" are the only claims. The first request is
// answered 500 (A's failure, final: one attempt allowed), every later one 200.
const { svc, rx } = useRig({
  env: { FORJINN_DISABLE_AFTER_FAILURES: '1' },
  roles: { api: true, worker: false },
  responder: (_req, n, res) => res.writeHead(n === 1 ? 500 : 200).end(n === 1 ? 'down' : 'ok'),
});

async function attempt(row: ClaimedRow) {
  const { engine } = svc.rt;
  await engine.cache.ensure(engine.ctx.db.pool, new Map([[row.webhook_id, row.webhook_updated_at]]));
  // The worker's own attempt of a claimed row (a new delivery: trigger auto, not a test).
  return runAttempt(engine.deps, engine.cache.get(row.webhook_id)!, jobOf(row));
}

test("a late failure from a worker whose lease was taken over changes nothing: the delivery stays succeeded, both attempts logged, the webhook's streak unchanged", async () => {
  const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/fenced`, events: ['flow_completed'], maxAttempts: 1 });
  expect(hook.status).toBe(201);
  const ev = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID() });
  expect([ev.status, ev.body.deliveries]).toEqual([202, 1]);
  const pool = svc.rt.ctx.db.pool;

  // Worker A: a 1 ms lease, its attempt answered 500; its result is held back (A is stalled).
  const [a] = await claimDue(pool, 10, 1, [], 'worker-a/1');
  expect(a.attempt).toBe(1);
  const late = await attempt(a);
  expect([late.status, late.response?.status]).toEqual(['failed', 500]);

  // Worker B claims the row once A's lease has run out, sends (200) and stores its result.
  const [b] = await eventually(async () => {
    const rows = await claimDue(pool, 10, 60_000, [], 'worker-b/1');
    return rows.length > 0 ? rows : undefined;
  }, { what: "worker B's claim after A's lease ran out" });
  expect([b.id, b.attempt]).toEqual([a.id, 2]);
  const won = await attempt(b);
  expect([won.status, won.response?.status]).toEqual(['succeeded', 200]);
  await svc.rt.engine.writer.add(won);

  // A's late failure arrives.
  await svc.rt.engine.writer.add(late);

  const delivery = await svc.api('GET', `/v1/deliveries/${a.id}`);
  expect(delivery.status).toBe(200);
  expect(delivery.body.status).toBe('succeeded');
  expect(delivery.body.attempts.map((t: { attempt: number; responseStatus: number; late: boolean }) => [t.attempt, t.responseStatus, t.late])).toEqual([
    [1, 500, true],
    [2, 200, false],
  ]);
  const webhook = await svc.api('GET', `/v1/webhooks/${hook.body.id}`);
  expect([webhook.body.enabled, webhook.body.disabledReason ?? null, webhook.body.failureStreak]).toEqual([true, null, 0]);
  expect(await metricValue(svc.url, 'forjinn_stale_results_total')).toBe(1);
  // The delivery counted once, as it ended: the late failure is not a failed delivery.
  expect(await metricValue(svc.url, 'forjinn_deliveries_total', { status: 'succeeded' })).toBe(1);
  expect(await metricValue(svc.url, 'forjinn_deliveries_total', { status: 'failed' })).toBe(0);
  expect(svc.logs.some((l) => l.includes('late attempt result') && l.includes(a.id) && l.includes('"level":30'))).toBe(true);
});
