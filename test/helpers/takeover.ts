// One worker taken away under a steady stream of events, past its lease, and given back (issue
// 26): what the fault tests lease-stall (SIGSTOP) and host-cut (a network namespace's link down)
// share. A receiver that answers 200 a little before the delivery timeout, a paced stream of
// events, what the stopped worker held leased at the stop (read from the database, as
// worker-kill does), and the settled checks: nothing lost, no stored status that contradicts the
// receiver's last answer, no webhook disabled, attempt numbers unique, every duplicate one of
// the deliveries the stopped worker held.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '@jest/globals';
import pg from 'pg';
import { eventually } from './eventually.js';
import { metricValue } from './metrics.js';
import type { Child } from './child.js';

/**
 * The timings of both fault tests: the shortest lease a 1.5 s delivery timeout allows (lease >=
 * timeout + 1 s, src/core/config.ts), a receiver answering in 1 s (every request open a while,
 * none timing out), a worker away for 4 s (past its lease, with room for the other's claim) in a
 * 6.5 s stream.
 */
export const LEASE_MS = 2_500;
export const TIMEOUT_MS = 1_500;
export const ANSWER_MS = 1_000;
export const AWAY_MS = LEASE_MS + 1_500;
const STREAM_MS = 6_500;

/** The service settings of both fault tests (for testEnv). */
export function takeoverSettings(): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    FORJINN_LEASE_MS: String(LEASE_MS),
    FORJINN_DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS),
    // One endpoint at 40/s answering in 1 s: 40 requests open at once, more than the default 16 a
    // worker opens to one endpoint; the stall is the subject here, not a backlog.
    FORJINN_ENDPOINT_CONCURRENCY: '64',
    FORJINN_POLL_INTERVAL_MS: '100',
  };
}

export interface Sent {
  deliveryId: string;
  eventId: string;
  /** The peer's address: which host sent it, when hosts are network namespaces. */
  from: string;
  at: number;
  /** The status the receiver wrote, once it did (undefined: the sender hung up first). */
  answered?: number;
}

export interface SlowReceiver {
  url: string;
  sent: Sent[];
  close(): Promise<void>;
}

/** Answers every request 200 after `delayMs`, on `host` (loopback or a test namespace's address). */
export async function startSlowReceiver(host: string, delayMs: number): Promise<SlowReceiver> {
  const sent: Sent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let eventId = '';
      try {
        eventId = String(JSON.parse(Buffer.concat(chunks).toString('utf8')).id);
      } catch {
        /* not an event: kept with an empty id */
      }
      const s: Sent = { deliveryId: String(req.headers['x-forjinn-delivery'] ?? ''), eventId, from: req.socket.remoteAddress ?? '', at: Date.now() };
      sent.push(s);
      setTimeout(() => {
        if (req.socket.destroyed) return; // the sender gave up (its timeout): never answered
        s.answered = 200;
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }, delayMs);
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

export function apiOf(url: string, key: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/**
 * `total` events at `rate` per second, each posted when it is due without waiting for the one
 * before (a steady producer, not one that slows down with the service). Answers the ids
 * accepted (202) and the count of every status (-1: no answer at all).
 */
export async function paced(api: Api, prefix: string, rate: number, total: number): Promise<{ accepted: string[]; statuses: Record<string, number> }> {
  const accepted: string[] = [];
  const statuses: Record<string, number> = {};
  const start = Date.now();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const id = `${prefix}-${i}`;
    posts.push(
      api('POST', '/v1/events', { event: 'flow_completed', id, chatflowId: 'cf' }).then(
        ({ status }) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 202) accepted.push(id);
        },
        () => {
          statuses[-1] = (statuses[-1] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(posts);
  return { accepted, statuses };
}

/** A client on the service's schema of the test's PostgreSQL (reached directly, on loopback). */
export async function schemaClient(env: Record<string, string>): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: env.DATABASE_URL });
  c.on('error', () => {});
  await c.connect();
  await c.query(`set search_path to ${env.DATABASE_SCHEMA}`);
  return c;
}

/**
 * The deliveries of `webhookId` leased to the worker process `pid` (its lease tokens are
 * `host:pid:…/n`): requests on the wire, answers whose result is not committed, rows claimed
 * and waiting. Read right after the stop, it is what that worker had in flight.
 */
export async function leasedTo(db: pg.Client, webhookId: string, pid: number): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `select id from deliveries where webhook_id = $1 and status = 'pending' and locked_by like $2 and locked_until > now()`,
    [webhookId, `%:${pid}:%`],
  );
  return new Set(rows.map((r) => r.id));
}

export interface Outcome {
  accepted: number;
  deliveries: number;
  delivered: number;
  requests: number;
  duplicates: number;
  inFlight: number;
  staleResults: number;
  takeoverMs: number;
  allTakenOverMs: number;
}

/**
 * Waits until all is settled (every accepted event at the receiver, no delivery pending, every
 * request the receiver saw stored as an attempt, late ones included), then checks it and answers
 * the numbers. `stoppedAt`: when the worker was taken away; `inFlight`: what it held then.
 */
export async function settleAndCheck(o: {
  api: Api;
  webhookId: string;
  rx: SlowReceiver;
  prefix: string;
  accepted: string[];
  inFlight: Set<string>;
  stoppedAt: number;
  /** Every worker's metrics address: forjinn_stale_results_total is counted where the late result was written. */
  metricsUrls: string[];
  staleBefore: number;
}): Promise<Outcome> {
  const mine = () => o.rx.sent.filter((s) => s.eventId.startsWith(`${o.prefix}-`));
  const lost = () => {
    const seen = new Set(mine().map((s) => s.eventId));
    return o.accepted.filter((id) => !seen.has(id));
  };
  await eventually(() => lost().length === 0, { what: 'every accepted event at the receiver', timeoutMs: 20_000 });
  await eventually(async () => (await o.api('GET', `/v1/webhooks/${o.webhookId}/deliveries?status=pending&limit=1`)).body.data.length === 0, {
    what: 'no delivery pending',
    timeoutMs: 20_000,
    intervalMs: 100,
  });
  const ids: string[] = [];
  for (let cursor: string | null = null; ; ) {
    const page: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await o.api(
      'GET',
      `/v1/webhooks/${o.webhookId}/deliveries?limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    ids.push(...page.body.data.map((d) => d.id));
    cursor = page.body.nextCursor;
    if (!cursor) break;
  }
  const byDelivery = new Map<string, Sent[]>();
  for (const s of mine()) byDelivery.set(s.deliveryId, [...(byDelivery.get(s.deliveryId) ?? []), s]);
  type Shown = { status: string; attempts: Array<{ attempt: number; responseStatus: number | null; late: boolean }> };
  const shown = new Map<string, Shown>();
  const read = async (id: string) => {
    const d = await o.api('GET', `/v1/deliveries/${id}`);
    expect(d.status).toBe(200);
    shown.set(id, d.body as Shown);
    return d.body as Shown;
  };
  // A late result (the resumed worker's) is stored once it gets through: wait for every request
  // the receiver saw to be an attempt in the log before judging.
  const unsettled = async () => {
    const left: string[] = [];
    for (let i = 0; i < ids.length; i += 16) {
      await Promise.all(
        ids.slice(i, i + 16).map(async (id) => {
          if ((await read(id)).attempts.length < (byDelivery.get(id)?.length ?? 0)) left.push(id);
        }),
      );
    }
    return left;
  };
  await eventually(async () => (await unsettled()).length === 0, { what: 'every request stored as an attempt (late ones too)', timeoutMs: 15_000, intervalMs: 200 });

  const contradicted: unknown[] = [];
  const repeated: unknown[] = [];
  for (const id of ids) {
    const d = shown.get(id)!;
    const last = byDelivery.get(id)?.at(-1);
    if (last?.answered && last.answered < 300 && d.status !== 'succeeded') contradicted.push({ id, status: d.status, attempts: d.attempts, sent: byDelivery.get(id) });
    const numbers = d.attempts.map((t) => t.attempt);
    if (new Set(numbers).size !== numbers.length) repeated.push({ id, attempts: d.attempts });
  }
  const duplicated = [...byDelivery].filter(([, s]) => s.length > 1).map(([id]) => id);
  // Taken over: the first request for a delivery the stopped worker held, after the stop.
  const takeovers = [...o.inFlight].map((id) => byDelivery.get(id)?.find((s) => s.at > o.stoppedAt)?.at).filter((t): t is number => t !== undefined);
  let stale = 0;
  for (const u of o.metricsUrls) stale += await metricValue(u, 'forjinn_stale_results_total');
  const hook = await o.api('GET', `/v1/webhooks/${o.webhookId}`);

  expect(lost()).toEqual([]);
  expect(contradicted).toEqual([]);
  expect(repeated).toEqual([]);
  expect([hook.body.enabled, hook.body.disabledReason ?? null]).toEqual([true, null]);
  expect(ids.length).toBe(o.accepted.length);
  // Every duplicate is a delivery the stopped worker held, sent at most once more.
  expect(duplicated.filter((id) => !o.inFlight.has(id))).toEqual([]);
  expect(duplicated.filter((id) => byDelivery.get(id)!.length > 2)).toEqual([]);
  return {
    accepted: o.accepted.length,
    deliveries: ids.length,
    delivered: byDelivery.size,
    requests: mine().length,
    duplicates: duplicated.length,
    inFlight: o.inFlight.size,
    staleResults: stale - o.staleBefore,
    takeoverMs: takeovers.length ? Math.min(...takeovers) - o.stoppedAt : NaN,
    allTakenOverMs: takeovers.length ? Math.max(...takeovers) - o.stoppedAt : NaN,
  };
}

/** Sum of a counter over every worker's /metrics. */
export async function summed(urls: string[], name: string): Promise<number> {
  let n = 0;
  for (const u of urls) n += await metricValue(u, name);
  return n;
}

/** What a file's runs share: its processes, receiver and database client, set in its beforeAll. */
export interface TakeoverRig {
  /** Printed first on each run's line, and the prefix of its event ids. */
  label: string;
  api: Api;
  rx: SlowReceiver;
  db: pg.Client;
  workers: Child[];
}

/**
 * One run: a webhook of its own, `rate` events/s for STREAM_MS; once a second of them has reached
 * the receiver and worker `victim` holds deliveries, `away` takes it away (SIGSTOP, a cut link)
 * for AWAY_MS (the scenario itself: past the lease) and `back` gives it back; then all is settled
 * and checked (settleAndCheck). Prints one JSON line with the numbers.
 */
export async function takeoverRun(
  rig: TakeoverRig,
  run: { name: string; rate: number; victim: number; away(): void; back(): void; hook?: Record<string, unknown> },
): Promise<Outcome> {
  const o = { ...rig, ...run, workers: rig.workers.map((w) => ({ pid: w.proc.pid!, metricsUrl: w.metricsUrl! })) };
  const prefix = `${o.label}-${o.name}`;
  const hook = await o.api('POST', '/v1/webhooks', { url: `${o.rx.url}/${prefix}`, events: ['*'], ...o.hook });
  expect(hook.status).toBe(201);
  const metricsUrls = o.workers.map((w) => w.metricsUrl);
  const staleBefore = await summed(metricsUrls, 'forjinn_stale_results_total');
  try {
    const started = Date.now();
    const stream = paced(o.api, prefix, o.rate, Math.round((o.rate * STREAM_MS) / 1000));
    const pid = o.workers[o.victim].pid;
    // Mid-stream, once a second of it has reached the receiver (both workers at their steady
    // share), with requests of the victim's on the wire.
    await eventually(() => o.rx.sent.filter((s) => s.eventId.startsWith(`${prefix}-`)).length >= o.rate, { what: 'a second of the stream delivered' });
    await eventually(async () => (await leasedTo(o.db, hook.body.id, pid)).size >= 3, { what: 'the victim holding deliveries', intervalMs: 50 });
    const stoppedAt = Date.now();
    o.away();
    let inFlight: Set<string>;
    try {
      inFlight = await leasedTo(o.db, hook.body.id, pid);
      // The scenario itself, not a wait for something: the victim's leases run out while it is away.
      await new Promise((r) => setTimeout(r, AWAY_MS));
    } finally {
      o.back();
    }
    const { accepted, statuses } = await stream;
    expect(statuses).toEqual({ 202: accepted.length });
    const out = await settleAndCheck({ api: o.api, webhookId: hook.body.id, rx: o.rx, prefix, accepted, inFlight, stoppedAt, metricsUrls, staleBefore });
    expect(out.inFlight).toBeGreaterThan(0);
    // The late results the victim wrote once back: fenced, at least one per delivery taken over
    // and sent again, at most one per delivery it held.
    expect(out.staleResults).toBeGreaterThanOrEqual(out.duplicates);
    expect(out.staleResults).toBeLessThanOrEqual(out.inFlight);
    process.stdout.write(`${o.label} ${JSON.stringify({ run: o.name, rate: o.rate, ...o.hook, awayMs: AWAY_MS, leaseMs: LEASE_MS, ...out, runMs: Date.now() - started })}\n`);
    return out;
  } finally {
    await o.api('DELETE', `/v1/webhooks/${hook.body.id}`);
  }
}
