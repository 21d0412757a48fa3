// Several worker processes on one PostgreSQL: 2,000 events, every one delivered, none twice, and
// both workers deliver (each counts its own attempts on its /metrics listener).
// PGlite is one process by design, so this runs in the PostgreSQL pass of the suite.
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnService, type Child } from '../../helpers/child.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { metricValue } from '../../helpers/metrics.js';

const children: Child[] = [];
// The workers are killed before the service closes.
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
});
const { svc, rx } = useRig({ env: { FORJINN_POLL_INTERVAL_MS: '200' }, roles: { api: true, worker: false } });

describe('two workers on PostgreSQL', () => {
  test('deliver 2,000 events with no double delivery, shared by both workers', async () => {
    for (let i = 0; i < 2; i++) children.push(await spawnService('worker', svc.env, { waitFor: /delivery worker running/ }));
    expect((await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/w`, events: ['*'] })).status).toBe(201);
    const N = 2000;
    for (let i = 0; i < N; i += 50) {
      const batch = Array.from({ length: 50 }, (_, j) => svc.api('POST', '/v1/events', { event: 'flow_completed', id: `two-${i + j}`, chatflowId: 'cf' }));
      for (const r of await Promise.all(batch)) expect(r.status).toBe(202);
    }
    await eventually(() => rx.received.length >= N, { timeoutMs: 60_000, what: `${N} deliveries` });
    const pool = svc.rt.ctx.db.pool;
    const succeeded = async () => (await pool.query<{ n: number }>(`select count(*)::int as n from deliveries where status = 'succeeded'`)).rows[0].n;
    await eventually(async () => (await succeeded()) === N, { what: `${N} deliveries stored as succeeded` });
    // A claim takes pending rows only: a row claimed by both workers was claimed before it was
    // stored as succeeded, so its copy is in a worker's queue by now. Each worker sends a
    // webhook's deliveries in the order it claimed them, so one more event delivered by each
    // worker (its own attempt count going up) comes after any copy it held: single events
    // until both have delivered one, each waited for at the receiver.
    const success = { outcome: 'success', transformer: 'generic' };
    const attemptsOf = () => Promise.all(children.map((c) => metricValue(c.metricsUrl!, 'forjinn_attempts_total', success)));
    const before = await attemptsOf();
    let markers = 0;
    await eventually(
      async () => {
        const id = `two-marker-${markers++}`;
        expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id, chatflowId: 'cf' })).status).toBe(202);
        await eventually(() => rx.received.some((r) => JSON.parse(r.body).id === id), { what: `marker ${id}` });
        const now = await attemptsOf();
        return now.every((n, i) => n > before[i]);
      },
      { timeoutMs: 60_000, what: 'an event delivered by each worker after the 2,000' },
    );
    const total = N + markers;
    const ids = rx.received.map((r) => r.headers['x-forjinn-delivery']);
    expect(new Set(ids).size).toBe(total);
    expect(ids).toHaveLength(total);
    // The last marker's attempt is counted and stored just after it arrived: wait for at least
    // every attempt, then there must be no more.
    const atLeast = async <T>(read: () => Promise<T>, n: (v: T) => number, what: string) =>
      eventually(async () => {
        const v = await read();
        return n(v) >= total ? { v } : undefined;
      }, { what }).then((r) => r.v);
    const stored = await atLeast(async () => (await pool.query<{ n: number }>(`select count(*)::int as n from attempts`)).rows[0].n, (n) => n, 'every attempt stored');
    expect(stored).toBe(total);
    // Each worker serves its own /metrics; together they count every attempt, and each did some.
    const counts = await atLeast(attemptsOf, (c) => c.reduce((a, b) => a + b, 0), 'every attempt counted');
    expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
    for (const n of counts) expect(n).toBeGreaterThan(0);
  }, 120_000);
});
