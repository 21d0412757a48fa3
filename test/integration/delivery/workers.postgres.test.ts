// Several worker processes on one PostgreSQL: 2,000 events, every one delivered, none twice, and
// both workers deliver (each counts its own attempts on its /metrics listener).
// PGlite is one process by design, so this runs in the PostgreSQL pass of the suite.
import { afterAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';
import { startReceiver } from '../../helpers/receiver.js';
import { spawnService, type Child } from '../../helpers/child.js';
import { eventually } from '../../helpers/eventually.js';
import { metricValue } from '../../helpers/metrics.js';

const children: Child[] = [];
let svc: TestService | undefined;
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await svc?.close();
});

describe('two workers on PostgreSQL', () => {
  test('deliver 2,000 events with no double delivery, shared by both workers', async () => {
    svc = await startService({ FORJINN_POLL_INTERVAL_MS: '200' }, { api: true, worker: false });
    const rx = await startReceiver();
    try {
      for (let i = 0; i < 2; i++) children.push(await spawnService('worker', svc.env, { waitFor: /delivery worker running/ }));
      expect((await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/w`, events: ['*'] })).status).toBe(201);
      const N = 2000;
      for (let i = 0; i < N; i += 50) {
        const batch = Array.from({ length: 50 }, (_, j) => svc!.api('POST', '/v1/events', { event: 'flow_completed', id: `two-${i + j}`, chatflowId: 'cf' }));
        for (const r of await Promise.all(batch)) expect(r.status).toBe(202);
      }
      await eventually(() => rx.received.length >= N, { timeoutMs: 60_000, what: `${N} deliveries` });
      await new Promise((r) => setTimeout(r, 500)); // a double delivery would arrive now
      const ids = rx.received.map((r) => r.headers['x-forjinn-delivery']);
      expect(new Set(ids).size).toBe(N);
      expect(ids).toHaveLength(N);
      const { rows: by } = await svc.rt.ctx.db.pool.query<{ n: number }>(`select count(*)::int as n from attempts`);
      expect(by[0].n).toBe(N);
      // Each worker serves its own /metrics; together they count every attempt, and each did some.
      const counts = await Promise.all(children.map((c) => metricValue(c.metricsUrl!, 'forjinn_attempts_total', { outcome: 'success', transformer: 'generic' })));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
      for (const n of counts) expect(n).toBeGreaterThan(0);
    } finally {
      await rx.close();
    }
  }, 120_000);
});
