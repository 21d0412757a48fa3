// Grouped chat alerts lose nothing to a crash (issue 14, item 6): the group is in the database,
// not in memory. A service killed with SIGKILL while a group waits out its `group.wait` is
// restarted, and the group's one message still arrives, counting every event.
import { afterAll, expect, test } from '@jest/globals';
import { dropTestData, templateEnv } from '../../helpers/service.js';
import { startReceiver } from '../../helpers/receiver.js';
import { exitOf, spawnService, type Child } from '../../helpers/child.js';
import { eventually } from '../../helpers/eventually.js';

const env = templateEnv({ FORJINN_LEASE_MS: '1500', FORJINN_DELIVERY_TIMEOUT_MS: '500', FORJINN_POLL_INTERVAL_MS: '100' });
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await dropTestData(env);
});

test('SIGKILL during group.wait, restart: the message arrives and counts every event', async () => {
  // A Discord webhook as the fake answers it with wait=true: the message, with its id.
  const rx = await startReceiver((_req, _n, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: '777', type: 0, embeds: [] })));
  try {
    const first = await spawnService('serve', env, { waitFor: /fjk_\S+\n/ });
    children.push(first);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${first.url}${path}`, { method, headers: { authorization: `Bearer ${first.key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    // The wait is what the kill lands in: long enough that the test sees the group formed first.
    const hook = await call('POST', '/v1/webhooks', { url: `${rx.url}/discord/9/crash-token`, events: ['error_occurred'], transformer: 'discord', transformerConfig: { group: { wait: '10s' } } });
    expect(hook.status).toBe(201);
    const N = 50;
    const events = Array.from({ length: N }, (_, i) => ({ event: 'error_occurred', id: `grouped-crash-${i}`, chatflowId: 'cf-crash', error: { message: 'boom', code: 'E1' } }));
    expect((await call('POST', '/v1/events/batch', { events })).body.accepted).toBe(N);

    // Every event is in the group: one delivery waits to carry the message, the others are grouped into it.
    await eventually(
      async () => {
        const log = (await call('GET', `/v1/webhooks/${hook.body.id}/deliveries?limit=100`)).body.data as Array<{ status: string; attempts: number }>;
        const statuses = log.map((d) => d.status);
        return log.length === N && statuses.filter((s) => s === 'grouped').length === N - 1 && statuses.filter((s) => s === 'pending').length === 1;
      },
      { what: 'all events in one waiting group' },
    );
    expect(rx.received).toEqual([]);
    await first.kill('SIGKILL');

    const second = await spawnService('serve', env);
    children.push(second);
    await eventually(() => rx.received.length > 0, { timeoutMs: 60_000, what: 'the grouped message after the restart' });
    expect(rx.received).toHaveLength(1);
    const message = JSON.parse(rx.received[0].body) as { embeds: Array<{ title: string }> };
    expect(message.embeds[0].title).toContain(`(${N} events)`);
    expect(await exitOf(second, 'SIGTERM')).toEqual({ code: 0, signal: null });
  } finally {
    await rx.close();
  }
}, 120_000);
