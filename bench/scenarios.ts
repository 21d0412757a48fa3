// The scenarios of the performance issue, each measured the same way every time.
import { retentionScenario } from './retention.js';
import { backPressureScenario } from './back-pressure.js';
import { peersScenario } from './peers.js';
import { api, latencies, percentile, PG_URL, pushBatches, pushEvents, rawCeiling, startReceiver, startService, startWorker, type Receiver, type Service } from './harness.js';

export interface Row {
  measure: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
  ceilingRatio?: number;
  /** Printed as one table instead of measure/value (the peers' table). */
  columns?: Record<string, string>;
}

type Scenario = (opts: { events?: number; embedded?: boolean }) => Promise<Row[]>;

async function withSetup<T>(embedded: boolean, fn: (svc: Service, rx: Receiver) => Promise<T>, env: Record<string, string> = {}, role = 'serve'): Promise<T> {
  const rx = await startReceiver(5_000);
  const svc = await startService({ embedded, env, role });
  try {
    return await fn(svc, rx);
  } finally {
    await svc.stop();
    await rx.close();
  }
}

/** Pushes events as fast as ingest takes them; deliveries/s = events / (first POST → last arrival). */
async function sustained(embedded: boolean, total: number, target: number): Promise<Row[]> {
  return withSetup(embedded, async (svc, rx) => {
    await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'], secret: 'bench-secret-0123456789' });
    // Warm up connections, caches and the JIT, outside the measurement.
    await pushEvents(svc, 500, 'warm');
    await rx.onCount(500);
    const base = rx.count();
    const t0 = performance.now();
    const { seconds: ingestSeconds } = await pushEvents(svc, total, 'run', { connections: 64 });
    await rx.onCount(base + total);
    const seconds = (performance.now() - t0) / 1000;
    const rate = total / seconds;
    const ceiling = await rawCeiling(rx, Math.min(total, 20_000), 128);
    return [
      { measure: `deliveries per second (${embedded ? 'embedded PGlite' : 'PostgreSQL'}, ${total} events)`, value: rate, unit: '/s', target: `≥ ${target}`, pass: rate >= target, ceilingRatio: rate / ceiling },
      { measure: 'ingest: accepted events per second', value: total / ingestSeconds, unit: '/s' },
      { measure: 'raw ceiling: undici straight to the receiver, 128 connections', value: ceiling, unit: '/s' },
      { measure: 'share of the raw ceiling', value: (rate / ceiling) * 100, unit: '%', target: '≥ 25 %', pass: rate / ceiling >= 0.25 },
      { measure: 'peak RSS of the service', value: svc.peakRssMb(), unit: 'MB' },
    ];
  });
}

export const SCENARIOS: Record<string, Scenario> = {
  throughput: ({ events, embedded }) => (embedded ? sustained(true, events ?? 10_000, 1_000) : sustained(false, events ?? 30_000, 3_000)),
  embedded: ({ events }) => sustained(true, events ?? 10_000, 1_000),

  latency: ({ events, embedded }) =>
    withSetup(embedded ?? false, async (svc, rx) => {
      await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'] });
      await pushEvents(svc, 500, 'warm');
      await rx.onCount(500);
      const total = events ?? 5_000; // 10 s at 500/s
      const base = rx.count();
      const { accepted } = await pushEvents(svc, total, 'lat', { connections: 16, ratePerSec: 500 });
      await rx.onCount(base + total);
      const l = latencies(accepted, rx.arrivals);
      return [
        { measure: 'p50 from ingest 202 to the receiver, 500 events/s', value: percentile(l, 50), unit: 'ms' },
        { measure: 'p99 from ingest 202 to the receiver, 500 events/s', value: percentile(l, 99), unit: 'ms', target: '≤ 25 ms', pass: percentile(l, 99) <= 25 },
        { measure: 'max', value: l[l.length - 1], unit: 'ms' },
      ];
    }),
};

/** Direct SQL for set-ups that would take too long through the API (10,000 webhooks, 1,000,000 due deliveries). */
async function sql<T>(svc: Service, fn: (c: import('pg').Client) => Promise<T>): Promise<T> {
  const pg = await import('pg');
  const c = new pg.default.Client({ connectionString: PG_URL, options: `-c search_path=${svc.env.DATABASE_SCHEMA}` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Inserts `n` due deliveries of one event for the webhook, in chunks so no statement runs for minutes. */
async function queueDue(svc: Service, webhookId: string, n: number, run: string) {
  await sql(svc, async (c) => {
    const ev = await c.query<{ id: string }>(
      `insert into events (workspace_id, external_id, event_type, payload)
       select workspace_id, $2, 'flow_completed', $3 from webhooks where id = $1 returning id`,
      [webhookId, run, JSON.stringify({ event: 'flow_completed', id: run, chatflowId: 'cf' })],
    );
    for (let done = 0; done < n; done += 100_000) {
      await c.query(
        `insert into deliveries (workspace_id, webhook_id, event_id, event_type, attempt_limit, next_attempt_at)
         select w.workspace_id, w.id, $2, 'flow_completed', 6, now() - interval '1 minute' from webhooks w, generate_series(1, $3) where w.id = $1`,
        [webhookId, ev.rows[0].id, Math.min(100_000, n - done)],
      );
    }
    await c.query('analyze deliveries');
  });
}

/** Starts a worker process, waits for `n` deliveries, answers deliveries/s between the 1,000th and the n-th arrival. */
async function drain(svc: Service, rx: Receiver, n: number): Promise<{ rate: number; rssMb: number }> {
  const base = rx.count();
  const worker = await startWorker(svc);
  try {
    await rx.onCount(base + 1_000);
    const t0 = performance.now();
    await rx.onCount(base + n);
    return { rate: (n - 1_000) / ((performance.now() - t0) / 1000), rssMb: worker.peakRssMb() };
  } finally {
    await worker.stop();
  }
}

SCENARIOS.fanout = () =>
  withSetup(false, async (svc, rx) => {
    const hook = await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fan`, events: ['*'], secret: 'bench-secret-0123456789' });
    await sql(svc, (c) =>
      c.query(
        `insert into webhooks (workspace_id, url_enc, url_masked, secret_enc, events, transformer, transformer_config_enc, filters)
         select workspace_id, url_enc, url_masked, secret_enc, events, transformer, transformer_config_enc, filters
         from webhooks, generate_series(1, 9999) where id = $1`,
        [hook.id],
      ),
    );
    await pushEvents(svc, 1, 'warm');
    await rx.onCount(10_000);
    const base = rx.count();
    const t0 = performance.now();
    const { accepted } = await pushEvents(svc, 1, 'fan', { connections: 1 });
    const accepted202 = (accepted.get('fan-0')! - t0) / 1000;
    await rx.onCount(base + 10_000);
    const seconds = (performance.now() - t0) / 1000;
    return [
      { measure: 'one event fanned out to 10,000 webhooks, all delivered', value: seconds * 1000, unit: 'ms', target: '≤ 5000 ms', pass: seconds <= 5 },
      { measure: 'of which ingest (202 with 10,000 deliveries stored)', value: accepted202 * 1000, unit: 'ms' },
    ];
  }, { FORJINN_ENDPOINT_CONCURRENCY: '4' });

SCENARIOS.backlog = ({ events }) =>
  withSetup(false, async (svc, rx) => {
    const hook = await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/backlog`, events: ['*'], secret: 'bench-secret-0123456789' });
    const sample = events ?? 30_000;
    await queueDue(svc, hook.id, sample, 'small');
    const empty = await drain(svc, rx, sample);
    await sql(svc, async (c) => {
      await c.query('delete from attempts');
      await c.query('delete from deliveries');
      await c.query('vacuum analyze deliveries'); // not inside a transaction: one statement alone
    });
    const depth = 1_000_000;
    await queueDue(svc, hook.id, depth, 'big');
    const deep = await drain(svc, rx, sample);
    const ratio = deep.rate / empty.rate;
    return [
      { measure: `worker throughput, ${sample} due deliveries queued`, value: empty.rate, unit: '/s' },
      { measure: `worker throughput, ${depth.toLocaleString('en')} due deliveries queued`, value: deep.rate, unit: '/s', target: 'within 20 %', pass: ratio >= 0.8 },
      { measure: 'deep queue as a share of the shallow one', value: ratio * 100, unit: '%' },
      { measure: 'peak RSS of the worker process during the deep run', value: deep.rssMb, unit: 'MB', target: '≤ 256 MB', pass: deep.rssMb <= 256 },
    ];
  }, { FORJINN_CONCURRENCY: '256' }, 'api');

SCENARIOS['slow-endpoint'] = ({ events }) => {
  const total = events ?? 10_000;
  // The fast endpoint's throughput, alone and then beside an endpoint that answers after 5 s.
  const measure = (withSlow: boolean) =>
    withSetup(false, async (svc, rx) => {
      await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'] });
      if (withSlow) await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/slow`, events: ['*'], filters: { chatflowIds: ['cf-slow'] } });
      await pushEvents(svc, 500, 'warm');
      await rx.onCount(500);
      const base = rx.count();
      const t0 = performance.now();
      await pushEvents(svc, total, 'run', { connections: 64, chatflowEvery: withSlow ? 2 : 0 });
      await rx.onCount(base + total);
      return total / ((performance.now() - t0) / 1000);
    });
  return (async () => {
    const alone = await measure(false);
    const beside = await measure(true);
    const drop = 1 - beside / alone;
    return [
      { measure: 'fast endpoint alone', value: alone, unit: '/s' },
      { measure: 'fast endpoint beside one answering after 5 s (half the events)', value: beside, unit: '/s' },
      { measure: 'drop', value: drop * 100, unit: '%', target: '≤ 10 %', pass: drop <= 0.1 },
    ];
  })();
};

/** The same sustained load with the roles split: one `api` process and `workers` worker processes. */
async function splitRoles(total: number, workers: number): Promise<Row[]> {
  return withSetup(false, async (svc, rx) => {
    const started = [];
    for (let i = 0; i < workers; i++) started.push(await startWorker(svc));
    try {
      await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'], secret: 'bench-secret-0123456789' });
      await pushEvents(svc, 500, 'warm');
      await rx.onCount(500);
      const base = rx.count();
      const t0 = performance.now();
      await pushEvents(svc, total, 'run', { connections: 64 });
      await rx.onCount(base + total);
      const rate = total / ((performance.now() - t0) / 1000);
      return [{ measure: `deliveries per second, 1 api + ${workers} worker process${workers > 1 ? 'es' : ''} (PostgreSQL)`, value: rate, unit: '/s' }];
    } finally {
      for (const w of started) await w.stop();
    }
  }, {}, 'api');
}

SCENARIOS['scale-out'] = async ({ events }) => [...(await splitRoles(events ?? 20_000, 1)), ...(await splitRoles(events ?? 20_000, 2))];

/** POST /v1/events/batch: 500 events per request over 4 connections, for platforms that emit in bulk. */
SCENARIOS.batch = ({ events }) =>
  withSetup(false, async (svc, rx) => {
    await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'], secret: 'bench-secret-0123456789' });
    await pushEvents(svc, 500, 'warm');
    await rx.onCount(500);
    const total = events ?? 50_000;
    const base = rx.count();
    const t0 = performance.now();
    const { seconds: ingestSeconds } = await pushBatches(svc, total, 'batch', 500, 4);
    await rx.onCount(base + total);
    const rate = total / ((performance.now() - t0) / 1000);
    return [
      { measure: `deliveries per second, events sent 500 per POST /v1/events/batch (${total} events)`, value: rate, unit: '/s' },
      { measure: 'ingest: accepted events per second', value: total / ingestSeconds, unit: '/s' },
      { measure: 'peak RSS of the service', value: svc.peakRssMb(), unit: 'MB' },
    ];
  });

/**
 * `serve` at rest: started as a user starts it (LOG_LEVEL=info, Slack off), nothing sent; its
 * resident memory (VmRSS) once it has sat idle for `settleMs`. Issue 13's targets: ≤ 350 MB on the
 * embedded database, ≤ 120 MB on PostgreSQL.
 */
async function restingRss(opts: { embedded: boolean; dataDir?: string; env?: Record<string, string> }, settleMs = 5_000): Promise<number> {
  const svc = await startService({ embedded: opts.embedded, dataDir: opts.dataDir, env: { LOG_LEVEL: 'info', ...opts.env } });
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    return svc.rssMb();
  } finally {
    await svc.stop();
  }
}

SCENARIOS.memory = async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { randomBytes } = await import('node:crypto');
  const dataDir = mkdtempSync(join(tmpdir(), 'fjw-bench-memory-'));
  const env = { FORJINN_MASTER_KEY: randomBytes(32).toString('base64') };
  try {
    const first = await restingRss({ embedded: true, dataDir, env });
    const again = await restingRss({ embedded: true, dataDir, env });
    const pg = await restingRss({ embedded: false });
    return [
      { measure: 'serve at rest, embedded PGlite, first start (a new DATA_DIR)', value: first, unit: 'MB', target: '≤ 350 MB', pass: first <= 350 },
      { measure: 'serve at rest, embedded PGlite, restarted on that DATA_DIR', value: again, unit: 'MB', target: '≤ 350 MB', pass: again <= 350 },
      { measure: 'serve at rest, PostgreSQL', value: pg, unit: 'MB', target: '≤ 120 MB', pass: pg <= 120 },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

/**
 * Bytes written per delivery (issue 13, "store each payload once"): `events` deliveries of the
 * realistic sample events (samples/events/, one generic webhook, each delivered once), then the
 * growth of pg_total_relation_size (table, indexes and TOAST) of events, deliveries and attempts,
 * divided by the deliveries. PostgreSQL only.
 */
SCENARIOS.storage = ({ events }) =>
  withSetup(false, async (svc, rx) => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const pg = (await import('pg')).default;
    const dir = new URL('../samples/events/', import.meta.url);
    const samples = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Record<string, unknown>);
    const total = events ?? 5_000;
    const tables = ['events', 'deliveries', 'attempts'];
    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    const sizes = async () => {
      const { rows } = await db.query<{ t: string; n: string }>(
        `select t, pg_total_relation_size(format('%I.%I', $1::text, t)) as n from unnest($2::text[]) t`,
        [svc.env.DATABASE_SCHEMA, tables],
      );
      return new Map(rows.map((r) => [r.t, Number(r.n)]));
    };
    try {
      await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'], secret: 'bench-secret-0123456789' });
      const before = await sizes();
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < total; i = next++) await api(svc, 'POST', '/v1/events', { ...samples[i % samples.length], id: `storage-${i}` });
        }),
      );
      await rx.onCount(total);
      // The result writer stores attempts a few ms after the answer: wait for every row.
      for (;;) {
        const { rows } = await db.query<{ n: string }>(`select count(*) as n from ${svc.env.DATABASE_SCHEMA}.attempts`);
        if (Number(rows[0].n) >= total) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const after = await sizes();
      const per = tables.map((t) => ({ t, b: (after.get(t)! - before.get(t)!) / total }));
      const avgPayload = samples.reduce((s, e) => s + Buffer.byteLength(JSON.stringify(e)), 0) / samples.length;
      return [
        ...per.map(({ t, b }) => ({ measure: `${t}: bytes per delivery (table + indexes + TOAST, ${total} generic deliveries)`, value: b, unit: 'B' })),
        { measure: 'total bytes per delivery', value: per.reduce((s, p) => s + p.b, 0), unit: 'B' },
        { measure: 'average sample event (JSON as posted)', value: avgPayload, unit: 'B' },
      ];
    } finally {
      await db.end();
    }
  });

/** npm run bench -- retention: FORJINN_RETENTION=1m for four windows, the history tables' size and the delivery rate while partitions drop (bench/retention.ts). */
SCENARIOS.retention = retentionScenario;

/** npm run bench -- back-pressure: ingest offered faster than a throttled PostgreSQL writes it (bench/back-pressure.ts). */
SCENARIOS['back-pressure'] = backPressureScenario;

/** npm run bench -- peers: the same job on BullMQ, pg-boss and graphile-worker beside the service (bench/peers.ts; not part of `all`). */
SCENARIOS.peers = peersScenario;
