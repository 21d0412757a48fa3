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
import { dropTestData, testEnv } from '../helpers/service.js';
import { spawnService, type Child } from '../helpers/child.js';
import { ANSWER_MS, apiOf, schemaClient, startSlowReceiver, takeoverRun, takeoverSettings, type TakeoverRig } from '../helpers/takeover.js';

const env = testEnv(takeoverSettings());
const children: Child[] = [];
const rig = { label: 'lease-stall', workers: [] as Child[] } as TakeoverRig;

beforeAll(async () => {
  rig.rx = await startSlowReceiver('127.0.0.1', ANSWER_MS);
  const api = await spawnService('api', { ...env, LOG_LEVEL: 'warn' }, { waitFor: /fjk_\S+\n/ });
  children.push(api);
  rig.api = apiOf(api.url!, api.key!);
  // Output to files, as an operator runs them (see split-roles-restart).
  for (let i = 0; i < 2; i++) rig.workers.push(await spawnService('worker', env, { waitFor: /worker metrics: http/, logFile: true }));
  children.push(...rig.workers);
  rig.db = await schemaClient(env);
}, 60_000);

afterAll(async () => {
  for (const w of rig.workers) if (w.proc.exitCode === null) w.proc.kill('SIGCONT');
  for (const c of children) await c.kill('SIGKILL');
  await rig.rx?.close();
  await rig.db?.end();
  await dropTestData(env);
});

const stallRun = (name: string, rate: number, victim: number, hook?: Record<string, unknown>) =>
  takeoverRun(rig, {
    name,
    rate,
    victim,
    hook,
    away: () => rig.workers[victim].proc.kill('SIGSTOP'),
    back: () => rig.workers[victim].proc.kill('SIGCONT'),
  });

test('15 events/s, one worker SIGSTOPped past its lease and continued: nothing lost, late results fenced', () => stallRun('15', 15, 0), 40_000);

test('40 events/s, the same: no webhook disabled, nothing accepted left unsent', () => stallRun('40', 40, 1), 40_000);

test('maxAttempts 1 at 15 events/s: no delivery ends failed that its receiver accepted', () => stallRun('once', 15, 0, { maxAttempts: 1 }), 40_000);
