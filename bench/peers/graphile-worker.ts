// The delivery job on graphile-worker 0.16 (issue 28, item 1): `addJob` for each subscribed
// webhook before the 202 (through WorkerUtils; 0.16 has no addJobs); `run()` in the same process
// with a concurrency of 16 (jobs picked up on LISTEN/NOTIFY, polling every 2 s for retries),
// 6 attempts (graphile-worker's own exponential backoff). Its log is kept to warnings and errors,
// as the service runs at LOG_LEVEL=warn in the bench.
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import { DATABASE_URL, db, deliver, RETRIES, serve, version, type Delivery } from './common.js';

const CONCURRENCY = Number(process.env.PEER_CONCURRENCY ?? 16);
const POOL = CONCURRENCY + 4;
const logger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') console.error(`[${level}] ${message}`);
});
const utils = await makeWorkerUtils({ connectionString: DATABASE_URL, logger });
await utils.migrate();
const runner = await run({
  connectionString: DATABASE_URL,
  concurrency: CONCURRENCY,
  maxPoolSize: POOL,
  pollInterval: 2_000,
  noHandleSignals: true,
  logger,
  taskList: {
    deliver: async (payload, helpers) => {
      await deliver(helpers.job.id, helpers.job.attempts, payload as Delivery);
    },
  },
});
const { rows } = await db.query<{ sc: string }>('select current_setting($1) as sc', ['synchronous_commit']);

await serve({
  settings: `graphile-worker ${version('graphile-worker')}: WorkerUtils.addJob per job; run() concurrency ${CONCURRENCY}, maxPoolSize ${POOL}, pollInterval 2 s (new jobs on LISTEN/NOTIFY); maxAttempts ${RETRIES + 1}`,
  durability: `committed to PostgreSQL (synchronous_commit ${rows[0].sc})`,
  enqueue: (jobs) => Promise.all(jobs.map((data) => utils.addJob('deliver', data, { maxAttempts: RETRIES + 1 }))),
  async stop() {
    await runner.stop();
    await utils.release();
  },
});
