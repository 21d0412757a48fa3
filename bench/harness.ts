// What every scenario needs: a service process (PostgreSQL or embedded), a receiver that answers
// 204 and notes when each event arrived, a load generator, and the raw ceiling.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Pool, request } from 'undici';
import pg from 'pg';

const BIN = fileURLToPath(new URL('../bin/forjinn-webhooks.js', import.meta.url));
export const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Service {
  url: string;
  key: string;
  proc: ChildProcess;
  env: Record<string, string>;
  /** The process's peak resident memory so far (the kernel's high-water mark, VmHWM). */
  peakRssMb: () => number;
  /** Its resident memory now (VmRSS). */
  rssMb: () => number;
  stop(): Promise<void>;
}

/** What the load generator needs of a service: its URL and API key (a peer build takes the same requests, bench/peers.ts). */
export type Endpoint = Pick<Service, 'url' | 'key'>;

/** Every service and worker process a scenario started, with its peak RSS: run.ts prints them. */
const started: Array<{ label: string; peakRssMb: () => number }> = [];
export function takeStartedProcesses(): Array<{ label: string; peakMb: number }> {
  return started.splice(0).map((p) => ({ label: p.label, peakMb: p.peakRssMb() }));
}

function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined; // gone
  }
}

/**
 * Peak RSS of a process (Linux): the kernel's high-water mark (VmHWM), so a peak between two
 * readings is not missed; read every 100 ms and on stop, the last reading stands once it is gone.
 */
export function rssSampler(pid: number, label: string) {
  let peak = 0;
  const read = () => {
    const hwm = procStatusMb(pid, 'VmHWM');
    if (hwm !== undefined) peak = Math.max(peak, hwm);
    return peak;
  };
  read();
  const t = setInterval(read, 100);
  t.unref();
  const sampler = { peak: read, now: () => procStatusMb(pid, 'VmRSS') ?? 0, stop: () => (read(), clearInterval(t)) };
  started.push({ label, peakRssMb: read });
  return sampler;
}

/** A `worker` process on the same database as `svc`. */
export async function startWorker(svc: Service): Promise<{ peakRssMb: () => number; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, [BIN, 'worker'], { env: svc.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 120_000);
    proc.stdout!.on('data', () => /worker running/.test(out) && (clearTimeout(t), resolve()));
    proc.once('exit', (c) => reject(new Error(`worker exited ${c}:\n${out}`)));
  });
  const rss = rssSampler(proc.pid!, `worker (${svc.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`);
  return {
    peakRssMb: rss.peak,
    stop: () =>
      new Promise<void>((r) => {
        rss.stop();
        if (proc.exitCode !== null) return r();
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      }),
  };
}

/**
 * `dataDir`: use (and keep) this DATA_DIR, for a restart on an existing embedded database; such a
 * start prints no bootstrap key, so it is ready at "delivery worker running" and `key` is empty.
 */
export async function startService(opts: { embedded?: boolean; env?: Record<string, string>; role?: string; dataDir?: string } = {}): Promise<Service> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'fjw-bench-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    PORT: '0',
    FORJINN_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    FORJINN_MASTER_KEY: randomBytes(32).toString('base64'),
    FORJINN_CONCURRENCY: '256',
    FORJINN_ENDPOINT_CONCURRENCY: '128',
    FORJINN_POLL_INTERVAL_MS: '200',
    ...(opts.embedded ? {} : { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: '20' }),
    ...opts.env,
  };
  // BENCH_PROFILE=<dir>: write a CPU profile of the service (node --cpu-prof) when it stops.
  const prof = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const proc = spawn(process.execPath, [...prof, BIN, opts.role ?? 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`service did not start:\n${out}`)), 120_000);
    const ready = opts.dataDir ? /delivery worker running/ : /fjk_\S+\n/;
    const check = () => ready.test(out) && (clearTimeout(t), resolve());
    proc.stdout!.on('data', check);
    proc.once('exit', (c) => reject(new Error(`service exited ${c}:\n${out}`)));
  });
  const rss = rssSampler(proc.pid!, `${opts.role ?? 'serve'} (${opts.embedded ? 'embedded' : 'PostgreSQL'})`);
  return {
    url: /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? '',
    key: /\n\s+(fjk_\S+)\n/.exec(out)?.[1] ?? '',
    proc,
    env,
    peakRssMb: rss.peak,
    rssMb: rss.now,
    async stop() {
      rss.stop();
      await new Promise<void>((r) => {
        if (proc.exitCode !== null) return r();
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      });
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (!opts.embedded) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema if exists ${env.DATABASE_SCHEMA} cascade`);
        await c.end();
      }
    },
  };
}

export interface Receiver {
  url: string;
  /** event id → arrival time (ms, performance.now()) of its first delivery. */
  arrivals: Map<string, number>;
  count: () => number;
  onCount(n: number): Promise<void>;
  close(): Promise<void>;
}

/** Answers 204 at once (or after `delayMs` for paths starting with /slow). */
export async function startReceiver(delayMs = 0): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  let count = 0;
  const waiters: Array<{ n: number; done: () => void }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      const answer = () => res.writeHead(204).end();
      if (req.url?.startsWith('/slow')) return void setTimeout(answer, delayMs);
      answer();
      count++;
      const m = /"id":"([^"]+)"/.exec(Buffer.concat(chunks).toString('utf8'));
      if (m && !arrivals.has(m[1])) arrivals.set(m[1], now);
      for (const w of waiters.filter((x) => count >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    count: () => count,
    onCount: (n) => (count >= n ? Promise.resolve() : new Promise((done) => waiters.push({ n, done }))),
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

export async function api(svc: Endpoint, method: string, path: string, body?: unknown) {
  const res = await request(`${svc.url}${path}`, {
    method: method as 'POST',
    headers: { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export function event(i: number, run: string, chatflowEvery = 0) {
  return JSON.stringify({
    event: 'flow_completed',
    id: `${run}-${i}`,
    chatflowId: chatflowEvery && i % chatflowEvery === 0 ? 'cf-slow' : '3f1c2a9e-4b6d-4e8f-9a7b-2c1d0e9f8a7b',
    chatflowName: 'Support triage',
    user: 'alice@company.com',
    input: 'Summarise ticket 4211 and suggest a reply',
    output: 'The customer cannot export invoices since the 2.3 upgrade. Suggested reply: apologise, confirm the known bug, share the CSV workaround.',
    meta: { duration_ms: 1523, token_usage: 320 },
  });
}

/**
 * Posts `total` events, one per request, over `connections` keep-alive connections; optionally
 * paced to `ratePerSec`. Returns when every request was answered 202, with each 202's time.
 */
export async function pushEvents(svc: Endpoint, total: number, run: string, opts: { connections?: number; ratePerSec?: number; chatflowEvery?: number } = {}) {
  const pool = new Pool(svc.url, { connections: opts.connections ?? 32, pipelining: 1 });
  const accepted = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  const headers = { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json' };
  const workerLoop = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      if (opts.ratePerSec) {
        const due = started + (i * 1000) / opts.ratePerSec;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const res = await pool.request({ path: '/v1/events', method: 'POST', headers, body: event(i, run, opts.chatflowEvery) });
      await res.body.dump();
      if (res.statusCode !== 202) throw new Error(`ingest answered ${res.statusCode}`);
      accepted.set(`${run}-${i}`, performance.now());
    }
  };
  await Promise.all(Array.from({ length: opts.connections ?? 32 }, workerLoop));
  await pool.close();
  return { accepted, seconds: (performance.now() - started) / 1000 };
}

/** Posts `total` events in batches of `size` per POST /v1/events/batch, over `connections` connections. */
export async function pushBatches(svc: Service, total: number, run: string, size: number, connections: number) {
  const pool = new Pool(svc.url, { connections, pipelining: 1 });
  const headers = { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json' };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (;;) {
        const from = next;
        next += size;
        if (from >= total) return;
        const body = `{"events":[${Array.from({ length: Math.min(size, total - from) }, (_, k) => event(from + k, run)).join(',')}]}`;
        const res = await pool.request({ path: '/v1/events/batch', method: 'POST', headers, body });
        const out = (await res.body.json()) as { accepted: number };
        if (res.statusCode !== 200 || out.accepted !== Math.min(size, total - from)) throw new Error(`batch answered ${res.statusCode} ${JSON.stringify(out).slice(0, 200)}`);
      }
    }),
  );
  await pool.close();
  return { seconds: (performance.now() - started) / 1000 };
}

/** The same receiver hit directly with undici at the same concurrency: what the hardware allows. */
export async function rawCeiling(rx: Receiver, total: number, concurrency: number): Promise<number> {
  const pool = new Pool(rx.url, { connections: concurrency, pipelining: 1 });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const res = await pool.request({ path: '/raw', method: 'POST', headers: { 'content-type': 'application/json' }, body: event(i, 'raw') });
        await res.body.dump();
      }
    }),
  );
  await pool.close();
  return total / ((performance.now() - t0) / 1000);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function latencies(accepted: Map<string, number>, arrivals: Map<string, number>): number[] {
  const out: number[] = [];
  for (const [id, at] of accepted) {
    const got = arrivals.get(id);
    if (got !== undefined) out.push(Math.max(0, got - at));
  }
  return out.sort((a, b) => a - b);
}
