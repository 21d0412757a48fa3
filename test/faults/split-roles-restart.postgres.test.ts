// `api` and two `worker` processes while PostgreSQL restarts (`restart -m fast`) under load, as
// an operator would run it. Every process is still running afterwards (the workers used to end
// with code 0 at once, and 202s then stayed pending for good), every event answered 202 reaches
// the receiver, and SIGTERM then ends each with code 0 and no signal. Needs DATABASE_URL: on the
// embedded database there is no server to restart.
import { afterAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { dropTestData, testEnv } from '../helpers/service.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/eventually.js';
import { exitOf, running, spawnService, type Child } from '../helpers/child.js';
import { clusterOf, restartCluster, startCluster, type Cluster } from '../helpers/pg-cluster.js';

const env = testEnv({
  LOG_LEVEL: 'warn',
  FORJINN_LEASE_MS: '5000',
  FORJINN_DELIVERY_TIMEOUT_MS: '3000',
  // A poll now and then, as in production: after the restart the workers find new work through
  // LISTEN again, or a poll, both of which need the process to be there.
  FORJINN_POLL_INTERVAL_MS: '500',
});
const children: Child[] = [];
let cluster: Cluster | undefined;
let rx: Receiver | undefined;
/** Connections LISTENing for new deliveries: the workers' (only a worker listens). */
async function listening(): Promise<number> {
  const c = new pg.Client({ connectionString: env.DATABASE_URL });
  c.on('error', () => {});
  await c.connect();
  try {
    return (await c.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where query = 'listen forjinn_deliveries'`)).rows[0].n;
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  if (cluster) await startCluster(cluster); // whatever happened, leave the server running
  for (const c of children) await c.kill('SIGKILL');
  await rx?.close();
  await dropTestData(env);
});

test('api + 2 workers: PostgreSQL restarted under load, every 202 delivered, no process gone', async () => {
  cluster = clusterOf(env.DATABASE_URL);
  // Connection: close, as many receivers answer: no keep-alive socket to it holds a worker open.
  rx = await startReceiver((_req, _n, res) => res.writeHead(200, { connection: 'close' }).end('ok'));
  const api = await spawnService('api', env, { waitFor: /fjk_\S+\n/ });
  children.push(api);
  // Output to files, as an operator runs them: a pipe to this process would hold a worker's event
  // loop open by itself and hide a worker that has nothing left to wait for.
  const spawnWorker = () => spawnService('worker', env, { waitFor: /delivery worker running/, logFile: true });
  const workers = [await spawnWorker(), await spawnWorker()];
  children.push(...workers);
  const post = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/v1/webhooks', { url: `${rx.url}/split`, events: ['*'] })).status).toBe(201);

  const accepted: string[] = [];
  const statuses = new Map<number, number>();
  let n = 0;
  let producing = true;
  const send = async (id: string) => {
    const status = await post('/v1/events', { event: 'flow_completed', id, chatflowId: 'cf' }).then(
      async (res) => (await res.arrayBuffer(), res.status),
      () => -1, // the api process not answering at all: counted, and failed below
    );
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status === 202) accepted.push(id);
  };
  const producer = async () => {
    while (producing) {
      await send(`split-${n++}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const delivered = () => new Set(rx!.received.map((r) => JSON.parse(r.body).id as string));
  const allDelivered = (what: string) => eventually(() => accepted.every((id) => delivered().has(id)), { what, timeoutMs: 30_000 });

  // Under load: requests on the wire, results being written, claims running.
  const producers = [producer(), producer(), producer()];
  await eventually(() => rx!.received.length >= 50, { what: 'deliveries before the restart' });
  await restartCluster(cluster);
  const before = accepted.length;
  // "Sends more events": 100 accepted after the server is back, as in the report.
  await eventually(() => accepted.length >= before + 100, { what: 'events accepted after the restart', timeoutMs: 20_000 });
  producing = false;
  await Promise.all(producers);
  await allDelivered('every accepted event delivered after the restart under load');
  expect(children.map(running)).toEqual([true, true, true]);

  // Idle: nothing in flight that would keep a worker's event loop busy through the restart.
  // Each worker sees its LISTEN connection go and takes it up again after a timer of a second:
  // both listening on the new server is both having lived through the restart and that second
  // with nothing to do (they used to end at once).
  const lost = (w: Child) => w.output().split('LISTEN connection lost').length - 1;
  const lostBefore = workers.map(lost);
  await restartCluster(cluster);
  const allRunning = () => children.every(running);
  await eventually(() => workers.every((w, i) => lost(w) > lostBefore[i]) || !allRunning(), { what: 'each worker noticing the restart', timeoutMs: 20_000 });
  await eventually(async () => (await listening()) >= 2 || !allRunning(), { what: 'both workers listening again', timeoutMs: 20_000 });
  expect(children.map(running)).toEqual([true, true, true]);
  for (let i = 0; i < 100; i++) await send(`idle-${i}`);
  await allDelivered('every event accepted after the idle restart delivered');

  expect([...statuses.keys()].filter((s) => s !== 202 && s !== 503)).toEqual([]);
  expect(accepted.filter((id) => id.startsWith('idle-'))).toHaveLength(100);
  expect(children.map(running)).toEqual([true, true, true]);
  for (const c of children) expect(await exitOf(c, 'SIGTERM')).toEqual({ code: 0, signal: null });
}, 90_000);
