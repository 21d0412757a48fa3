// npm run bench -- peers [--events N] (issue 28, item 1): the same delivery job as `serve` built the
// way a Node user would on BullMQ + Redis (with and without Redis's append-only file, with and
// without each attempt logged in PostgreSQL), on pg-boss and on graphile-worker (bench/peers/, their
// packages installed on demand into bench/peers/node_modules), each driven exactly as the
// throughput scenario drives `serve`: one webhook to a receiver answering 204, 500 events to warm
// up, then `events` events one per POST /v1/events over 64 connections, deliveries/s from the first
// POST to the last arrival. The raw ceiling is measured first, in the same run; each system gets a
// new PostgreSQL database, dropped after. Redis's appendonly and appendfsync are put back as found.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { api, latencies, percentile, PG_URL, pushEvents, rawCeiling, rssSampler, startReceiver, startService, type Endpoint, type Receiver } from './harness.js';
import type { Row } from './scenarios.js';

const PEERS = fileURLToPath(new URL('./peers/', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A system that has not delivered everything this long after its last 202 is reported as stalled. */
const DRAIN_TIMEOUT_MS = 300_000;

interface System {
  label: string;
  /** The peer's file in bench/peers/; absent: the service itself. */
  peer?: string;
  aof?: boolean;
  logAttempts: boolean;
}

const SYSTEMS: System[] = [
  { label: 'this service (serve)', logAttempts: true },
  { label: 'BullMQ + Redis, no AOF', peer: 'bullmq.ts', aof: false, logAttempts: false },
  { label: 'BullMQ + Redis, no AOF, attempts in PostgreSQL', peer: 'bullmq.ts', aof: false, logAttempts: true },
  { label: 'BullMQ + Redis, AOF everysec', peer: 'bullmq.ts', aof: true, logAttempts: false },
  { label: 'BullMQ + Redis, AOF everysec, attempts in PostgreSQL', peer: 'bullmq.ts', aof: true, logAttempts: true },
  { label: 'pg-boss', peer: 'pg-boss.ts', logAttempts: false },
  { label: 'graphile-worker', peer: 'graphile-worker.ts', logAttempts: false },
];

/** `npm ci` in bench/peers when its node_modules is missing or older than its lock file. */
function installPeers() {
  const installed = `${PEERS}node_modules/.package-lock.json`;
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(`${PEERS}package-lock.json`).mtimeMs) return;
  console.error('peers: installing bench/peers/package.json into bench/peers/node_modules');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEERS, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('peers: npm ci in bench/peers failed');
}

function redis(...args: string[]): string {
  return execFileSync('redis-cli', ['-u', REDIS_URL, ...args], { encoding: 'utf8' }).trim();
}
const redisConfig = (name: string) => redis('config', 'get', name).split('\n')[1] ?? '';

/** Turns the append-only file on (everysec) or off; on, waits for the rewrite that starts it. */
async function setAof(on: boolean) {
  if (on) redis('config', 'set', 'appendfsync', 'everysec');
  redis('config', 'set', 'appendonly', on ? 'yes' : 'no');
  for (let i = 0; on && i < 600; i++) {
    const info = redis('info', 'persistence');
    if (/aof_enabled:1/.test(info) && /aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (on) throw new Error('peers: Redis did not finish starting its append-only file within 60 s');
}

/** A new database on the PostgreSQL server of PG_URL for `fn`, dropped after. */
async function withDatabase<T>(label: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `bench_peers_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)}_${randomBytes(3).toString('hex')}`;
  const server = new URL(PG_URL);
  server.pathname = '/postgres';
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: server.toString() });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  try {
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin(`drop database if exists ${name} with (force)`);
  }
}

interface Peer extends Endpoint {
  settings: string;
  durability: string;
  stop(): Promise<void>;
}

/** Starts bench/peers/<file> (through tsx, as the bench itself runs) and waits for its `listening on`. */
async function startPeer(file: string, label: string, env: Record<string, string>): Promise<Peer> {
  const key = randomBytes(16).toString('hex');
  const proc = spawn(process.execPath, ['--import', 'tsx', `${PEERS}${file}`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PEER_API_KEY: key, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`peer ${file} did not start:\n${out}`)), 120_000);
    proc.stdout!.on('data', () => /listening on \S+\n/.test(out) && (clearTimeout(t), resolve()));
    proc.once('exit', (c) => reject(new Error(`peer ${file} exited ${c}:\n${out}`)));
  });
  const rss = rssSampler(proc.pid!, `peer: ${label}`);
  return {
    url: /listening on (\S+)\n/.exec(out)![1],
    key,
    settings: /settings: (.*)\n/.exec(out)?.[1] ?? '',
    durability: /durability: (.*)\n/.exec(out)?.[1] ?? '',
    stop: () =>
      new Promise<void>((r) => {
        rss.stop();
        if (proc.exitCode !== null) return r();
        const kill = setTimeout(() => proc.kill('SIGKILL'), 20_000);
        proc.once('exit', () => (clearTimeout(kill), r()));
        proc.kill('SIGTERM');
      }),
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(what)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** One webhook, 500 events to warm up, then `total` events over 64 connections: deliveries/s and p99 from 202 to arrival. */
async function measure(target: Endpoint, rx: Receiver, total: number, run: string) {
  await api(target, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'], secret: 'bench-secret-0123456789' });
  const warm = rx.count();
  await pushEvents(target, 500, `${run}-warm`);
  await within(rx.onCount(warm + 500), DRAIN_TIMEOUT_MS, `${run}: warm-up not delivered`);
  const base = rx.count();
  const t0 = performance.now();
  const { accepted } = await pushEvents(target, total, run, { connections: 64 });
  await within(rx.onCount(base + total), DRAIN_TIMEOUT_MS, `${run}: ${rx.count() - base} of ${total} delivered ${DRAIN_TIMEOUT_MS / 1000} s after the last 202`);
  const rate = total / ((performance.now() - t0) / 1000);
  return { rate, p99: percentile(latencies(accepted, rx.arrivals), 99) };
}

async function synchronousCommit(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ s: string }>('select current_setting($1) as s', ['synchronous_commit'])).rows[0].s;
  } finally {
    await c.end();
  }
}

export async function peersScenario({ events }: { events?: number }): Promise<Row[]> {
  const total = events ?? 20_000;
  installPeers();
  const found = { appendonly: redisConfig('appendonly'), appendfsync: redisConfig('appendfsync') };
  const rx = await startReceiver();
  const rows: Row[] = [];
  const settings: string[] = [];
  try {
    await rawCeiling(rx, 2_000, 128); // warms the receiver, the client and the JIT, as the systems' own 500 events do
    const ceiling = await rawCeiling(rx, Math.min(total, 20_000), 128);
    rows.push({ measure: 'raw ceiling: undici straight to the receiver, 128 connections', value: ceiling, unit: '/s' });
    // BENCH_PEERS=serve,pg-boss (names of bench/peers/ files, or serve): only those, while developing.
    const only = process.env.BENCH_PEERS?.split(',');
    for (const [i, sys] of SYSTEMS.entries()) {
      if (only && !only.includes(sys.peer?.replace(/\.ts$/, '') ?? 'serve')) continue;
      const run = `s${i}`;
      if (sys.aof !== undefined) await setAof(sys.aof);
      const result = await withDatabase(sys.peer ?? 'serve', async (url) => {
        if (!sys.peer) {
          const svc = await startService({ env: { DATABASE_URL: url } });
          try {
            const durability = `committed to PostgreSQL (synchronous_commit ${await synchronousCommit(url)}) before the 202`;
            settings.push(`${sys.label}: FORJINN_CONCURRENCY=${svc.env.FORJINN_CONCURRENCY}, FORJINN_ENDPOINT_CONCURRENCY=${svc.env.FORJINN_ENDPOINT_CONCURRENCY}, DATABASE_POOL_SIZE=${svc.env.DATABASE_POOL_SIZE}, as the throughput scenario; durability: ${durability}`);
            return { ...(await measure(svc, rx, total, run)), durability };
          } finally {
            await svc.stop();
          }
        }
        const peer = await startPeer(sys.peer, sys.label, {
          PEER_DATABASE_URL: url,
          PEER_REDIS_URL: REDIS_URL,
          PEER_REDIS_PREFIX: `bench-peers-${randomBytes(4).toString('hex')}`,
          PEER_LOG_ATTEMPTS: sys.logAttempts ? '1' : '0',
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => /^PEER_(WORKERS|BATCH|CONCURRENCY)$/.test(k))),
        });
        try {
          settings.push(`${sys.label}: ${peer.settings}; durability: ${peer.durability}`);
          return { ...(await measure(peer, rx, total, run)), durability: peer.durability };
        } finally {
          await peer.stop();
        }
      });
      rows.push({
        measure: sys.label,
        value: result.rate,
        unit: '/s',
        ceilingRatio: result.rate / ceiling,
        columns: {
          system: sys.label,
          'deliveries/s': result.rate.toFixed(0),
          'of raw ceiling': `${((result.rate / ceiling) * 100).toFixed(1)} %`,
          'p99 ingest → receiver': `${result.p99.toFixed(0)} ms`,
          'durability at accept': result.durability,
          'attempt logged': sys.logAttempts ? 'yes' : 'no',
        },
      });
    }
  } finally {
    redis('config', 'set', 'appendfsync', found.appendfsync);
    redis('config', 'set', 'appendonly', found.appendonly);
    await rx.close();
  }
  console.log(`\npeers: ${total} events each, one per POST /v1/events over 64 connections; raw ceiling ${rows[0].value.toFixed(0)} /s\n${settings.map((s) => `- ${s}`).join('\n')}`);
  return rows;
}
