// A worker SIGKILLed under load: nothing is lost, and only what was in flight is delivered twice.
// "In flight" is read from the database right after the kill: the deliveries the dead worker held
// leased (requests on the wire, answers whose result was not yet committed, rows claimed and
// waiting). Every duplicate must be one of those; everything else was delivered exactly once.
import { afterAll, expect, test } from '@jest/globals';
import { loadConfig } from '../../src/core/config.js';
import { openDatabase } from '../../src/store/database.js';
import { dropTestData, testEnv } from '../helpers/service.js';
import { startReceiver } from '../helpers/receiver.js';
import { spawnService, type Child } from '../helpers/child.js';
import { eventually } from '../helpers/eventually.js';

const CONCURRENCY = 8;
const env = testEnv({ FORJINN_LEASE_MS: '6000', FORJINN_DELIVERY_TIMEOUT_MS: '4000', FORJINN_CONCURRENCY: String(CONCURRENCY), FORJINN_ENDPOINT_CONCURRENCY: String(CONCURRENCY), FORJINN_POLL_INTERVAL_MS: '100' });
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await dropTestData(env);
});

test('SIGKILL under load: every event delivered, duplicates within the in-flight bound', async () => {
  let answering = 0;
  // Answers wait until every event is in, so the kill lands with most of the work still to do.
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const rx = await startReceiver(async (_req, _n, res) => {
    answering++;
    await gate;
    await new Promise((r) => setTimeout(r, 20));
    answering--;
    res.writeHead(200).end('ok');
  });
  try {
    const first = await spawnService('serve', env, { waitFor: /fjk_\S+\n/ });
    children.push(first);
    const key = first.key!;
    const post = (url: string, path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(first.url!, '/v1/webhooks', { url: `${rx.url}/kill`, events: ['*'] })).status).toBe(201);
    const N = 250;
    // Quickly, and well inside the lease: a request held at the gate past its lease would be
    // claimed again by the same worker, a duplicate that has nothing to do with the kill.
    for (let i = 0; i < N; i += 25) {
      const batch = Array.from({ length: 25 }, (_, j) => post(first.url!, '/v1/events', { event: 'flow_completed', id: `kill-${i + j}`, chatflowId: 'cf' }));
      for (const res of await Promise.all(batch)) expect(res.status).toBe(202);
    }

    open();
    await eventually(() => rx.received.length >= 40, { what: 'deliveries under way' });
    const onTheWire = answering;
    await first.kill('SIGKILL');
    expect(new Set(rx.received.map((r) => r.headers['x-forjinn-delivery'])).size).toBeLessThan(N);
    const db = await openDatabase(loadConfig(env), { exclusive: true });
    const { rows } = await db.pool.query<{ id: string }>(`select id from deliveries where status = 'pending' and locked_by is not null`);
    await db.close();
    const inFlight = new Set(rows.map((r) => r.id));

    const second = await spawnService('serve', env);
    children.push(second);
    const deliveries = () => rx.received.map((r) => r.headers['x-forjinn-delivery']);
    await eventually(() => new Set(deliveries()).size === N, { timeoutMs: 45_000, what: 'every event delivered after the restart' });
    const events = new Set(rx.received.map((r) => JSON.parse(r.body).id as string));
    expect(Array.from({ length: N }, (_, i) => `kill-${i}`).filter((id) => !events.has(id))).toEqual([]);
    const counts = new Map<string, number>();
    for (const d of deliveries()) counts.set(d, (counts.get(d) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([d]) => d);
    expect(twice.filter((d) => !inFlight.has(d))).toEqual([]);
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
    // The batch is small: the slots' requests plus results awaiting their (batched) commit.
    expect(onTheWire).toBeLessThanOrEqual(CONCURRENCY);
    expect(inFlight.size).toBeLessThanOrEqual(4 * CONCURRENCY);
    await second.kill('SIGTERM');
  } finally {
    await rx.close();
  }
}, 60_000);
