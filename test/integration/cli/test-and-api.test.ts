// `forjinn-webhooks webhook test <id>` and `forjinn-webhooks api` as an operator runs them: separate
// processes, their output and exit codes, real receivers on 127.0.0.1 (docs/cli.md).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { dropTestData, onPostgres, templateEnv } from '../../helpers/service.js';
import { runCli } from '../../helpers/cli.js';
import { exitOf, spawnService, type Child } from '../../helpers/child.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';
import { metricValue } from '../../helpers/metrics.js';
import { loadConfig } from '../../../src/core/config.js';
import { startRuntime, type Runtime } from '../../../src/main/service.js';
import { createLogger } from '../../../src/core/log.js';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver((req, _n, res) => (req.path === '/down' ? res.writeHead(500).end('nope') : res.writeHead(200).end('fine')));
});
afterAll(async () => {
  await rx?.close();
});

describe('webhook test <id>', () => {
  const env = templateEnv({ LOG_LEVEL: 'warn' });
  // A running service owns the database, as beside `npm start` (on PGlite the CLI joins it through its socket).
  let rt: Runtime | undefined;
  beforeAll(async () => {
    rt = await startRuntime(loadConfig(env), { api: false, worker: false }, { log: createLogger('silent') });
    expect((await runCli(['api-key', 'create', '--workspace', 'ops'], env)).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await rt?.close();
    await dropTestData(env);
  });

  const add = async (path: string) => {
    const added = await runCli(['webhook', 'add', '--workspace', 'ops', '--url', `${rx.url}${path}`, '--events', '*'], env);
    expect([added.code, added.out]).toEqual([0, expect.stringMatching(/id:/)]);
    return /id:\s+(\S+)/.exec(added.out)![1];
  };

  test('sends a test event now: exits 0 and prints ok with the status when the receiver takes it', async () => {
    const id = await add('/up');
    const res = await runCli(['webhook', 'test', id, '--workspace', 'ops', '--event', 'error_occurred'], env);
    expect([res.code, res.out]).toEqual([0, expect.stringMatching(/^ok: HTTP 200 in \d+ ms$/m)]);
    const deliveryId = /^delivery: ([0-9a-f-]{36})$/m.exec(res.out)?.[1];
    expect(res.out).toMatch(/^response: fine$/m);
    const got = rx.received.filter((r) => r.path === '/up');
    expect(got).toHaveLength(1);
    expect(got[0].headers['x-forjinn-delivery']).toBe(deliveryId);
    expect(JSON.parse(got[0].body)).toMatchObject({ event: 'error_occurred', test: true });
  }, 60_000);

  test('exits 1 and prints failed with the status when the receiver answers 500', async () => {
    const id = await add('/down');
    const res = await runCli(['webhook', 'test', id, '--workspace', 'ops'], env);
    expect([res.code, res.out]).toEqual([1, expect.stringMatching(/^failed: HTTP 500 in \d+ ms$/m)]);
    expect(res.out).toMatch(/^response: nope$/m);
    expect(rx.received.filter((r) => r.path === '/down')).toHaveLength(1);
  }, 60_000);
});

describe('api', () => {
  const env = templateEnv({ LOG_LEVEL: 'warn' });
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children.reverse()) await c.kill();
    await dropTestData(env);
  });

  test('answers /healthz and takes events but delivers none: they wait until a worker runs', async () => {
    // A fresh database: the first start prints the bootstrap key.
    const api = await spawnService('api', env, { waitFor: /fjk_\S+\n/ });
    children.push(api);
    expect(api.output()).not.toMatch(/delivery worker running/);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    const hook = await call('POST', '/v1/webhooks', { url: `${rx.url}/api-only`, events: ['flow_completed'] });
    expect(hook.status).toBe(201);
    const ev = await call('POST', '/v1/events', { event: 'flow_completed', id: 'api-only-1', chatflowId: 'cf' });
    expect([ev.status, ev.body.deliveries]).toEqual([202, 1]);
    const [pending] = (await call('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data;
    expect(pending).toMatchObject({ status: 'pending', attempts: 0 });
    const success = { outcome: 'success', transformer: 'generic' };

    // Then a worker runs: it makes the one attempt there is, which proves the event waited for it.
    // PostgreSQL: beside the api process, which keeps answering and counts no attempt of its own.
    // PGlite: one process serves the files, so the api process stops first (cleanly) and the
    // event is still pending after its whole run.
    if (!onPostgres) {
      expect(await exitOf(api, 'SIGTERM')).toEqual({ code: 0, signal: null });
    }
    const worker = await spawnService('worker', env, { waitFor: /delivery worker running/ });
    children.push(worker);
    await eventually(() => rx.received.some((r) => r.path === '/api-only'), { what: 'the worker delivering' });
    await eventually(async () => (await metricValue(worker.metricsUrl!, 'forjinn_attempts_total', success)) === 1, { what: "the worker's attempt counted" });
    expect(rx.received.filter((r) => r.path === '/api-only').map((r) => r.headers['x-forjinn-delivery'])).toEqual([pending.id]);
    if (onPostgres) {
      await eventually(async () => (await call('GET', `/v1/deliveries/${pending.id}`)).body.status === 'succeeded', { what: 'the delivery stored as succeeded' });
      expect((await call('GET', `/v1/deliveries/${pending.id}`)).body.attempts).toHaveLength(1);
      expect(await metricValue(api.url!, 'forjinn_attempts_total', success)).toBe(0);
      expect(await exitOf(api, 'SIGTERM')).toEqual({ code: 0, signal: null });
    }
    expect(await exitOf(worker, 'SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);
});
