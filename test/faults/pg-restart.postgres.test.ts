// PostgreSQL stopped and started again under load. While it is down, ingest answers 503
// database_unavailable (never 202 for an event it did not store, never 500); afterwards the
// service carries on by itself, and every event answered 202 is delivered. The API runs here,
// the worker as its own process that polls only once a minute: delivering within seconds after
// the restart means its LISTEN connection came back by itself. Needs DATABASE_URL (the CI faults
// step runs it); on the embedded database there is no server to restart.
import { afterAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../helpers/service.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/eventually.js';
import { spawnService, type Child } from '../helpers/child.js';
import { clusterOf, startCluster, stopCluster, type Cluster } from '../helpers/pg-cluster.js';

describe('PostgreSQL restarted under load (needs DATABASE_URL)', () => {
  let svc: TestService | undefined;
  let rx: Receiver | undefined;
  let cluster: Cluster | undefined;
  let worker: Child | undefined;
  afterAll(async () => {
    if (cluster) await startCluster(cluster); // whatever happened, leave the server running
    await worker?.kill('SIGTERM');
    await svc?.close();
    await rx?.close();
  });

  test('503 while down, every 202 delivered after', async () => {
    cluster = clusterOf(process.env.DATABASE_URL!);
    rx = await startReceiver();
    svc = await startService({ FORJINN_LEASE_MS: '5000', FORJINN_DELIVERY_TIMEOUT_MS: '3000' }, { api: true, worker: false });
    worker = await spawnService('worker', { ...svc.env, FORJINN_POLL_INTERVAL_MS: '60000' }, { waitFor: /delivery worker running/ });
    const s = svc;
    expect((await s.api('POST', '/v1/webhooks', { url: `${rx.url}/pg`, events: ['*'] })).status).toBe(201);

    const statuses = new Map<number, number>();
    const accepted: string[] = [];
    // Each answer is filed under the phase its request started in.
    let phase: 'before' | 'down' | 'starting' | 'after' = 'before';
    const seen: Record<string, Set<number>> = { before: new Set(), down: new Set(), starting: new Set(), after: new Set() };
    let n = 0;
    let downAnswers = 0;
    let running = true;
    const producer = async () => {
      while (running) {
        const id = `pg-${n++}`;
        const at = phase;
        const res = await s.api('POST', '/v1/events', { event: 'flow_completed', id, chatflowId: 'cf' }).catch(() => ({ status: -1, body: undefined }));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        seen[at].add(res.status);
        if (at === 'down' && res.status === 503) downAnswers++;
        if (res.status === 202) accepted.push(id);
        if (res.status === 503) expect(res.body.error.code).toBe('database_unavailable');
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const producers = [producer(), producer(), producer()];
    await eventually(() => accepted.length >= 30, { what: 'load before the stop' });

    await stopCluster(cluster);
    phase = 'down';
    await eventually(() => seen.down.has(503), { what: 'a 503 while the database is down', timeoutMs: 10_000 });
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(503);
    // Down long enough to matter: the worker has lost its LISTEN connection (so delivering after
    // the start is it coming back by itself), and ingest has answered 503 again and again.
    await eventually(() => worker!.output().includes('LISTEN connection lost'), { what: 'the worker losing its LISTEN connection', timeoutMs: 10_000 });
    await eventually(() => downAnswers >= 10, { what: '503s while the database is down', timeoutMs: 10_000 });

    phase = 'starting';
    await startCluster(cluster);
    phase = 'after';
    const before = accepted.length;
    await eventually(() => accepted.length >= before + 30, { what: 'events accepted again after the restart', timeoutMs: 20_000 });
    running = false;
    await Promise.all(producers);

    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([202, 503]));
    expect([...statuses.keys()].filter((k) => k !== 202 && k !== 503)).toEqual([]);
    // A 202 is only ever said for a stored event (a request that waited out the stop may be one):
    // every accepted event is delivered, so every one was stored.
    const delivered = () => new Set(rx!.received.map((r) => JSON.parse(r.body).id as string));
    await eventually(() => accepted.every((id) => delivered().has(id)), { what: 'every accepted event delivered', timeoutMs: 25_000 });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
