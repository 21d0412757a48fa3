// A worker killed with SIGKILL in the middle of a batch loses nothing: after a restart every
// accepted event is delivered (at least once; receivers dedupe on the delivery id).
import { afterAll, expect, test } from '@jest/globals';
import { dropTestData, templateEnv } from '../../helpers/service.js';
import { startReceiver } from '../../helpers/receiver.js';
import { exitOf, spawnService, type Child } from '../../helpers/child.js';
import { eventually } from '../../helpers/eventually.js';

const env = templateEnv({ FORJINN_LEASE_MS: '1500', FORJINN_DELIVERY_TIMEOUT_MS: '500', FORJINN_CONCURRENCY: '8', FORJINN_ENDPOINT_CONCURRENCY: '8', FORJINN_POLL_INTERVAL_MS: '100' });
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await dropTestData(env);
});

test('SIGKILL mid-batch, restart: every accepted event is delivered', async () => {
  // The first 20 requests are answered; from then on, until the kill, the receiver answers none,
  // so the kill lands with 8 attempts in flight and most events still queued, however fast or
  // slow the machine is. After the kill every request is answered at once.
  let holding = true;
  const rx = await startReceiver((_req, n, res) => {
    if (holding && n > 20) return; // never answered: the killed process's attempt stays in flight
    res.writeHead(200).end('ok');
  });
  try {
    const first = await spawnService('serve', env, { waitFor: /fjk_\S+\n/ });
    children.push(first);
    expect(first.key).toMatch(/^fjk_/);
    const api = (path: string, body: unknown) =>
      fetch(`${first.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${first.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await api('/v1/webhooks', { url: `${rx.url}/crash`, events: ['*'] })).status).toBe(201);
    const N = 300;
    const accepted: string[] = [];
    for (let i = 0; i < N; i += 100) {
      const events = Array.from({ length: 100 }, (_, j) => ({ event: 'flow_completed', id: `crash-${i + j}`, chatflowId: 'cf' }));
      const res = await api('/v1/events/batch', { events });
      const body = await res.json();
      expect(body.accepted).toBe(100);
      accepted.push(...events.map((e) => e.id));
    }
    await eventually(() => rx.received.length >= 20, { what: 'some deliveries before the kill' });
    await first.kill('SIGKILL');
    holding = false;
    const before = new Set(rx.received.map((r) => JSON.parse(r.body).id)).size;
    expect(before).toBeLessThan(N);

    const second = await spawnService('serve', env);
    children.push(second);
    await eventually(() => new Set(rx.received.map((r) => JSON.parse(r.body).id)).size === N, { timeoutMs: 60_000, what: 'all events delivered after the restart' });
    const ids = new Set(rx.received.map((r) => JSON.parse(r.body).id));
    expect(accepted.every((id) => ids.has(id))).toBe(true);
    expect(await exitOf(second, 'SIGTERM')).toEqual({ code: 0, signal: null }); // killed would be code null
  } finally {
    await rx.close();
  }
}, 120_000);
