// PostgreSQL frozen under load (SIGSTOP to the postmaster and every backend: connections stay
// open and nothing answers, as with a stalled disk or a hung host). With the default timeouts
// ingest answers 503 database_unavailable with Retry-After within seconds (it used to wait the
// whole stall out), /healthz answers 503 within its budget, and after the thaw every event
// answered 202 is delivered. Needs DATABASE_URL; the measured times are printed.
import { afterAll, expect, test } from '@jest/globals';
import { startService, type TestService } from '../helpers/service.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/eventually.js';
import { clusterOf, freezeCluster, thawCluster } from '../helpers/pg-cluster.js';
import { DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS } from '../../src/core/config.js';
import { QUERY_TIMEOUT_MARGIN_MS } from '../../src/store/database.js';
import { HEALTH_BUDGET_MS } from '../../src/doors/api/health-routes.js';

/** The slowest answer the defaults allow: a wait for a connection, then a read timeout; +1 s for a busy machine. */
const ANSWER_WITHIN_MS = DB_CONNECT_TIMEOUT_MS + DB_STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS + 1_000;
const FROZEN_MS = 15_000;

let svc: TestService | undefined;
let rx: Receiver | undefined;
let frozen: number[] = [];
afterAll(async () => {
  thawCluster(frozen); // whatever happened, leave the server running
  await svc?.close();
  await rx?.close();
});

test(`frozen ${FROZEN_MS / 1000} s: 503 + Retry-After within ${ANSWER_WITHIN_MS} ms, healthz 503, every 202 delivered after`, async () => {
  const cluster = clusterOf(process.env.DATABASE_URL!);
  rx = await startReceiver();
  svc = await startService({ FORJINN_LEASE_MS: '30000', FORJINN_DELIVERY_TIMEOUT_MS: '3000', FORJINN_DB_STATEMENT_TIMEOUT_MS: String(DB_STATEMENT_TIMEOUT_MS) }); // the default database timeouts
  const s = svc;
  expect((await s.api('POST', '/v1/webhooks', { url: `${rx.url}/freeze`, events: ['*'] })).status).toBe(201);

  const accepted: string[] = [];
  const answers: Array<{ at: string; startedAt: number; status: number; ms: number; retryAfter: string | null; code?: string }> = [];
  let phase: 'before' | 'frozen' | 'after' = 'before';
  let n = 0;
  let running = true;
  const producer = async () => {
    while (running) {
      const at = phase;
      const started = performance.now();
      const res = await s.api('POST', '/v1/events', { event: 'flow_completed', id: `freeze-${n++}`, chatflowId: 'cf' });
      const ms = performance.now() - started;
      if (res.status === 202) accepted.push(res.body.id);
      answers.push({ at, startedAt: started, status: res.status, ms, retryAfter: res.headers.get('retry-after'), code: res.body?.error?.code });
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const producers = Array.from({ length: 4 }, producer);
  await eventually(() => rx!.received.length >= 30, { what: 'deliveries before the freeze' });

  frozen = freezeCluster(cluster);
  const frozenAt = performance.now();
  phase = 'frozen';
  await new Promise((r) => setTimeout(r, 1_000));
  const healthStarted = performance.now();
  const health = await fetch(`${s.url}/healthz`);
  const healthMs = performance.now() - healthStarted;
  await new Promise((r) => setTimeout(r, FROZEN_MS - (performance.now() - frozenAt)));
  phase = 'after';
  thawCluster(frozen);
  const thawedAt = performance.now();
  frozen = [];

  const before = accepted.length;
  await eventually(() => accepted.length >= before + 30, { what: 'events accepted after the thaw', timeoutMs: 20_000 });
  running = false;
  await Promise.all(producers);

  // Every request sent while frozen and answered before the thaw, or sent early enough that it
  // had to be (one that waited the freeze out is among them).
  const during = answers.filter((a) => a.at === 'frozen' && Math.min(a.startedAt + a.ms, a.startedAt + ANSWER_WITHIN_MS) < thawedAt);
  const slowest = Math.max(...during.map((d) => d.ms));
  const first503 = during.find((d) => d.status === 503);
  process.stderr.write(
    `frozen ${FROZEN_MS} ms: ${during.length} answers while frozen, all ${[...new Set(during.map((d) => d.status))].join('/')}; ` +
      `slowest ${Math.round(slowest)} ms, median ${Math.round(during.map((d) => d.ms).sort((a, b) => a - b)[Math.floor(during.length / 2)])} ms, ` +
      `first 503 after ${Math.round(first503?.ms ?? -1)} ms; healthz 503 in ${Math.round(healthMs)} ms\n`,
  );
  expect(health.status).toBe(503);
  expect(healthMs).toBeLessThan(HEALTH_BUDGET_MS + 1_000);
  // Many answers while frozen (not a handful that waited it out), every one a 503 in time.
  expect(during.length).toBeGreaterThan(20);
  expect(during.filter((d) => d.status !== 503 || d.code !== 'database_unavailable' || d.retryAfter !== '5')).toEqual([]);
  expect(slowest).toBeLessThan(ANSWER_WITHIN_MS);

  const delivered = () => new Set(rx!.received.map((r) => JSON.parse(r.body).id as string));
  await eventually(() => accepted.every((id) => delivered().has(id)), { what: 'every accepted event delivered', timeoutMs: 30_000 });
  expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
}, 90_000);
