// The delivery job on BullMQ 5 + Redis (issue 28, item 1): `addBulk`, one job per subscribed
// webhook, before the 202; a Worker in the same process (as `serve` runs its own), 64 jobs at once,
// 6 attempts with exponential backoff; completed jobs trimmed to the last 1,000 (BullMQ's advice:
// Redis holds everything in memory). PEER_REDIS_PREFIX keeps this run's keys apart; they are
// removed (obliterate) at the end.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deliver, RETRIES, serve, version, type Delivery } from './common.js';

const CONCURRENCY = 64;
const url = process.env.PEER_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.PEER_REDIS_PREFIX ?? 'bench-peers';
const connection = new Redis(url, { maxRetriesPerRequest: null });
const queue = new Queue<Delivery>('deliveries', {
  connection,
  prefix,
  defaultJobOptions: { attempts: RETRIES + 1, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { count: 1_000 }, removeOnFail: { count: 10_000 } },
});
const worker = new Worker<Delivery>('deliveries', (job) => deliver(job.id!, job.attemptsMade + 1, job.data), {
  connection: new Redis(url, { maxRetriesPerRequest: null }),
  prefix,
  concurrency: CONCURRENCY,
});
worker.on('error', (e) => console.error(e));

const config = async (name: string) => ((await connection.call('config', 'get', name)) as string[])[1];
const [aof, fsync, save] = [await config('appendonly'), await config('appendfsync'), await config('save')];

await serve({
  settings: `BullMQ ${version('bullmq')}: Queue.addBulk per event; one Worker, concurrency ${CONCURRENCY}; attempts ${RETRIES + 1}, exponential backoff 1 s; removeOnComplete 1,000`,
  durability:
    aof === 'yes'
      ? `Redis append-only file, appendfsync ${fsync}${fsync === 'always' ? '' : ': up to 1 s of accepted jobs lost on a crash'}`
      : `Redis memory only (appendonly no, save '${save}'${save ? ': snapshots only' : ': nothing on disk'})`,
  enqueue: (jobs) => queue.addBulk(jobs.map((data) => ({ name: 'deliver', data }))),
  async stop() {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  },
});
