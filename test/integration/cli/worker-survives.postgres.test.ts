// A `worker` process whose database goes away for a while (every connection cut, new ones
// refused, as during a PostgreSQL restart) keeps running and delivers what comes next. It used to
// end with code 0 at once: with no connection and its timers unref'd, nothing held its event
// loop. The worker reaches PostgreSQL through a loopback TCP proxy that the test cuts, so the
// shared server and the other tests on it are not disturbed.
import { afterAll, expect, test } from '@jest/globals';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dropTestData, startService, testEnv, type TestService } from '../../helpers/service.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';
import { exitOf, running, spawnService, type Child } from '../../helpers/child.js';

/**
 * Forwards 127.0.0.1:port to the database; down() cuts every connection, and until up() each new
 * one is closed as soon as it is made (counted: refused() says how many the worker tried).
 */
function dbProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let isDown = false;
  let refused = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      isDown = false;
      if (server) return resolve();
      server = createServer((client) => {
        if (isDown) {
          refused++;
          client.on('error', () => {}).destroy();
          return;
        }
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s)).on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const down = () => {
    isDown = true;
    for (const s of sockets) s.destroy();
  };
  const close = () =>
    new Promise<void>((resolve) => {
      down();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  return { up, down, close, url: () => `postgres://${target.username}@127.0.0.1:${port}${target.pathname}`, count: () => sockets.size, refused: () => refused };
}

const base = testEnv();
const proxy = dbProxy(new URL(base.DATABASE_URL));
let svc: TestService | undefined;
let rx: Receiver | undefined;
let worker: Child | undefined;
afterAll(async () => {
  await worker?.kill('SIGKILL');
  await proxy.close().catch(() => {});
  await svc?.close();
  await rx?.close();
  await dropTestData(base);
});

test('the database away for 2 s: the worker stays up and delivers the next events', async () => {
  await proxy.up();
  // Connection: close, so the worker keeps no socket to the receiver either (a keep-alive one
  // would hold its event loop, as a busy worker's do, and hide the fault).
  rx = await startReceiver((_req, _n, res) => res.writeHead(200, { connection: 'close' }).end('ok'));
  // The API in this process, straight to the database; the worker through the proxy.
  svc = await startService({ DATA_DIR: base.DATA_DIR, DATABASE_SCHEMA: base.DATABASE_SCHEMA, FORJINN_MASTER_KEY: base.FORJINN_MASTER_KEY }, { api: true, worker: false });
  worker = await spawnService('worker', { ...base, LOG_LEVEL: 'warn', FORJINN_POLL_INTERVAL_MS: '1000', DATABASE_URL: proxy.url() }, { waitFor: /delivery worker running/, logFile: true });
  const s = svc;
  expect((await s.api('POST', '/v1/webhooks', { url: `${rx.url}/cut`, events: ['*'] })).status).toBe(201);
  expect((await s.api('POST', '/v1/events', { event: 'flow_completed', id: 'before-cut', chatflowId: 'cf' })).status).toBe(202);
  await eventually(() => rx!.received.length === 1, { what: 'the first delivery' });
  // Its result stored: a write still being retried would hold the worker open and hide the fault.
  const stored = async () => (await s.rt.ctx.db.pool.query(`select 1 from deliveries where status = 'succeeded'`)).rowCount === 1;
  await eventually(stored, { what: 'the first result stored' });

  expect(proxy.count()).toBeGreaterThanOrEqual(2); // LISTEN and the pool's, at least
  proxy.down();
  // The worker tries the database again while it is away, each try after a timer (the gate's
  // probe every 500 ms, LISTEN every second, the poll every second): four tries are the worker
  // still running through those timers without a database, where it used to end at once.
  const tried = proxy.refused();
  await eventually(() => proxy.refused() >= tried + 4 || !running(worker!), { what: 'the worker trying the database while it is away', timeoutMs: 20_000 });
  expect(running(worker)).toBe(true);
  await proxy.up();

  for (let i = 0; i < 20; i++) expect((await s.api('POST', '/v1/events', { event: 'flow_completed', id: `after-cut-${i}`, chatflowId: 'cf' })).status).toBe(202);
  await eventually(() => rx!.received.length === 21, { what: 'the events after the cut delivered', timeoutMs: 10_000 });
  expect(await exitOf(worker, 'SIGTERM')).toEqual({ code: 0, signal: null });
});
