// Issue 26's operator runs, as a fault test: `api` and two `worker` processes on PostgreSQL with a
// short lease, a receiver answering 200 a little before the delivery timeout, a steady stream of
// events, and one worker stopped (SIGSTOP) past its lease, then continued (SIGCONT) — a pause, a
// long GC, a VM migration. The other worker takes the stopped one's deliveries over once their
// lease has run out; the resumed worker's results (its requests timed out, their 200s unread)
// come late and are fenced: stored as late attempts, changing nothing. At 15 and 40 events/s,
// and with `maxAttempts: 1` (where a counted late failure would end a delivery `failed` that its
// receiver accepted): nothing accepted is lost, no delivery whose receiver answered 2xx last ends
// `pending` or `failed`, no webhook is disabled, attempt numbers never repeat within a delivery,
// and every duplicate is one of the deliveries the stopped worker held. The numbers are printed
// (one JSON line per run) for docs/operations.md. Needs DATABASE_URL: several processes, one server.
import { afterAll, beforeAll, test } from '@jest/globals';
import type pg from 'pg';
import { dropTestData, testEnv } from '../helpers/service.js';
import { spawnService, type Child } from '../helpers/child.js';
import { apiOf, schemaClient, startSlowReceiver, takeoverRun, type Api, type SlowReceiver } from '../helpers/takeover.js';

const LEASE_MS = 2_500; // the shortest a 1.5 s timeout allows: lease >= timeout + 1 s (src/core/config.ts)
const TIMEOUT_MS = 1_500;
const ANSWER_MS = 1_000; // the receiver's delay: every request is still open a while, and none times out
const STOP_MS = LEASE_MS + 1_500; // past the lease, with room for the other worker's claim
const STREAM_MS = 6_500;

const env = testEnv({
  LOG_LEVEL: 'info',
  FORJINN_LEASE_MS: String(LEASE_MS),
  FORJINN_DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS),
  // One endpoint at 40/s answering in 1 s: 40 requests open at once, more than the default 16 a
  // worker opens to one endpoint; the stall is the subject here, not a backlog.
  FORJINN_ENDPOINT_CONCURRENCY: '64',
  FORJINN_POLL_INTERVAL_MS: '100',
});
const children: Child[] = [];
let workers: Child[] = [];
let rx: SlowReceiver | undefined;
let db: pg.Client | undefined;
let api: Api;

beforeAll(async () => {
  rx = await startSlowReceiver('127.0.0.1', ANSWER_MS);
  const apiProc = await spawnService('api', { ...env, LOG_LEVEL: 'warn' }, { waitFor: /fjk_\S+\n/ });
  children.push(apiProc);
  api = apiOf(apiProc.url!, apiProc.key!);
  // Output to files, as an operator runs them (see split-roles-restart).
  workers = [
    await spawnService('worker', env, { waitFor: /worker metrics: http/, logFile: true }),
    await spawnService('worker', env, { waitFor: /worker metrics: http/, logFile: true }),
  ];
  children.push(...workers);
  db = await schemaClient(env);
}, 60_000);

afterAll(async () => {
  for (const w of workers) if (w.proc.pid && w.proc.exitCode === null) w.proc.kill('SIGCONT');
  for (const c of children) await c.kill('SIGKILL');
  await rx?.close();
  await db?.end();
  await dropTestData(env);
});

const stallRun = (name: string, rate: number, victim: number, hook?: Record<string, unknown>) =>
  takeoverRun({
    label: 'lease-stall',
    api,
    rx: rx!,
    db: db!,
    workers: workers.map((w) => ({ pid: w.proc.pid!, metricsUrl: w.metricsUrl! })),
    victim,
    name,
    rate,
    streamMs: STREAM_MS,
    awayMs: STOP_MS,
    away: () => process.kill(workers[victim].proc.pid!, 'SIGSTOP'),
    back: () => process.kill(workers[victim].proc.pid!, 'SIGCONT'),
    hook,
    extra: { leaseMs: LEASE_MS },
  });

test('15 events/s, one worker SIGSTOPped past its lease and continued: nothing lost, late results fenced', () => stallRun('15', 15, 0), 40_000);

test('40 events/s, the same: no webhook disabled, nothing accepted left unsent', () => stallRun('40', 40, 1), 40_000);

test('maxAttempts 1 at 15 events/s: no delivery ends failed that its receiver accepted', () => stallRun('once', 15, 0, { maxAttempts: 1 }), 40_000);
