// GET /metrics during a database outage: the scrape still answers, with the process metrics and
// the counters; the queue depth read from the database is left out and the oldest age is NaN. (A worker cut off from
// its database answered 503 to every scrape, losing every metric when they matter most.)
import { describe, expect, it } from '@jest/globals';
import { Metrics } from '../../../src/services/delivery/metrics.js';
import type { Database } from '../../../src/store/database.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('metrics without a database', () => {
  it('scrapes the counters and process metrics, without the queue gauges', async () => {
    let up = false;
    const pool = { query: async () => (up ? { rows: [{ due: 3, waiting: 1, oldest: 2 }] } : Promise.reject(refused)) };
    const metrics = new Metrics({ pool } as unknown as Database);
    metrics.staleResults.inc();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^forjinn_stale_results_total 1$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).not.toMatch(/^forjinn_queue_depth\{/m);
    expect(text).toMatch(/^forjinn_oldest_due_delivery_seconds nan$/im); // prom-client writes Nan, which Prometheus reads
    // Back: the gauges are there again.
    up = true;
    const again = await metrics.registry.metrics();
    expect(again).toMatch(/^forjinn_queue_depth\{state="due"\} 3$/m);
    expect(again).toMatch(/^forjinn_oldest_due_delivery_seconds 2$/m);
  });
});
