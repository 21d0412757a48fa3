// The delivery job on pg-boss 10 (issue 28, item 1): `insert` of one job per subscribed webhook
// before the 202 (pg-boss's bulk insert); PEER_WORKERS `work()` loops of PEER_BATCH jobs each
// (pg-boss 10 removed teamSize: one work() call is one polling loop), each batch's requests sent
// at once; a failed request fails its job alone (`fail`), pg-boss completes the rest. A work() loop
// fetches again only after its polling interval (less the batch's time), so loops × batch /
// interval bounds the rate: 16 × 100 / 0.5 s = 3,200 jobs/s, above anything measured here, so
// the setting is not what limits it.
import PgBoss from 'pg-boss';
import { DATABASE_URL, db, deliver, RETRIES, serve, version, type Delivery } from './common.js';

const WORKERS = Number(process.env.PEER_WORKERS ?? 16);
const BATCH = Number(process.env.PEER_BATCH ?? 100);
const POLL_SECONDS = 0.5; // pg-boss 10's smallest polling interval (its default is 2 s)
const QUEUE = 'deliveries';

const boss = new PgBoss({ connectionString: DATABASE_URL, max: 20 });
boss.on('error', (e) => console.error(e));
await boss.start();
await boss.createQueue(QUEUE, { name: QUEUE, retryLimit: RETRIES, retryDelay: 1, retryBackoff: true });
for (let i = 0; i < WORKERS; i++) {
  await boss.work<Delivery>(QUEUE, { batchSize: BATCH, pollingIntervalSeconds: POLL_SECONDS, includeMetadata: true }, async (jobs) => {
    const failed: string[] = [];
    await Promise.all(jobs.map((j) => deliver(j.id, j.retryCount + 1, j.data).catch(() => failed.push(j.id))));
    if (failed.length > 0) await boss.fail(QUEUE, failed);
  });
}
const { rows } = await db.query<{ sc: string }>('select current_setting($1) as sc', ['synchronous_commit']);

await serve({
  settings: `pg-boss ${version('pg-boss')}: insert per event; ${WORKERS} work() loops, batchSize ${BATCH}, pollingIntervalSeconds ${POLL_SECONDS} (at most ${(WORKERS * BATCH) / POLL_SECONDS} jobs/s fetched while each batch takes under ${POLL_SECONDS} s); pool max 20; retryLimit ${RETRIES}, retryDelay 1 s, backoff`,
  durability: `committed to PostgreSQL (synchronous_commit ${rows[0].sc})`,
  enqueue: (jobs) => boss.insert(jobs.map((data) => ({ name: QUEUE, data }))),
  stop: () => boss.stop({ graceful: false, wait: true }),
});
