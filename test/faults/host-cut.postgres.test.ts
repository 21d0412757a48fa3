// Many hosts, one PostgreSQL (issue 26), with real network between them: three hosts made of
// network namespaces joined to this one by veth pairs (test/helpers/netns.ts) — one runs `api`,
// two run a `worker` each — reaching PostgreSQL (on loopback here) through a TCP forwarder on the
// hub address, and the receiver there too. Mid-stream, one worker host's link goes down for
// longer than the lease, then comes back: its TCP connections (to the database, to the receiver)
// stay open and stall, as in a real partition. The other worker takes its deliveries over once
// their leases run out; what the cut host writes once it is back is fenced. Checked as in
// lease-stall: nothing accepted lost, no delivery whose receiver answered 2xx last ends `pending`
// or `failed`, no webhook disabled, attempt numbers unique, every duplicate one of the cut host's.
// The webhook URL is a private address, allowed as an operator would: FORJINN_ALLOW_PRIVATE off,
// FORJINN_ALLOWED_CIDRS naming the receiver's /32. Traffic stays on loopback and on the
// 10.201.K.x/30 pairs this file makes; everything it made is removed in afterAll, and checked.
// Needs root and iproute2 (CI runs as root), and DATABASE_URL.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { dropTestData, testEnv } from '../helpers/service.js';
import { spawnService, type Child } from '../helpers/child.js';
import { COMPILED_BIN } from '../helpers/bin.js';
import { forward, leftovers, makeHosts, type Forwarder, type Hosts } from '../helpers/netns.js';
import { ANSWER_MS, apiOf, schemaClient, startSlowReceiver, takeoverRun, takeoverSettings, type TakeoverRig } from '../helpers/takeover.js';

const env = testEnv({
  ...takeoverSettings(),
  // The service's own default, as an operator runs it (testEnv's 30 s is for the embedded database under the suite's load).
  FORJINN_DB_STATEMENT_TIMEOUT_MS: '5000',
  FORJINN_ALLOW_PRIVATE: 'false',
});
const children: Child[] = [];
const rig = { label: 'host-cut', workers: [] as Child[] } as TakeoverRig;
let net: Hosts | undefined;
let pgForward: Forwarder | undefined;

beforeAll(async () => {
  net = makeHosts(['api', 'w1', 'w2']);
  pgForward = await forward(net.hub, { host: '127.0.0.1', port: Number(new URL(env.DATABASE_URL).port || 5432) });
  rig.rx = await startSlowReceiver(net.hub, ANSWER_MS);
  const dbUrl = new URL(env.DATABASE_URL);
  dbUrl.hostname = net.hub;
  dbUrl.port = String(pgForward.port);
  // Each process on its host, listening on the host's address, reaching the database through the
  // forwarder and the receiver, the one private address it may send to.
  const on = (host: string, command: string, waitFor: RegExp, extra: Record<string, string> = {}) =>
    spawnService(
      command,
      { ...env, DATABASE_URL: dbUrl.toString(), HOST: net!.hosts[host].addr, FORJINN_ALLOWED_CIDRS: `${net!.hub}/32`, ...extra },
      { waitFor, logFile: command === 'worker', run: [...net!.exec(host), process.execPath, COMPILED_BIN] },
    );
  const api = await on('api', 'api', /fjk_\S+\n/, { LOG_LEVEL: 'warn' });
  children.push(api);
  rig.api = apiOf(api.url!, api.key!);
  for (const host of ['w1', 'w2']) rig.workers.push(await on(host, 'worker', /worker metrics: http/));
  children.push(...rig.workers);
  rig.db = await schemaClient(env); // the test's own view of the database, on loopback
}, 60_000);

afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await rig.rx?.close();
  await pgForward?.close();
  await rig.db?.end();
  net?.remove();
  await dropTestData(env);
  // Nothing of ours left: the kernel takes a veth away with its namespace, not always at once.
  const deadline = Date.now() + 5_000;
  while (leftovers().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(leftovers()).toEqual([]);
});

const cutRun = (name: string, rate: number, victim: number, hook?: Record<string, unknown>) =>
  takeoverRun(rig, { name, rate, victim, hook, away: () => net!.cut(`w${victim + 1}`), back: () => net!.restore(`w${victim + 1}`) });

test('hosts on veth pairs: the receiver on the hub, each worker on its own host address', () => {
  expect(new URL(rig.rx.url).hostname).toBe(net!.hub);
  expect(rig.workers.map((w) => new URL(w.metricsUrl!).hostname)).toEqual([net!.hosts.w1.addr, net!.hosts.w2.addr]);
});

test("40 events/s, one worker host's link down past its lease and back: nothing lost, its late results fenced", async () => {
  await cutRun('40', 40, 0);
  // Both hosts delivered, each from its own address, over its own link.
  expect(new Set(rig.rx.sent.map((s) => s.from))).toEqual(new Set([net!.hosts.w1.addr, net!.hosts.w2.addr]));
}, 40_000);

test('maxAttempts 1 at 15 events/s, the other host cut: no delivery ends failed that its receiver accepted', () => cutRun('once', 15, 1, { maxAttempts: 1 }), 40_000);
