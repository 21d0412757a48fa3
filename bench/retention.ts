// npm run bench -- retention [--embedded]: a sustained run with a short retention
// (FORJINN_RETENTION=1m) for four windows. Every two seconds it samples the total size of the
// history tables (pg_total_relation_size over every partition of each) and the deliveries that
// arrived; it reports whether the size stays flat after the first window and whether the
// delivery rate holds in the seconds in which partitions were dropped.
import pg from 'pg';
import { api, PG_URL, pushEvents, startReceiver, startService, type Service } from './harness.js';
import type { Row } from './scenarios.js';
import { partitionWidth, pruneInterval } from '../src/store/retention.js';

/** The history tables (store/retention.ts partitions them); pg_partition_tree also counts a table that is not partitioned. */
const HISTORY_TABLES = ['events', 'deliveries', 'attempts', 'event_keys'];
const WINDOW_MS = 60_000;
const WINDOWS = 4;
const SAMPLE_MS = 2_000;

interface Sample {
  /** ms since the steady load started */
  at: number;
  bytes: number;
  delivered: number;
  partitions: Set<string>;
}

/** A connection of its own beside the service's: PostgreSQL's schema, or the embedded database's socket in DATA_DIR. */
async function connect(svc: Service, embedded: boolean): Promise<pg.Client> {
  const c = embedded
    ? new pg.Client({ host: svc.env.DATA_DIR, port: 5432, user: 'postgres', database: 'postgres' })
    : new pg.Client({ connectionString: PG_URL, options: `-c search_path=${svc.env.DATABASE_SCHEMA}` });
  await c.connect();
  return c;
}

async function measure(c: pg.Client): Promise<{ bytes: number; partitions: Set<string> }> {
  const tables = (await c.query<{ t: string }>('select t from unnest($1::text[]) t where to_regclass(t) is not null', [HISTORY_TABLES])).rows.map((r) => r.t);
  const { rows } = await c.query<{ relid: string; leaf: boolean; bytes: string }>(
    `select p.relid::regclass::text as relid, p.isleaf as leaf, pg_total_relation_size(p.relid) as bytes
       from unnest($1::text[]) t, pg_partition_tree(t::regclass) p`,
    [tables],
  );
  return {
    bytes: rows.reduce((sum, r) => sum + Number(r.bytes), 0),
    partitions: new Set(rows.filter((r) => r.leaf && !tables.includes(r.relid)).map((r) => r.relid)),
  };
}

export async function retentionScenario({ embedded = false, events }: { events?: number; embedded?: boolean }): Promise<Row[]> {
  const rate = embedded ? 100 : 250;
  const total = events ?? rate * (WINDOW_MS / 1000) * WINDOWS;
  const rx = await startReceiver();
  const svc = await startService({ embedded, env: { FORJINN_RETENTION: `${WINDOW_MS / 60_000}m` } });
  const c = await connect(svc, embedded);
  try {
    await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'], secret: 'bench-secret-0123456789' });
    await pushEvents(svc, 200, 'warm');
    await rx.onCount(200);
    const samples: Sample[] = [];
    const t0 = performance.now();
    const take = async () => {
      const m = await measure(c);
      samples.push({ at: performance.now() - t0, delivered: rx.count(), ...m });
    };
    await take();
    let sampling = Promise.resolve();
    const timer = setInterval(() => (sampling = sampling.then(take)), SAMPLE_MS);
    const base = rx.count();
    await pushEvents(svc, total, 'keep', { connections: 16, ratePerSec: rate });
    await rx.onCount(base + total);
    clearInterval(timer);
    await sampling;
    await take();

    // One interval between each two samples: what arrived in it, and which partitions went.
    const intervals = samples.slice(1).map((s, i) => ({
      end: s.at,
      ms: s.at - samples[i].at,
      delivered: s.delivered - samples[i].delivered,
      dropped: [...samples[i].partitions].filter((p) => !s.partitions.has(p)).length,
    }));
    const rateOf = (list: typeof intervals) => (list.reduce((n, x) => n + x.delivered, 0) * 1000) / list.reduce((ms, x) => ms + x.ms, 0);
    const steady = intervals.filter((x) => x.end <= WINDOW_MS * WINDOWS);
    const drops = steady.filter((x) => x.dropped > 0);
    const overall = rateOf(steady);
    const duringDrops = drops.length ? rateOf(drops) : NaN;
    // Flat: once the first drops came, the size stops growing. History kept is at most the
    // retention, plus the partition being filled (1 minute wide for a 1m retention, the narrowest
    // store/retention.ts makes), plus one prune interval (30 s): 2.5 windows of the first's.
    const maxIn = (w: number) => Math.max(...samples.filter((s) => s.at > w * WINDOW_MS && s.at <= (w + 1) * WINDOW_MS).map((s) => s.bytes));
    const endOfFirst = samples.filter((s) => s.at <= WINDOW_MS).at(-1)!.bytes;
    const third = maxIn(WINDOWS - 2);
    const fourth = maxIn(WINDOWS - 1);
    const width = partitionWidth(WINDOW_MS);
    const bound = (WINDOW_MS + width + pruneInterval(WINDOW_MS)) / WINDOW_MS;
    const mb = (b: number) => b / 2 ** 20;
    const db = embedded ? 'embedded PGlite' : 'PostgreSQL';
    return [
      { measure: `history tables at the end of the first window (${db}, FORJINN_RETENTION=1m, ${rate} events/s, nothing removed yet)`, value: mb(endOfFirst), unit: 'MB' },
      { measure: 'largest size in the third window', value: mb(third), unit: 'MB', target: `≤ ${bound} × first window`, pass: third <= bound * endOfFirst },
      { measure: 'largest size in the fourth window', value: mb(fourth), unit: 'MB', target: `≤ ${bound} × first window`, pass: fourth <= bound * endOfFirst },
      { measure: 'fourth window against the third (growing without removal: 133 %)', value: (fourth / third) * 100, unit: '%', target: '≤ 110 %', pass: fourth <= 1.1 * third },
      { measure: 'size once the last events were delivered', value: mb(samples.at(-1)!.bytes), unit: 'MB' },
      { measure: 'partitions dropped during the run', value: intervals.reduce((n, x) => n + x.dropped, 0), unit: '' },
      { measure: 'delivery rate over the run', value: overall, unit: '/s' },
      { measure: `delivery rate in the ${drops.length} sample intervals (${SAMPLE_MS / 1000} s) with a drop`, value: duringDrops, unit: '/s', target: '≥ 90 % of the run', pass: drops.length > 0 && duringDrops >= 0.9 * overall },
      { measure: 'lowest rate in a drop interval, as a share of the run', value: (Math.min(...drops.map((x) => (x.delivered * 1000) / x.ms)) / overall) * 100, unit: '%' },
      { measure: 'lowest rate in any interval of the run, as a share of the run', value: (Math.min(...steady.map((x) => (x.delivered * 1000) / x.ms)) / overall) * 100, unit: '%' },
      { measure: 'peak RSS of the service', value: svc.peakRssMb(), unit: 'MB' },
    ];
  } finally {
    await c.end();
    await svc.stop();
    await rx.close();
  }
}
