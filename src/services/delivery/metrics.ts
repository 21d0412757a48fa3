// Prometheus metrics: deliveries by outcome, attempt latency, queue depth and the age of the
// oldest due delivery (read from the database at scrape time, so every process reports the truth).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../../store/database.js';
import { queueDepth } from '../../store/deliveries/index.js';
import type { AttemptRecord } from './attempt.js';
import { DEFAULT_TRANSFORMER } from '../transformers/index.js';

export class Metrics {
  readonly registry = new Registry();
  private attempts: Counter<'outcome' | 'transformer'>;
  private deliveries: Counter<'status'>;
  private latency: Histogram<'outcome'>;
  readonly templateErrors: Counter;
  readonly disabled: Counter;
  readonly staleResults: Counter;

  constructor(db: Database) {
    // Node's process metrics under their standard names (process_cpu_seconds_total,
    // nodejs_eventloop_lag_seconds, ...), which stock Node.js dashboards look for; only the
    // service's own carry forjinn_.
    collectDefaultMetrics({ register: this.registry });
    this.attempts = new Counter({ name: 'forjinn_attempts_total', help: 'Delivery attempts by outcome', labelNames: ['outcome', 'transformer'], registers: [this.registry] });
    this.deliveries = new Counter({ name: 'forjinn_deliveries_total', help: 'Deliveries that reached a final state, by status', labelNames: ['status'], registers: [this.registry] });
    this.latency = new Histogram({
      name: 'forjinn_attempt_duration_seconds',
      help: 'Time from sending a request to its answer',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.templateErrors = new Counter({ name: 'forjinn_template_errors_total', help: 'Custom templates that failed at delivery (default sent instead)', registers: [this.registry] });
    this.disabled = new Counter({ name: 'forjinn_webhooks_disabled_total', help: 'Webhooks disabled by the service', registers: [this.registry] });
    this.staleResults = new Counter({
      name: 'forjinn_stale_results_total',
      help: 'Attempt results that arrived after their lease was taken over: stored as late, the delivery left as it was',
      registers: [this.registry],
    });
    // One read of the queue per scrape, for both gauges (a scrape collects them side by side): a
    // database that does not answer leaves the depth out and the age NaN (no value is better than
    // a stale one), and the rest of the scrape still answers 200: a database outage is when the
    // process metrics and the counters are wanted most.
    let reading: Promise<Awaited<ReturnType<typeof queueDepth>> | undefined> | undefined;
    const read = () =>
      (reading ??= queueDepth(db.pool)
        .catch(() => undefined)
        .finally(() => (reading = undefined))); // both collects start in the same turn, before it answers
    new Gauge({
      name: 'forjinn_queue_depth',
      help: 'Pending deliveries (due now or waiting for a retry)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const depth = await read();
        if (!depth) return this.reset();
        this.set({ state: 'due' }, depth.due);
        this.set({ state: 'waiting' }, depth.waiting);
      },
    });
    new Gauge({
      name: 'forjinn_oldest_due_delivery_seconds',
      help: 'Age of the oldest due delivery',
      registers: [this.registry],
      async collect() {
        const depth = await read();
        this.set(depth ? (depth.oldest ?? 0) : Number.NaN);
      },
    });
  }

  /** An attempt made, when it is made (a late one too: it was sent). */
  observe(r: AttemptRecord, transformer: string = DEFAULT_TRANSFORMER) {
    this.attempts.inc({ outcome: r.verdict.outcome, transformer });
    this.latency.observe({ outcome: r.verdict.outcome }, r.durationMs / 1000);
    if (r.notes.some((n) => n.kind === 'template')) this.templateErrors.inc();
  }

  /**
   * Results stored that moved their deliveries on: a final one counts its delivery. Only these: a
   * fenced result (its lease taken over) changed nothing and counts in forjinn_stale_results_total.
   */
  settled(records: readonly AttemptRecord[]) {
    for (const r of records) if (r.status !== 'pending') this.deliveries.inc({ status: r.status });
  }
}
