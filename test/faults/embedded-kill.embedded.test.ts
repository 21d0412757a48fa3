// The embedded database killed mid-write: the service is SIGKILLed while events pour in and
// deliveries are being written; started again on the same DATA_DIR it opens its data intact,
// every event it answered 202 for is there with its deliveries, and it takes new writes.
// Embedded only (with DATABASE_URL the server, not this process, owns durability).
import { afterAll, describe, expect, test } from '@jest/globals';
import { dropTestData, testEnv } from '../helpers/service.js';
import { startReceiver } from '../helpers/receiver.js';
import { exitOf, spawnService, type Child } from '../helpers/child.js';
import { eventually } from '../helpers/eventually.js';

describe('the embedded database killed mid-write (embedded only)', () => {
  // A short lease: deliveries the dead process held are taken up again within seconds.
  const env = testEnv({ FORJINN_LEASE_MS: '3000', FORJINN_DELIVERY_TIMEOUT_MS: '2000' });
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children) await c.kill('SIGKILL');
    await dropTestData(env);
  });

  test('restarts with every accepted event and its deliveries', async () => {
    const rx = await startReceiver();
    try {
      const first = await spawnService('serve', env, { waitFor: /fjk_\S+\n/ });
      children.push(first);
      const key = first.key!;
      const call = (url: string, method: string, path: string, body?: unknown) =>
        fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      expect((await call(first.url!, 'POST', '/v1/webhooks', { url: `${rx.url}/kill`, events: ['*'] })).status).toBe(201);

      const accepted: string[] = [];
      let n = 0;
      let running = true;
      const producer = async () => {
        while (running) {
          const id = `emb-${n++}`;
          const res = await call(first.url!, 'POST', '/v1/events', { event: 'flow_completed', id, chatflowId: 'cf', output: 'x'.repeat(2_000) }).catch(() => undefined);
          if (res?.status === 202) accepted.push(id);
        }
      };
      const producers = Array.from({ length: 4 }, producer);
      await eventually(() => accepted.length >= 150 && rx.received.length >= 20, { what: 'writes under way', timeoutMs: 30_000 });
      await first.kill('SIGKILL');
      running = false;
      await Promise.all(producers);

      const second = await spawnService('serve', env);
      children.push(second);
      const missing: string[] = [];
      for (const id of accepted) {
        const res = await call(second.url!, 'GET', `/v1/events/${id}`);
        if (res.status !== 200) missing.push(`${id}: ${res.status}`);
        else if ((await res.json()).deliveries.length !== 1) missing.push(`${id}: no delivery`);
      }
      expect(missing).toEqual([]);
      expect((await call(second.url!, 'POST', '/v1/events', { event: 'flow_completed', id: 'after-restart', chatflowId: 'cf' })).status).toBe(202);
      // The deliveries interrupted by the kill go out after it: every accepted event reaches the receiver.
      await eventually(() => {
        const got = new Set(rx.received.map((r) => JSON.parse(r.body).id));
        return accepted.every((id) => got.has(id));
      }, { what: 'every accepted event delivered after the restart', timeoutMs: 45_000 });
      // Exited by itself with 0, not killed by the signal (then exitCode is null).
      expect(await exitOf(second, 'SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await rx.close();
    }
  }, 60_000);
});
