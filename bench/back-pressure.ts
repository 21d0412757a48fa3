// npm run bench -- back-pressure: ingest offered faster than a throttled PostgreSQL can write it.
// One `api` process (FORJINN_MAX_PENDING_EVENTS=2000) and one `worker`; a row trigger on `events`
// sleeps THROTTLE_MS per inserted event, so the database writes at most about 4 / THROTTLE_MS
// events a second however ingest batches them (four statements in flight, batcher.ts). Events
// are sent open-loop, one per POST /v1/events at OFFERED_PER_SEC, each on its own request
// whether or not earlier ones were answered (as many platform processes would), for `events`
// events; refused events are not sent again. Reported: accepted events/s, the share of 503
// `overloaded`, the api process's RSS over time, and whether every accepted event was
// delivered (and nothing of a refused one stored).
import pg from 'pg';
import { Pool } from 'undici';
import { api, event, PG_URL, startReceiver, startService, startWorker } from './harness.js';
import type { Row } from './scenarios.js';

const MAX_PENDING = 2_000;
const THROTTLE_MS = 4;
const OFFERED_PER_SEC = 3_000;
const RUN = 'bp';

export async function backPressureScenario({ events }: { events?: number }): Promise<Row[]> {
  const total = events ?? OFFERED_PER_SEC * 30;
  const rx = await startReceiver();
  const svc = await startService({ role: 'api', env: { FORJINN_MAX_PENDING_EVENTS: String(MAX_PENDING) } });
  const worker = await startWorker(svc);
  const db = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${svc.env.DATABASE_SCHEMA}` });
  await db.connect();
  // Enough connections for every request that may wait (the bound) and the refused ones in flight.
  const pool = new Pool(svc.url, { connections: MAX_PENDING * 2, pipelining: 1 });
  try {
    await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/pressure`, events: ['*'], secret: 'bench-secret-0123456789' });
    await db.query(`create function bench_throttle() returns trigger language plpgsql as $$ begin perform pg_sleep(${THROTTLE_MS / 1000}); return new; end $$`);
    await db.query('create trigger bench_throttle before insert on events for each row execute function bench_throttle()');

    const accepted = new Set<string>();
    const answers = { overloaded: 0, other: new Map<string, number>() };
    let lastAccepted = 0;
    let longestWait = 0;
    const rss: Array<{ at: number; mb: number }> = [];
    const restingMb = svc.rssMb();
    const headers = { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json' };
    const t0 = performance.now();
    const sampler = setInterval(() => rss.push({ at: performance.now() - t0, mb: svc.rssMb() }), 250);

    const send = async (i: number) => {
      const sent = performance.now();
      try {
        const res = await pool.request({ path: '/v1/events', method: 'POST', headers, body: event(i, RUN) });
        const body = (await res.body.json()) as { id?: string; deliveries?: number; error?: { code: string } };
        if (res.statusCode === 202 && body.deliveries === 1) {
          accepted.add(`${RUN}-${i}`);
          lastAccepted = performance.now();
          longestWait = Math.max(longestWait, lastAccepted - sent);
        } else if (res.statusCode === 503 && body.error?.code === 'overloaded') answers.overloaded++;
        else answers.other.set(`${res.statusCode} ${body.error?.code ?? ''}`, (answers.other.get(`${res.statusCode} ${body.error?.code ?? ''}`) ?? 0) + 1);
      } catch (err) {
        const key = `client error ${(err as { code?: string }).code ?? (err as Error).message}`;
        answers.other.set(key, (answers.other.get(key) ?? 0) + 1);
      }
    };
    // Open loop: every 5 ms, as many new requests as the offered rate says are due by now.
    const inFlight: Array<Promise<void>> = [];
    let next = 0;
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * OFFERED_PER_SEC));
        while (next < due) inFlight.push(send(next++));
        if (next >= total) {
          clearInterval(tick);
          done();
        }
      }, 5);
    });
    const sendSeconds = (performance.now() - t0) / 1000;
    const rssAtLoadEnd = svc.rssMb();
    await Promise.all(inFlight);
    const answeredSeconds = (performance.now() - t0) / 1000;

    // Every accepted event delivered: wait while deliveries still arrive (stop after 30 s with none).
    const delivered = () => [...accepted].filter((id) => rx.arrivals.has(id)).length;
    for (let seen = -1, still = performance.now(); delivered() < accepted.size && performance.now() - still < 30_000; ) {
      await new Promise((r) => setTimeout(r, 200));
      if (delivered() !== seen) [seen, still] = [delivered(), performance.now()];
    }
    clearInterval(sampler);
    const rssAfterDrain = svc.rssMb();
    const stored = await db.query<{ events: string; deliveries: string }>(
      `select (select count(*) from events where external_id like '${RUN}-%') as events,
              (select count(*) from deliveries d join events e on e.id = d.event_id where e.external_id like '${RUN}-%') as deliveries`,
    );
    const lost = accepted.size - delivered();
    const answered = accepted.size + answers.overloaded + [...answers.other.values()].reduce((a, b) => a + b, 0);
    const atShare = (share: number) => Math.max(...rss.filter((s) => s.at <= sendSeconds * 1000 * share && s.at > sendSeconds * 1000 * (share - 0.25)).map((s) => s.mb));
    const other = [...answers.other.entries()].map(([k, n]) => `${k}: ${n}`).join(', ');
    return [
      { measure: `offered: events sent open-loop (${total} at ${OFFERED_PER_SEC}/s, one per request)`, value: total / sendSeconds, unit: '/s' },
      { measure: `accepted (202) events per second, first send to last 202 (${accepted.size} accepted)`, value: accepted.size / ((lastAccepted - t0) / 1000), unit: '/s' },
      { measure: `database write ceiling with the throttle (4 statements x 1 / ${THROTTLE_MS} ms per row)`, value: 4000 / THROTTLE_MS, unit: '/s' },
      { measure: 'share of answers 503 overloaded', value: (answers.overloaded / answered) * 100, unit: '%' },
      { measure: `other answers${other ? ` (${other})` : ''}`, value: answered - accepted.size - answers.overloaded, unit: '', target: '0', pass: answered - accepted.size - answers.overloaded === 0 },
      { measure: 'longest wait for a 202', value: longestWait, unit: 'ms' },
      { measure: 'api RSS at rest, before the load', value: restingMb, unit: 'MB' },
      ...[0.25, 0.5, 0.75, 1].map((q) => ({ measure: `api RSS, highest in quarter ${q * 4} of the load`, value: atShare(q), unit: 'MB' })),
      { measure: 'api RSS when the last request was sent', value: rssAtLoadEnd, unit: 'MB' },
      { measure: `api RSS at the end, every answer in (${answeredSeconds.toFixed(1)} s) and the deliveries drained`, value: rssAfterDrain, unit: 'MB' },
      { measure: 'api peak RSS (VmHWM)', value: svc.peakRssMb(), unit: 'MB' },
      { measure: 'accepted events not delivered', value: lost, unit: '', target: '0', pass: lost === 0 },
      { measure: 'stored: events of this run (a refused event stores nothing)', value: Number(stored.rows[0].events), unit: '', target: `${accepted.size} (accepted)`, pass: Number(stored.rows[0].events) === accepted.size },
      { measure: 'stored: their deliveries', value: Number(stored.rows[0].deliveries), unit: '', target: `${accepted.size}`, pass: Number(stored.rows[0].deliveries) === accepted.size },
    ];
  } finally {
    await pool.close();
    await db.end();
    await worker.stop();
    await svc.stop();
    await rx.close();
  }
}
